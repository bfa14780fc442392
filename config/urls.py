from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from budgets import views as budget_views
from config.apidocs import redoc_bundle
from core import policy

# The admin only for HQ's bureau-wide roles and administrators (core/policy.py), whatever a
# user's is_staff flag says.
admin.site.has_permission = lambda request: policy.can_use_admin(request.user)

urlpatterns = [
    path("", budget_views.home, name="home"),
    path("budgets/", include("budgets.urls")),
    path("workflow/", include("approvals.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("reminders/", include("reminders.urls")),
    path("ceilings/", include("ceilings.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("", include("audit.urls")),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("budgets.api.urls")),
    path("api/v1/", include("approvals.api")),
    path("api/v1/", include("ceilings.api.urls")),
    path("", include("performance.urls")),
    path("", include("library.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
]
