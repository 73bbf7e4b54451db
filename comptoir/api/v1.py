"""REST API v1 (django-ninja). Routers of each context are added here; OpenAPI at /api/v1/openapi.json."""
from ninja import NinjaAPI

api = NinjaAPI(title="Comptoir API", version="1.0.0", urls_namespace="api-v1")


@api.get("/health", tags=["meta"])
def health(request):
    return {"status": "ok"}
