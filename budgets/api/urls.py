from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("cycles", views.BudgetCycleViewSet, basename="cycle")
router.register("codes/functional", views.FunctionalCodeViewSet, basename="functional-code")
router.register("codes/economic", views.EconomicCodeViewSet, basename="economic-code")
router.register("codes/funding-sources", views.FundingSourceViewSet, basename="funding-source")
router.register("codes/procurement-items", views.ProcurementItemViewSet, basename="procurement-item")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("budgets", views.UnitBudgetViewSet, basename="budget")

urlpatterns = router.urls
