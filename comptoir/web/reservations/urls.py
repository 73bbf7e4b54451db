"""Buyer pages: reserve to try (/reservations/)."""
from django.urls import path

from . import views

app_name = "reservations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.reserve, name="reserve"),
    path("<int:reservation_id>/cancel/", views.cancel, name="cancel"),
]
