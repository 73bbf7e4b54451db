def buyer_context(request):
    return {"market_code": getattr(request, "market_code", None), "city_id": getattr(request, "city_id", None)}
