from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("<int:year>/", views.bureau_overview, name="bureau"),
    path("<int:year>/<slug:unit_code>/", views.unit_budget, name="unit"),
    path("<int:year>/<slug:unit_code>/projects/<int:pk>/", views.project_detail, name="project"),
]
