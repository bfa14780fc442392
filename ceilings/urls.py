from django.urls import path

from . import views

app_name = "ceilings"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.cycle_ceilings, name="cycle"),
    path("<int:year>/scenarios/", views.scenarios, name="scenarios"),
    path("<int:year>/peers/", views.peers, name="peers"),
    path("<int:year>/rounds.xlsx", views.rounds_xlsx, name="rounds-xlsx"),
    path("<int:year>/<slug:unit_code>/", views.unit_ceiling, name="unit"),
    path("<int:year>/<slug:unit_code>/act/", views.ceiling_transition, name="act"),
    path("<int:year>/<slug:unit_code>/standards/", views.standards, name="standards"),
    path("<int:year>/<slug:unit_code>/monitoring/", views.monitoring, name="monitoring"),
]
