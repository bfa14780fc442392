from django.urls import include, path

from . import views

app_name = "performance"

project = "<int:year>/<slug:unit_code>/projects/<int:pk>"

pages = [
    path("", views.home, name="home"),
    path("<int:year>/", views.bureau, name="bureau"),
    path("<int:year>/monitoring/open/", views.monitoring_open, name="monitoring_open"),
    path("<int:year>/spending/", views.spending_import, name="spending_import"),
    path("<int:year>/target-changes/", views.target_changes, name="target_changes"),
    path(
        "<int:year>/target-changes/<int:pk>/decide/", views.target_change_decide, name="target_change_decide"
    ),
    path("<int:year>/<slug:unit_code>/", views.unit_page, name="unit"),
    path("<int:year>/<slug:unit_code>/targets/", views.department_targets, name="department_targets"),
    path(
        "<int:year>/<slug:unit_code>/evaluation/", views.department_evaluation, name="department_evaluation"
    ),
    path("<int:year>/<slug:unit_code>/evaluation/report/", views.department_report, name="department_report"),
    path("<int:year>/<slug:unit_code>/evaluation.xlsx", views.department_xlsx, name="department_xlsx"),
    path(f"{project}/targets/", views.project_targets, name="project_targets"),
    path(f"{project}/targets/check/", views.targets_check, name="targets_check"),
    path(f"{project}/monitoring/", views.project_monitoring, name="project_monitoring"),
    path(
        f"{project}/monitoring/indicators/<int:indicator>/change/",
        views.target_change_request,
        name="target_change_request",
    ),
    path(f"{project}/evaluation/", views.project_evaluation, name="project_evaluation"),
]

urlpatterns = [
    path("performance/", include(pages)),
    path("api/v1/performance/", include("performance.api.urls")),
]
