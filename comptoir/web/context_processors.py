"""Template context shared by every page: the buyer's market and city (lazy, see middleware)."""


def buyer_context(request):
    return {
        "buyer_market": getattr(request, "market", None),
        "buyer_city": getattr(request, "buyer_city", None),
    }
