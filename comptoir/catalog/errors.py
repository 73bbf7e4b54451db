"""Catalogue errors with stable codes."""
from comptoir.common.errors import DomainError


class InvalidGtin(DomainError):
    code = "invalid_gtin"


class DuplicateGtin(DomainError):
    code = "duplicate_gtin"


class InvalidProduct(DomainError):
    code = "invalid_product"

