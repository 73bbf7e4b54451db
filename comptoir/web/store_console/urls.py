"""Store console pages under /store/ (staff of a store, partner members, operators)."""
from django.urls import path

from . import partner_statement, pickup_views, shelf_views, views
from . import shelf_views, till_views, views

app_name = "store_console"
urlpatterns = [
    path("", views.picker, name="picker"),
    path("partners/", views.partners, name="partners"),
    path("partners/<int:partner_id>/statement/", partner_statement.statement, name="partner_statement"),
    path("partners/<int:partner_id>/statement.csv", partner_statement.statement_csv, name="partner_statement_csv"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/consignments/", views.consignments, name="consignments"),
    path("<slug:slug>/consignments/<str:reference>/", views.consignment, name="consignment"),
    path("<slug:slug>/consignments/<str:reference>/<str:decision>/", views.consignment_decide, name="consignment_decide"),
    path("<slug:slug>/shelf/", shelf_views.shelf, name="shelf"),
    path("<slug:slug>/shelf/<int:level_id>/correct/", shelf_views.shelf_correct, name="shelf_correct"),
    path("<slug:slug>/corrections/", shelf_views.corrections, name="corrections"),
    path("<slug:slug>/send-back/", shelf_views.send_back, name="send_back"),
    path("<slug:slug>/staff/", shelf_views.staff, name="staff"),
    path("<slug:slug>/pickups/", pickup_views.pickups, name="pickups"),
    path("<slug:slug>/pickups/<str:number>/", pickup_views.pickup, name="pickup"),
    path("<slug:slug>/pickups/<str:number>/ready/", pickup_views.pickup_ready, name="pickup_ready"),
    path("<slug:slug>/pickups/<str:number>/unlock/", pickup_views.pickup_unlock, name="pickup_unlock"),
    path("<slug:slug>/till/", till_views.till, name="till"),
    path("<slug:slug>/till/sessions/", till_views.sessions, name="till_sessions"),
    path("<slug:slug>/till/returns/", till_views.returns, name="returns"),
    path("<slug:slug>/till/z/<int:number>/", till_views.z_report, name="z_report"),
    path("<slug:slug>/till/receipts/<str:number>/", till_views.receipt, name="receipt"),
    path("<slug:slug>/till/receipts/<str:number>/pdf/", till_views.receipt_download, name="receipt_pdf"),
    path("<slug:slug>/till/<str:action>/", till_views.till_action, name="till_action"),
    path("<slug:slug>/reservations/", till_views.reservations, name="reservations"),
    path("<slug:slug>/reservations/<int:reservation_id>/release/", till_views.reservation_release, name="reservation_release"),
    path("<slug:slug>/journal/", till_views.journal, name="journal"),
    path("<slug:slug>/report/", till_views.report, name="report"),
]
