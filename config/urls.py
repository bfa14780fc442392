from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from budgets import views as budget_views

urlpatterns = [
    path("", budget_views.home, name="home"),
    path("budgets/", include("budgets.urls")),
    path("workflow/", include("approvals.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("reminders/", include("reminders.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("budgets.api.urls")),
    path("api/v1/", include("approvals.api")),
    path("", include("performance.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
