"""Pages. Each area has its own URL module (storefront, accounts/checkout, seller, operator)."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.hello, name="hello"),
    # Areas add one include line here, e.g.:
    # path("", include("comptoir.web.storefront.urls")),
    path("", include("comptoir.web.storefront.urls")),
    path("accounts/", include("comptoir.web.accounts.urls")),
    path("", include("comptoir.web.checkout.urls")),
    path("operator/proposals/", include("comptoir.web.seller_offers.operator_urls")),
    path("operator/", include("comptoir.web.operator.urls")),
    path("", include("comptoir.web.seller.urls")),
    path("seller/offers/", include("comptoir.web.seller_offers.urls")),
    path("stores/", include("comptoir.web.stores.urls")),
    path("store/", include("comptoir.web.store_console.urls")),
    path("reservations/", include("comptoir.web.reservations.urls")),
    path("seller/consignments/", include("comptoir.web.seller_consignments.urls")),
    path("", views.home, name="home"),  # reverse("home") kept for other areas; "/" resolves above
]
