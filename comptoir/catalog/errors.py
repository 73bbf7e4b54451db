"""Catalogue errors with stable codes."""
from comptoir.common.errors import DomainError


class InvalidGtin(DomainError):
    code = "invalid_gtin"


class DuplicateGtin(DomainError):
    code = "duplicate_gtin"


class InvalidProduct(DomainError):
    code = "invalid_product"



class InvalidProposal(DomainError):
    """A product proposal that cannot be filed or reviewed as asked."""

    code = "invalid_proposal"
