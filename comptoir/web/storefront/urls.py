"""Storefront pages: home, category listing, search, product, buyer location."""
from django.urls import path

from . import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("location/", views.location_set, name="location_set"),
    path("cities/suggest/", views.city_suggest, name="city_suggest"),
    path("search", views.search, name="search"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("p/<int:product_id>/", views.product, name="product"),
    path("p/<int:product_id>/<slug:slug>/", views.product, name="product_slug"),
]
