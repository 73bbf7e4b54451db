import pytest

from comptoir.sellers.errors import FieldInvalid
from comptoir.sellers.identity import company_id_clean, iban_clean, vat_number_clean


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        ("FR", "FR40303265045", "FR40303265045"),
        ("FR", "fr 403 032 650 45", "FR40303265045"),
        ("FR", "40303265045", "FR40303265045"),  # prefix added from the seller's country
        ("ES", "ESB58378431", "ESB58378431"),
        ("IT", "IT00743110157", "IT00743110157"),
        ("DE", "DE136695976", "DE136695976"),
        ("CN", "", ""),  # optional outside the EU
        ("CN", "FR40303265045", "FR40303265045"),  # an EU registration of a non-EU seller
    ],
)
def test_valid_vat_numbers_are_compacted(country, value, expected):
    assert vat_number_clean(country=country, value=value) == expected


@pytest.mark.parametrize(
    ("country", "value", "code", "message"),
    [
        ("FR", "FR41303265045", "vat_number_checksum", "VAT number FR41303265045: the check digits do not match (checksum error); check for a typo."),
        ("FR", "FR4030326504", "vat_number_length", "VAT number FR4030326504 has the wrong length for France."),
        ("FR", "DE136695976", "vat_number_wrong_country", "VAT number DE136695976 was issued by Germany, but the seller is established in France."),
        ("FR", "", "vat_number_required", "VAT number is required for a seller established in France."),
        ("CN", "XX123", "vat_number_wrong_country", "VAT number XX123: XX is not an EU VAT country prefix."),
        ("CN", "12345", "vat_number_format", "VAT number 12345 must start with the code of the EU country that issued it (e.g. FR, DE)."),
    ],
)
def test_invalid_vat_numbers_say_why(country, value, code, message):
    with pytest.raises(FieldInvalid) as exc:
        vat_number_clean(country=country, value=value)
    assert (exc.value.field, exc.value.code, exc.value.message) == ("vat_number", code, message)


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        ("FR", "732 829 320", "732829320"),
        ("FR", "73282932000074", "73282932000074"),
        ("ES", "B58378431", "B58378431"),  # CIF
        ("ES", "12345678Z", "12345678Z"),  # DNI
        ("ES", "X1234567L", "X1234567L"),  # NIE
        ("IT", "00743110157", "00743110157"),  # partita IVA
        ("PT", "501964843", "501964843"),
        ("BE", "0403170701", "0403170701"),
        ("CN", "91110000600037341L", "91110000600037341L"),  # USCC
        ("DE", "Aachen HRB 11223", "Aachen HRB 11223"),
        ("DE", "", ""),
        ("US", "EIN 12-3456789", "EIN 12-3456789"),  # free text where we have no checker
    ],
)
def test_valid_company_ids(country, value, expected):
    assert company_id_clean(country=country, value=value) == expected


@pytest.mark.parametrize(
    ("country", "value", "code", "message"),
    [
        ("FR", "732829321", "company_id_checksum", "SIREN 732829321: the check digits do not match (checksum error); check for a typo."),
        ("FR", "73282932000075", "company_id_checksum", "SIRET 73282932000075: the check digits do not match (checksum error); check for a typo."),
        ("FR", "7328293", "company_id_length", "Company identifier 7328293 has 7 digits: a SIREN has 9, a SIRET 14."),
        ("FR", "ABC", "company_id_format", "Company identifier ABC: a SIREN or SIRET has digits only."),
        ("FR", "", "company_id_required", "Company identifier is required for a seller established in France (e.g. 732829320 (SIREN) or 73282932000074 (SIRET))."),
        ("ES", "B58378432", "company_id_checksum", "NIF B58378432: the check digits do not match (checksum error); check for a typo."),
        ("ES", "ZZZ", "company_id_format", "NIF ZZZ does not have the format used in Spain."),
        ("CN", "91110000600037341M", "company_id_checksum", "unified social credit code 91110000600037341M: the check digits do not match (checksum error); check for a typo."),
        ("NL", "1234567", "company_id_format", "Company identifier 1234567: a KvK number has 8 digits."),
    ],
)
def test_invalid_company_ids_say_why(country, value, code, message):
    with pytest.raises(FieldInvalid) as exc:
        company_id_clean(country=country, value=value)
    assert (exc.value.field, exc.value.code, exc.value.message) == ("company_id", code, message)


def test_valid_iban_is_compacted():
    assert iban_clean(value="FR14 2004 1010 0505 0001 3M02 606") == "FR1420041010050500013M02606"
    assert iban_clean(value="DE89370400440532013000") == "DE89370400440532013000"
    assert iban_clean(value="") == ""


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("FR1520041010050500013M02606", "iban_checksum", "IBAN FR1520041010050500013M02606: the check digits do not match (checksum error); check for a typo."),
        ("FR14200410100505", "iban_length", "IBAN FR14200410100505 has 16 characters; an IBAN from France has 27."),
        ("ZZ1420041010050500013M02606", "iban_wrong_country", "IBAN ZZ1420041010050500013M02606: ZZ is not a country that issues IBANs."),
        ("hello", "iban_format", "IBAN hello: an IBAN is a 2-letter country code, 2 check digits and the account number (letters and digits)."),
    ],
)
def test_invalid_ibans_say_why(value, code, message):
    with pytest.raises(FieldInvalid) as exc:
        iban_clean(value=value)
    assert (exc.value.field, exc.value.code, exc.value.message) == ("iban", code, message)
