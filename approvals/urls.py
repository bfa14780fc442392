from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/<int:year>/", views.dashboard, name="dashboard"),
    path("cycles/new/", views.cycle_start, name="cycle-start"),
    path("cycles/<int:year>/", views.cycle_detail, name="cycle"),
    path("projects/<int:pk>/transition/", views.project_transition, name="project-transition"),
    path("budgets/<int:pk>/transition/", views.budget_transition, name="budget-transition"),
    path("projects/<int:pk>/adjustments/", views.adjustment_request, name="adjustment-request"),
    path(
        "basic-lines/<int:pk>/adjustments/", views.basic_line_adjustment_request, name="basic-line-adjustment"
    ),
    path("adjustments/<int:pk>/revise/", views.adjustment_revise, name="adjustment-revise"),
    path("adjustments/<int:pk>/transition/", views.adjustment_transition, name="adjustment-transition"),
]
