"""Buyer tokens: exchange an e-mail and password for a bearer token; revoke the token in use."""
from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from .auth import BuyerToken, login_for_token, token_create, token_revoke

router = Router(tags=["auth"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class TokenOut(Schema):
    token: str


@router.post("/token", response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None)
def token(request, payload: TokenIn):
    """Exchange a buyer's email and password for a bearer token (valid 30 days by default).

    429 with Retry-After after too many wrong passwords for this e-mail or from this client."""
    user = login_for_token(request=request, email=payload.email, password=payload.password)
    if user is None:
        return Status(401, {"code": "invalid_credentials", "message": _("Wrong email or password."), "field": None})
    return Status(200, {"token": token_create(user=user)})


@router.delete("/token", response={204: None, 401: ErrorOut, 429: ErrorOut}, auth=BuyerToken())
def token_delete(request):
    """Revoke the bearer token of this request: it gets 401 from now on."""
    token_revoke(token=request.api_token)
    return Status(204, None)


def install(api) -> None:
    api.add_router("/auth", router)
