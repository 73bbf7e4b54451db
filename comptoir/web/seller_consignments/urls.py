"""Seller consignment pages under /seller/consignments/."""
from django.urls import path

from . import views

app_name = "seller_consignments"
urlpatterns = [
    path("", views.consignment_list, name="list"),
    path("new/", views.consignment_new, name="new"),
    path("stock/", views.stock_per_store, name="stock"),
    path("<str:reference>/", views.consignment_detail, name="detail"),
    path("<str:reference>/<str:action>/", views.consignment_action, name="action"),
]
