from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("department-targets", views.DepartmentTargetViewSet, basename="department-target")
router.register("project-targets", views.ProjectTargetsViewSet, basename="project-targets")
router.register("monitoring", views.MonitoringViewSet, basename="monitoring")
router.register("target-changes", views.TargetChangeViewSet, basename="target-change")
router.register("spending-imports", views.SpendingImportViewSet, basename="spending-import")
router.register("project-evaluations", views.ProjectEvaluationViewSet, basename="project-evaluation")
router.register("department-evaluations", views.DepartmentEvaluationViewSet, basename="department-evaluation")

urlpatterns = [
    path("parse-target/", views.ParseTargetView.as_view(), name="parse-target"),
    path("rubric/", views.RubricView.as_view(), name="rubric"),
    path("rubric/score/", views.RubricView.as_view(), name="rubric-score"),
    *router.urls,
]
