from django.urls import path

from . import views

urlpatterns = [
    path("accounts/second-factor/", views.verify, name="otp_verify"),
    path("accounts/second-factor/enrol/", views.enrol, name="otp_enrol"),
]
