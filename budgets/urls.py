from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("<int:year>/", views.bureau_overview, name="bureau"),
    path("<int:year>/<slug:unit_code>/", views.unit_budget, name="unit"),
    path("<int:year>/<slug:unit_code>/edit/", views.budget_edit, name="budget-edit"),
    path("<int:year>/<slug:unit_code>/projects/new/", views.project_new, name="project-new"),
    path("<int:year>/<slug:unit_code>/projects/<int:pk>/", views.project_detail, name="project"),
    path("<int:year>/<slug:unit_code>/projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
]
