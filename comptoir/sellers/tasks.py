"""Emails to sellers, in the seller's language (``selectors.seller_language``)."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from comptoir.common.outbox import task_enqueue
from .models import Seller, SellerInvitation, SellerMember, SellerRole, SellerStatus
from .selectors import seller_language


def _send(*, to: list[str], subject_template: str, template: str, context: dict, language: str) -> int:
    to = [t for t in to if t]
    if not to:
        return 0
    with translation.override(language):
        subject = gettext(subject_template) % context
        body = render_to_string(template, context)
    return EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()


def _owner_emails(seller: Seller) -> list[str]:
    return [m.user.email for m in SellerMember.objects.select_related("user").filter(seller=seller, role=SellerRole.OWNER).order_by("pk")]


@task()
def notify_seller_reviewed(seller_id: int) -> int:
    """Tell the seller's owners their application was approved or rejected (with the reason)."""
    seller = Seller.objects.get(pk=seller_id)
    approved = seller.status == SellerStatus.APPROVED
    return _send(
        to=_owner_emails(seller),
        subject_template=gettext_noop("Your shop %(name)s is open on Comptoir") if approved else gettext_noop("Your application to sell on Comptoir: %(name)s"),
        template="sellers/email/approved.txt" if approved else "sellers/email/rejected.txt",
        context={"name": seller.display_name, "seller": seller},
        language=seller_language(seller),
    )


def send_invitation_email(*, invitation: SellerInvitation, link: str) -> int:
    """Sent inline (not through the queue) so that the link's token is never stored."""
    seller = invitation.seller
    return _send(
        to=[invitation.email],
        subject_template=gettext_noop("Join %(name)s on Comptoir"),
        template="sellers/email/invitation.txt",
        context={"name": seller.display_name, "seller": seller, "invitation": invitation, "link": link,
                 "role": invitation.get_role_display()},
        language=seller_language(seller),
    )


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of a webhook delivery; a failure schedules the next attempt with its backoff
    (``run_after``: the database and RQ backends keep it until then)."""
    from django.tasks import default_task_backend

    from .webhooks import webhook_attempt

    next_at = webhook_attempt(delivery_id=delivery_id)
    if next_at is None:
        return "done"
    if default_task_backend.supports_defer:
        task_enqueue(deliver_webhook.using(run_after=next_at), delivery_id)
        return "retry scheduled"
    # The immediate backend (tests) cannot defer: the delivery stays pending with next_attempt_at
    # for `comptoir webhooks_retry` to pick up.
    return "retry pending"
