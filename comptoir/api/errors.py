"""One error shape for the API: {"code": ..., "message": ..., "field": ...}."""
from comptoir.common.errors import DomainError
from comptoir.common.ratelimit import RateLimited


def error_body(exc: DomainError) -> dict:
    return {"code": exc.code, "message": str(exc.message), "field": exc.field}


def install(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        response = api.create_response(request, error_body(exc), status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
