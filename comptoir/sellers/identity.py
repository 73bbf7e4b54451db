"""Legal identity checks for sellers, with python-stdnum, per country of establishment.

Each ``*_clean`` function returns the compact (normalised) value or raises ``FieldInvalid``
whose message names the field and says why: missing, wrong format, wrong length, check digits
(checksum) that do not match, or a number from another country.

* VAT number: EU sellers must give their EU VAT number (stdnum.eu.vat, the country prefix is
  added when missing and must be the seller's country; Greece uses EL). Sellers established
  outside the EU may leave it blank; if given it must be a valid EU VAT number (e.g. an OSS/
  IOSS registration in a member state).
* Company identifier: FR SIREN (9 digits) or SIRET (14), ES NIF (DNI/NIE/CIF), IT partita IVA
  (11 digits) or codice fiscale (16), BE enterprise number, PT NIF, CN unified social credit
  code (USCC) are required and checked; DE Handelsregisternummer and NL KvK number (8 digits)
  are optional and checked when given; elsewhere free text (≤ 20 characters).
* IBAN: optional at registration, checked when given (structure per country, check digits),
  and it must be held in the SEPA area, since payouts are SEPA credit transfers: a seller
  established outside SEPA gives the IBAN of an EU payment (e-money) account.
* Legal form: free text (≤ 60 characters); ``LEGAL_FORMS`` suggests the usual forms per country.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pycountry
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from comptoir.markets.selectors import is_eu

from .errors import FieldInvalid, SellerInvalid

FIELD_LABELS = {"vat_number": "VAT number", "company_id": "company identifier", "iban": "IBAN"}


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def _fail(field: str, reason: str, message: str) -> FieldInvalid:
    return FieldInvalid(message, code=f"{field}_{reason}", field=field)


def _stdnum_error(field: str, label: str, value: str, exc: ValidationError, country: str) -> FieldInvalid:
    where = _country_name(country)
    if isinstance(exc, InvalidChecksum):
        return _fail(field, "checksum", _("%(label)s %(value)s: the check digits do not match (checksum error); check for a typo.") % {"label": label, "value": value})
    if isinstance(exc, InvalidLength):
        return _fail(field, "length", _("%(label)s %(value)s has the wrong length for %(country)s.") % {"label": label, "value": value, "country": where})
    return _fail(field, "format", _("%(label)s %(value)s does not have the format used in %(country)s.") % {"label": label, "value": value, "country": where})


# --- VAT number ---------------------------------------------------------------------------

def _vat_prefix(country: str) -> str:
    return "EL" if country == "GR" else country


def vat_number_clean(*, country: str, value: str) -> str:
    from stdnum.eu import vat

    field, label = "vat_number", _("VAT number")
    raw = (value or "").strip()
    if not raw:
        if is_eu(country):
            raise _fail(field, "required", _("VAT number is required for a seller established in %(country)s.") % {"country": _country_name(country)})
        return ""
    number = re.sub(r"[\s.\-/,]", "", raw).upper()
    if not number[:2].isalpha():
        if not is_eu(country):
            raise _fail(field, "format", _("VAT number %(value)s must start with the code of the EU country that issued it (e.g. FR, DE).") % {"value": raw})
        number = _vat_prefix(country) + number
    prefix = number[:2]
    issuer = "GR" if prefix == "EL" else prefix
    if prefix.lower() not in vat.MEMBER_STATES and prefix != "EL":
        raise _fail(field, "wrong_country", _("VAT number %(value)s: %(prefix)s is not an EU VAT country prefix.") % {"value": raw, "prefix": prefix})
    if is_eu(country) and issuer != country:
        raise _fail(
            field,
            "wrong_country",
            _("VAT number %(value)s was issued by %(issuer)s, but the seller is established in %(country)s.")
            % {"value": raw, "issuer": _country_name(issuer), "country": _country_name(country)},
        )
    try:
        return vat.validate(number)
    except ValidationError as exc:
        raise _stdnum_error(field, label, raw, exc, issuer) from None


# --- company identifier -------------------------------------------------------------------

@dataclass(frozen=True)
class _CompanyRule:
    required: bool
    check: Callable[[str, str], str]  # (raw, country) -> compact value
    example: str


def _fr(raw: str, country: str) -> str:
    from stdnum.fr import siren, siret

    digits = siren.compact(raw)
    if not digits.isdigit():
        raise _fail("company_id", "format", _("Company identifier %(value)s: a SIREN or SIRET has digits only.") % {"value": raw})
    module, kind = {9: (siren, "SIREN"), 14: (siret, "SIRET")}.get(len(digits), (None, None))
    if module is None:
        raise _fail("company_id", "length", _("Company identifier %(value)s has %(n)d digits: a SIREN has 9, a SIRET 14.") % {"value": raw, "n": len(digits)})
    try:
        return module.validate(digits)
    except ValidationError as exc:
        raise _stdnum_error("company_id", kind, raw, exc, country) from None


def _stdnum_rule(module_path: str, kind: str) -> Callable[[str, str], str]:
    def check(raw: str, country: str) -> str:
        import importlib

        module = importlib.import_module(module_path)
        try:
            return module.validate(raw)
        except ValidationError as exc:
            raise _stdnum_error("company_id", kind, raw, exc, country) from None

    return check


def _it(raw: str, country: str) -> str:
    from stdnum.it import codicefiscale, iva

    compact = iva.compact(raw)
    module, kind = (codicefiscale, "codice fiscale") if len(compact) == 16 else (iva, "partita IVA")
    try:
        return module.validate(compact)
    except ValidationError as exc:
        raise _stdnum_error("company_id", kind, raw, exc, country) from None


def _nl(raw: str, country: str) -> str:
    digits = re.sub(r"[\s.\-]", "", raw)
    if not re.fullmatch(r"\d{8}", digits):
        raise _fail("company_id", "format", _("Company identifier %(value)s: a KvK number has 8 digits.") % {"value": raw})
    return digits


def _de(raw: str, country: str) -> str:
    from stdnum.de import handelsregisternummer

    try:
        value = handelsregisternummer.validate(raw)
    except ValidationError as exc:
        raise _stdnum_error("company_id", "Handelsregisternummer", raw, exc, country) from None
    if len(value) > 20:
        raise _fail("company_id", "too_long", _("Company identifier %(value)s is longer than 20 characters.") % {"value": raw})
    return value


COMPANY_RULES: dict[str, _CompanyRule] = {
    "FR": _CompanyRule(True, _fr, "732829320 (SIREN) or 73282932000074 (SIRET)"),
    "ES": _CompanyRule(True, _stdnum_rule("stdnum.es.nif", "NIF"), "B58378431"),
    "IT": _CompanyRule(True, _it, "00743110157"),
    "BE": _CompanyRule(True, _stdnum_rule("stdnum.be.vat", "enterprise number"), "0403170701"),
    "PT": _CompanyRule(True, _stdnum_rule("stdnum.pt.nif", "NIF"), "501964843"),
    "CN": _CompanyRule(True, _stdnum_rule("stdnum.cn.uscc", "unified social credit code"), "91110000600037341L"),
    "DE": _CompanyRule(False, _de, "Aachen HRB 11223"),
    "NL": _CompanyRule(False, _nl, "12345678"),
}


def company_id_clean(*, country: str, value: str) -> str:
    raw = (value or "").strip()
    rule = COMPANY_RULES.get(country)
    if not raw:
        if rule and rule.required:
            raise _fail("company_id", "required", _("Company identifier is required for a seller established in %(country)s (e.g. %(example)s).") % {"country": _country_name(country), "example": rule.example})
        return ""
    if rule is None:
        if len(raw) > 20:
            raise _fail("company_id", "too_long", _("Company identifier %(value)s is longer than 20 characters.") % {"value": raw})
        return raw
    return rule.check(raw, country)


# --- legal form -----------------------------------------------------------------------------

# Suggestions for the onboarding form (a datalist); any other form may be typed.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "FR": ("SAS", "SASU", "SARL", "EURL", "SA", "EI", "Micro-entreprise"),
    "ES": ("S.L.", "S.A.", "S.L.U.", "Autónomo", "S.Coop."),
    "IT": ("S.r.l.", "S.r.l.s.", "S.p.A.", "S.a.s.", "S.n.c.", "Ditta individuale"),
    "DE": ("GmbH", "UG (haftungsbeschränkt)", "AG", "KG", "OHG", "Einzelunternehmen"),
    "BE": ("SRL/BV", "SA/NV", "SC/CV", "Entreprise individuelle"),
    "PT": ("Lda.", "S.A.", "Unipessoal Lda.", "ENI"),
    "NL": ("B.V.", "N.V.", "Eenmanszaak", "V.O.F."),
    "CN": ("Limited liability company (有限责任公司)", "Joint-stock company (股份有限公司)"),
    "GB": ("Ltd", "PLC", "LLP", "Sole trader"),
    "US": ("LLC", "Inc.", "Corp.", "Sole proprietorship"),
}
DEFAULT_LEGAL_FORMS = ("Limited company", "Public limited company", "Partnership", "Sole trader")


def legal_forms_for(country: str) -> tuple[str, ...]:
    return LEGAL_FORMS.get((country or "").upper(), DEFAULT_LEGAL_FORMS)


def legal_form_clean(*, value: str) -> str:
    raw = " ".join((value or "").split())
    if len(raw) > 60:
        raise _fail("legal_form", "too_long", _("Legal form %(value)s is longer than 60 characters.") % {"value": raw[:60] + "…"})
    return raw


# --- IBAN ---------------------------------------------------------------------------------

# Countries and territories of the SEPA scheme (EPC list): payouts are SEPA credit transfers,
# so the payout account must be held in one of them.
SEPA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "  # EU
    "IS LI NO CH GB MC SM VA AD AL MD ME MK "  # other SEPA countries
    "GI GG JE IM PM BL MF GF GP MQ YT RE AX".split()  # territories with their own IBAN prefix or IBAN registry entry
)


def is_sepa(country: str) -> bool:
    return (country or "").upper() in SEPA_COUNTRIES

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$")
_STRUCT = re.compile(r"([1-9][0-9]*)!([nac])")


def iban_clean(*, value: str) -> str:
    from stdnum import iban

    field, label = "iban", "IBAN"
    raw = (value or "").strip()
    if not raw:
        return ""
    number = iban.compact(raw)
    if not _IBAN_SHAPE.match(number):
        raise _fail(field, "format", _("IBAN %(value)s: an IBAN is a 2-letter country code, 2 check digits and the account number (letters and digits).") % {"value": raw})
    info = numdb.get("iban").info(number)[0][1]
    if not info:
        raise _fail(field, "wrong_country", _("IBAN %(value)s: %(cc)s is not a country that issues IBANs.") % {"value": raw, "cc": number[:2]})
    expected = 4 + sum(int(n) for n, _kind in _STRUCT.findall(info.get("bban", "")))
    if len(number) != expected:
        raise _fail(field, "length", _("IBAN %(value)s has %(n)d characters; an IBAN from %(country)s has %(expected)d.") % {"value": raw, "n": len(number), "country": _country_name(number[:2]), "expected": expected})
    try:
        number = iban.validate(number)
    except InvalidChecksum:
        raise _fail(field, "checksum", _("IBAN %(value)s: the check digits do not match (checksum error); check for a typo.") % {"value": raw}) from None
    except (InvalidFormat, InvalidComponent, InvalidLength, ValidationError) as exc:
        raise _stdnum_error(field, label, raw, exc, number[:2]) from None
    if not is_sepa(number[:2]):
        raise _fail(field, "not_sepa", _("IBAN %(value)s is held in %(country)s, outside the SEPA area: payouts are SEPA transfers, so give the IBAN of an account in the EU (or SEPA area), for example an EU payment account.") % {"value": raw, "country": _country_name(number[:2])})
    return number


# --- all at once --------------------------------------------------------------------------

def identity_clean(*, country: str, vat_number: str, company_id: str, iban: str) -> dict[str, str]:
    """{"vat_number", "company_id", "iban"} compacted, or ``SellerInvalid`` listing every bad field."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    for field, call in (
        ("vat_number", lambda: vat_number_clean(country=country, value=vat_number)),
        ("company_id", lambda: company_id_clean(country=country, value=company_id)),
        ("iban", lambda: iban_clean(value=iban)),
    ):
        try:
            cleaned[field] = call()
        except FieldInvalid as exc:
            errors[field], codes[field] = exc.message, exc.code
    if errors:
        raise SellerInvalid(errors, codes=codes)
    return cleaned
