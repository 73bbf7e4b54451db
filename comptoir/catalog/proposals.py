"""Product proposals: a seller asks for a product the catalogue lacks (an unknown GTIN); the
operator approves or rejects it. Approval itself — creating the product and the seller's
offer — is ``comptoir.inventory.services.proposal_approve``, which calls ``proposal_close``."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidProposal
from .models import CATALOG_LANGUAGES, Category, Product, ProductProposal, ProductProposalImage, ProposalStatus
from .services import gtin_normalise

MAX_PICTURES = 6


def _texts_clean(texts: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    clean = {}
    for language, (title, description) in texts.items():
        if language not in CATALOG_LANGUAGES:
            raise InvalidProposal(_("Unsupported language %(language)s") % {"language": language}, field="texts")
        title, description = (title or "").strip(), (description or "").strip()
        if len(title) > 250:
            raise InvalidProposal(_("Title (%(language)s) is at most 250 characters") % {"language": language}, field=f"title_{language}")
        if title:
            clean[language] = {"title": title, "description": description}
        elif description:
            raise InvalidProposal(_("A description (%(language)s) needs a title") % {"language": language}, field=f"title_{language}")
    if not clean:
        raise InvalidProposal(_("At least one title is required"), field="texts")
    return clean


@transaction.atomic
def proposal_create(
    *, seller_id: int, gtin: str, brand: str, category: Category, texts: Mapping[str, tuple[str, str]],
    attributes: Mapping[str, str] | None = None, offer: Mapping, pictures: Sequence[File] = (), user=None,
) -> ProductProposal:
    """File a pending proposal. Refused when the GTIN is already a product or already pending
    for this seller; `offer` holds the offer terms, checked by the caller (inventory)."""
    normalised = gtin_normalise(gtin)
    brand = (brand or "").strip()
    if not brand or len(brand) > 120:
        raise InvalidProposal(_("Brand is required (at most 120 characters)"), field="brand")
    if len(pictures) > MAX_PICTURES:
        raise InvalidProposal(_("At most %(n)d pictures") % {"n": MAX_PICTURES}, field="pictures")
    clean_texts = _texts_clean(texts)
    if Product.objects.filter(gtin=normalised).exists():
        raise InvalidProposal(_("This GTIN is already in the catalogue: make an offer on it"), code="product_exists", field="gtin")
    try:
        with transaction.atomic():
            proposal = ProductProposal.objects.create(
                seller_id=seller_id, proposed_by=user, gtin=normalised, brand=brand, category=category,
                attributes={str(k): str(v) for k, v in (attributes or {}).items()}, texts=clean_texts, offer=dict(offer),
            )
    except IntegrityError:
        raise InvalidProposal(_("You already proposed this GTIN; it is waiting for review"), code="proposal_pending",
                              field="gtin") from None
    for position, picture in enumerate(pictures):
        ProductProposalImage.objects.create(proposal=proposal, image=picture, position=position)
    return proposal


def proposal_close(*, proposal: ProductProposal, approved: bool, reason: str = "", product: Product | None = None) -> ProductProposal:
    """pending → approved (with its product) or rejected (with a reason)."""
    if proposal.status != ProposalStatus.PENDING:
        raise InvalidProposal(_("This proposal was already reviewed"), code="proposal_reviewed")
    reason = (reason or "").strip()
    if not approved and not reason:
        raise InvalidProposal(_("Say why the proposal is rejected"), field="reason")
    proposal.status = ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED
    proposal.reason, proposal.product, proposal.reviewed_at = reason[:500], product, timezone.now()
    proposal.save(update_fields=["status", "reason", "product", "reviewed_at"])
    return proposal
