from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.LibraryProjectViewSet, basename="library-project")

urlpatterns = [
    path("suggestions/<int:project_id>/", views.SuggestionView.as_view(), name="library-suggestion"),
    *router.urls,
]
