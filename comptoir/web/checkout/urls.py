from django.urls import path

from . import views

app_name = "checkout"
urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/update/", views.cart_update, name="cart_update"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:reference>/", views.order_detail, name="order"),
    path("orders/<str:reference>/parts/<str:number>/cancel/", views.order_part_cancel, name="part_cancel"),
    path("orders/<str:reference>/parts/<str:number>/return/", views.order_part_return, name="part_return"),
    path("orders/<str:reference>/invoice/<str:number>/", views.invoice, name="invoice"),
    path("seller/orders/", views.seller_orders, name="seller_orders"),
    path("seller/orders/<str:number>/<str:action>/", views.seller_order_action, name="seller_order_action"),
]
