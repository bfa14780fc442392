from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("ceilings", views.CeilingViewSet, basename="ceiling")

urlpatterns = router.urls
