from django.urls import include, path

from . import views

app_name = "library"

urlpatterns = [
    path("library/", views.index, name="index"),
    path("library/new/", views.propose, name="propose"),
    path("library/roll/", views.roll, name="roll"),
    path("library/import/", views.import_rows, name="import"),
    path("library/<int:pk>/", views.project, name="project"),
    path("library/<int:pk>/transition/", views.transition, name="transition"),
    path("library/<int:pk>/assess/", views.assess, name="assess"),
    path("library/<int:pk>/plan/", views.plan, name="plan"),
    path("library/years/<int:pk>/reason/", views.departure_reason, name="departure_reason"),
    path("api/v1/library/", include("library.api.urls")),
]
