import pytest

from comptoir.orders.address import Address, address_validate
from comptoir.orders.errors import InvalidAddress


def addr(**kw):
    base = dict(full_name="Ana Ruiz", line1="1 rue de la Paix", postcode="69001", city="Lyon", country="FR", phone="04 72 10 30 30")
    base.update(kw)
    return Address(**base)


def test_valid_french_address_is_normalised():
    a = address_validate(addr(postcode=" 69001 ", country="fr"))
    assert (a.postcode, a.country, a.phone) == ("69001", "FR", "+33472103030")


def test_valid_spanish_address():
    a = address_validate(addr(postcode="41001", city="Sevilla", country="ES", phone="+34 954 59 09 00"))
    assert a.phone == "+34954590900"


@pytest.mark.parametrize("country,postcode", [("FR", "6900"), ("FR", "ABCDE"), ("FR", "99001"), ("ES", "53001"), ("PT", "1000")])
def test_wrong_postcode_is_refused(country, postcode):
    with pytest.raises(InvalidAddress) as err:
        address_validate(addr(country=country, postcode=postcode, phone="+33472103030"))
    assert (err.value.code, err.value.field) == ("invalid_postcode", "postcode")


@pytest.mark.parametrize("phone", ["12", "not a phone", "+33 1 23", "+1 555 0100"])
def test_wrong_phone_is_refused(phone):
    with pytest.raises(InvalidAddress) as err:
        address_validate(addr(phone=phone))
    assert (err.value.code, err.value.field) == ("invalid_phone", "phone")


def test_unknown_country_is_refused():
    with pytest.raises(InvalidAddress) as err:
        address_validate(addr(country="US", postcode="10001"))
    assert err.value.code == "invalid_country"
