"""Errors of the sellers app (stable codes; the API and pages map them to one shape)."""
from comptoir.common.errors import DomainError, NotFound


class FieldInvalid(DomainError):
    """One identity field is wrong; ``code`` is "<field>_<reason>" (e.g. "vat_number_checksum")
    where reason is one of required, format, length, checksum, wrong_country, too_long."""

    code = "field_invalid"


class SellerInvalid(DomainError):
    """Registration data failed validation; ``errors`` maps each bad field to its message."""

    code = "seller_invalid"

    def __init__(self, errors: dict[str, str], *, codes: dict[str, str] | None = None):
        self.errors = dict(errors)
        self.codes = dict(codes or {})
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()), field=next(iter(self.errors), None))


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409


class SellerNotFound(NotFound):
    code = "seller_not_found"


class SellerNotTrading(DomainError):
    """A seller that is not approved (pending or suspended) may read its orders and balance but
    may not accept, ship or cancel orders."""

    code = "seller_suspended"
    status = 403


class MemberInvalid(DomainError):
    code = "member_invalid"


class InvitationInvalid(DomainError):
    code = "invitation_invalid"
    status = 410


class WebhookInvalid(DomainError):
    code = "webhook_invalid"
