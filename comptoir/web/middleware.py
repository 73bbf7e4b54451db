"""Attaches the buyer's market and city (remembered in the session) to each request."""


class BuyerContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market_code = request.session.get("market", None)
        request.city_id = request.session.get("city", None)
        return self.get_response(request)
