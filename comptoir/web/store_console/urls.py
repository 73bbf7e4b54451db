"""Store console pages under /store/ (staff of a store, partner members, operators)."""
from django.urls import path

from . import shelf_views, views

app_name = "store_console"
urlpatterns = [
    path("", views.picker, name="picker"),
    path("partners/", views.partners, name="partners"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/consignments/", views.consignments, name="consignments"),
    path("<slug:slug>/consignments/<str:reference>/", views.consignment, name="consignment"),
    path("<slug:slug>/consignments/<str:reference>/<str:decision>/", views.consignment_decide, name="consignment_decide"),
    path("<slug:slug>/shelf/", shelf_views.shelf, name="shelf"),
    path("<slug:slug>/shelf/<int:level_id>/correct/", shelf_views.shelf_correct, name="shelf_correct"),
    path("<slug:slug>/corrections/", shelf_views.corrections, name="corrections"),
    path("<slug:slug>/send-back/", shelf_views.send_back, name="send_back"),
    path("<slug:slug>/staff/", shelf_views.staff, name="staff"),
]
