"""REST API v1 (django-ninja). Routers of each context are added here; OpenAPI at /api/v1/openapi.json."""
from ninja import NinjaAPI

api = NinjaAPI(title="Comptoir API", version="1.0.0", urls_namespace="api-v1")


@api.get("/health", tags=["meta"])
def health(request):
    return {"status": "ok"}


# Orders (issue 3): one error shape for domain errors, buyer tokens, orders and seller-order routers.
from . import errors as _errors  # noqa: E402
from . import orders as _orders  # noqa: E402
from . import tokens as _tokens  # noqa: E402

from . import seller_offers as _seller_offers  # noqa: E402
from .auth import BuyerToken, SellerApiKey  # noqa: E402

_errors.install(api)
_tokens.install(api)
_orders.install(api)
_seller_offers.install(api, [SellerApiKey(), BuyerToken()])

# Stores (issue 9): public store list and shelf stock for buyers.
from . import stores as _stores  # noqa: E402

_stores.install(api)

# Click & collect (issue 9): the store console's pickup actions for staff tokens.
from . import store_pickups as _store_pickups  # noqa: E402

_store_pickups.install(api)
# In store (issue 10): reservations to try for buyers, the till for store staff.
from . import instore as _instore  # noqa: E402

_instore.install(api)
