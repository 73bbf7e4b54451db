"""Registration with legal form and language, review (approve / reject with reason, emails in the
seller's language), SEPA payout accounts, team invitations."""
import pytest
from django.core import mail

from comptoir.inventory.services import seller_approve
from comptoir.orders.tests import factories as f
from comptoir.sellers.errors import IllegalTransition, InvitationInvalid, MemberInvalid, SellerInvalid
from comptoir.sellers.models import Seller, SellerInvitation, SellerMember, SellerStatus
from comptoir.sellers.selectors import seller_checks, seller_language
from comptoir.sellers.services import (
    invitation_accept, member_invite, member_remove, seller_iban_set, seller_register, seller_reject, seller_review_notify,
)

from .factories import make_city

pytestmark = pytest.mark.django_db

VALID_IT = {"country": "IT", "vat_number": "IT00743110157", "company_id": "00743110157", "iban": "IT60X0542811101000000123456"}


def _italian(owner=None, **over):
    milano = make_city(name="Milano", country="IT", geonames_id=3173435, lat=45.4643, lon=9.1895, postcode="20121")
    data = {"legal_name": "Bottega Verdi S.r.l.", "display_name": "Bottega Verdi", "legal_form": "S.r.l.", "address": "Via Roma 1",
            "city": milano, "language": "en", "owner_user": owner, **VALID_IT}
    data.update(over)
    return seller_register(**data)


def test_register_stores_legal_form_language_and_is_pending():
    s = _italian(owner=f.user("owner@verdi.it"))
    s.refresh_from_db()
    assert (s.status, s.legal_form, s.language, s.company_id, s.vat_number) == ("pending", "S.r.l.", "en", "00743110157", "IT00743110157")


def test_register_refuses_a_wrong_partita_iva_and_writes_nothing():
    with pytest.raises(SellerInvalid) as exc:
        _italian(company_id="00743110158")
    assert exc.value.codes == {"company_id": "company_id_checksum"}
    assert Seller.objects.count() == 0


def test_iban_with_a_wrong_check_digit_is_refused_with_its_code():
    with pytest.raises(SellerInvalid) as exc:
        _italian(iban="IT61X0542811101000000123456")
    assert exc.value.codes == {"iban": "iban_checksum"}
    assert "check digits do not match" in exc.value.errors["iban"]
    assert Seller.objects.count() == 0


def test_a_seller_outside_sepa_must_give_an_eu_iban():
    shenzhen = f.city("Shenzhen")
    common = {"legal_name": "Shenzhen Bright Ltd", "display_name": "Bright", "country": "CN", "company_id": "91110000600037341L", "city": shenzhen}
    # a valid Brazilian IBAN (outside SEPA) is refused with its own code
    with pytest.raises(SellerInvalid) as exc:
        seller_register(iban="BR1800360305000010009795493C1", **common)
    assert exc.value.codes == {"iban": "iban_not_sepa"}
    s = seller_register(iban="DE89370400440532013000", **common)
    assert s.iban == "DE89370400440532013000"


def test_unknown_language_is_refused():
    with pytest.raises(SellerInvalid) as exc:
        _italian(language="xx")
    assert exc.value.codes == {"language": "language_unknown"}


def test_approve_emails_the_owner_in_the_sellers_language(django_capture_on_commit_callbacks, compiled):
    f.market("ES")
    owner = f.user("owner@verdi.it")
    s = _italian(owner=owner, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        seller_approve(seller=s)
        seller_review_notify(seller=s)
    assert Seller.objects.get(pk=s.pk).status == SellerStatus.APPROVED
    [msg] = mail.outbox
    assert msg.to == ["owner@verdi.it"]
    assert msg.subject == "Tu tienda Bottega Verdi está abierta en Comptoir"
    assert msg.body.startswith("Hola, Bottega Verdi:\n\nTu solicitud ha sido aprobada")


def test_reject_needs_a_reason_then_emails_it(django_capture_on_commit_callbacks):
    owner = f.user("owner@verdi.it")
    s = _italian(owner=owner)
    with pytest.raises(SellerInvalid) as exc:
        seller_reject(seller=s, reason="  ")
    assert exc.value.codes == {"reason": "reason_required"}
    assert Seller.objects.get(pk=s.pk).status == SellerStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        seller_reject(seller=s, reason="The VAT number belongs to another company.")
    s.refresh_from_db()
    assert (s.status, s.review_reason) == ("rejected", "The VAT number belongs to another company.")
    [msg] = mail.outbox
    assert msg.subject == "Your application to sell on Comptoir: Bottega Verdi"
    assert "The VAT number belongs to another company." in msg.body
    with pytest.raises(IllegalTransition):
        seller_approve(seller=s)


def test_seller_language_falls_back_to_the_country():
    f.market("FR")
    s = _italian(language="")
    assert seller_language(s) == "it"  # Italy has no market here: CLDR's official language, which the UI speaks
    s.language = "fr"
    assert seller_language(s) == "fr"


def test_checks_list_each_identity_check():
    s = _italian(owner=f.user("owner@verdi.it"))
    checks = {c.name: (c.ok, c.detail) for c in seller_checks(s)}
    assert checks["VAT number"] == (True, "IT00743110157")
    assert checks["Company identifier"] == (True, "00743110157")
    assert checks["Payout IBAN"] == (True, "IT60X0542811101000000123456")
    assert checks["Warehouse city"] == (True, "Via Roma 1, 20121 Milano")
    assert checks["Owner account"] == (True, "1 owner(s)")


def test_set_iban_refuses_a_bad_check_digit_and_keeps_the_old_one():
    s = _italian()
    with pytest.raises(SellerInvalid) as exc:
        seller_iban_set(seller=s, iban="IT61X0542811101000000123456")
    assert exc.value.codes == {"iban": "iban_checksum"}
    assert Seller.objects.get(pk=s.pk).iban == "IT60X0542811101000000123456"


def test_invitation_joins_with_its_role_once_and_only_for_its_email():
    owner = f.user("owner@verdi.it")
    s = _italian(owner=owner)
    invitation, token = member_invite(seller=s, email="Staff@Verdi.it", role="staff", invited_by=owner)
    assert invitation.email == "staff@verdi.it" and token not in invitation.token_hash
    with pytest.raises(InvitationInvalid) as exc:
        invitation_accept(token=token, user=f.user("intruder@example.com"))
    assert exc.value.code == "invitation_wrong_user"
    member = invitation_accept(token=token, user=f.user("staff@verdi.it"))
    assert (member.seller_id, member.role) == (s.pk, "staff")
    with pytest.raises(InvitationInvalid) as exc:
        invitation_accept(token=token, user=member.user)
    assert exc.value.code == "invitation_used"


def test_invite_refuses_bad_email_and_existing_member():
    owner = f.user("owner@verdi.it")
    s = _italian(owner=owner)
    with pytest.raises(MemberInvalid) as exc:
        member_invite(seller=s, email="not-an-email", role="staff", invited_by=owner)
    assert exc.value.code == "email_invalid"
    with pytest.raises(MemberInvalid) as exc:
        member_invite(seller=s, email="owner@verdi.it", role="staff", invited_by=owner)
    assert exc.value.code == "already_member"
    assert SellerInvitation.objects.count() == 0


def test_the_last_owner_cannot_be_removed():
    owner = f.user("owner@verdi.it")
    s = _italian(owner=owner)
    with pytest.raises(MemberInvalid) as exc:
        member_remove(seller=s, member_id=SellerMember.objects.get(user=owner).pk)
    assert exc.value.code == "last_owner"
    assert SellerMember.objects.filter(seller=s).count() == 1
