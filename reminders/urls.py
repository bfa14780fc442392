from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("mine/", views.my_reminders, name="mine"),
    path("log/", views.reminder_log, name="log"),
    path("settings/", views.reminder_settings, name="settings"),
]
