from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/", views.export_create, name="export-create"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/status/", views.export_status, name="export-status"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("imports/", views.import_create, name="import-create"),
    path("imports/template.xlsx", views.template_download, name="template"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/status/", views.import_status, name="import-status"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("text/<int:year>/", views.text_edit, name="text"),
]
