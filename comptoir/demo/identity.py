"""Valid-looking legal identities for demo sellers, checked by python-stdnum.

Each generator draws random digits and lets stdnum compute the check digits (Luhn for
SIREN/SIRET and the Italian partita IVA, ISO 7064 mod 11,10 for the German VAT number, the CIF
control digit, mod 97-10 for IBANs, the Spanish CCC, the Chinese USCC). The two national bank
keys stdnum does not compute (French RIB key, Italian CIN) are written here from their
published definitions. `identity_check` validates a generated identity with stdnum's own
validators; the tests call it for every seller.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from stdnum import iban, luhn
from stdnum.cn import uscc
from stdnum.de import handelsregisternummer, vat as de_vat
from stdnum.es import ccc, cif, vat as es_vat
from stdnum.fr import siren, siret, tva
from stdnum.iso7064 import mod_11_10
from stdnum.it import iva


@dataclass(frozen=True)
class SellerIdentity:
    country: str
    vat_number: str  # "" for non-EU sellers
    company_id: str  # SIRET, CIF, partita IVA, Handelsregisternummer, USCC
    iban: str


def _digits(rng: random.Random, n: int, *, first_nonzero: bool = False) -> str:
    first = str(rng.randint(1, 9)) if first_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _iban(country: str, bban: str) -> str:
    return f"{country}{iban.calc_check_digits(country + '00' + bban)}{bban}"


def fr_rib_key(bank: str, branch: str, account: str) -> str:
    """Clé RIB for an all-digit account number: 97 − ((89·bank + 15·branch + 3·account) mod 97)."""
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


_CIN_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)


def it_cin(abi: str, cab: str, account: str) -> str:
    """CIN control letter of an Italian BBAN (ABI + CAB + 12-character account)."""
    total = 0
    for position, char in enumerate(abi + cab + account):
        value = int(char) if char.isdigit() else ord(char.upper()) - ord("A")
        total += _CIN_ODD[value] if position % 2 == 0 else value
    return chr(ord("A") + total % 26)


def identity_fr(rng: random.Random) -> SellerIdentity:
    base = _digits(rng, 8, first_nonzero=True)
    siren_number = base + luhn.calc_check_digit(base)
    siret_number = siren_number + f"{rng.randint(1, 99):04d}"  # NIC: establishment number + key
    siret_number += luhn.calc_check_digit(siret_number)
    vat_number = "FR" + siren.to_tva(siren_number)
    bank, branch, account = _digits(rng, 5, first_nonzero=True), _digits(rng, 5), _digits(rng, 11)
    return SellerIdentity("FR", vat_number, siret_number, _iban("FR", bank + branch + account + fr_rib_key(bank, branch, account)))


def identity_es(rng: random.Random) -> SellerIdentity:
    body = "B" + f"{rng.randint(1, 52):02d}" + _digits(rng, 5)  # B = sociedad limitada
    cif_number = body + cif.calc_check_digits(body)[0]  # S.L. take the numeric control digit
    bank, branch, account = _digits(rng, 4, first_nonzero=True), _digits(rng, 4), _digits(rng, 10)
    ccc_number = bank + branch + "00" + account
    ccc_number = bank + branch + ccc.calc_check_digits(ccc_number) + account
    return SellerIdentity("ES", "ES" + cif_number, cif_number, ccc.to_iban(ccc_number))


def identity_it(rng: random.Random) -> SellerIdentity:
    body = _digits(rng, 7, first_nonzero=True) + f"{rng.randint(1, 100):03d}"  # 3 digits: tax office
    partita_iva = body + luhn.calc_check_digit(body)
    abi, cab, account = _digits(rng, 5, first_nonzero=True), _digits(rng, 5), _digits(rng, 12)
    return SellerIdentity("IT", "IT" + partita_iva, partita_iva, _iban("IT", it_cin(abi, cab, account) + abi + cab + account))


_DE_COURTS = ("München", "Hamburg", "Köln", "Stuttgart", "Leipzig", "Dresden", "Hannover", "Bremen", "Düren")


def identity_de(rng: random.Random) -> SellerIdentity:
    body = _digits(rng, 8, first_nonzero=True)
    vat_number = "DE" + body + mod_11_10.calc_check_digit(body)
    register = f"{rng.choice(_DE_COURTS)} HRB {rng.randint(10000, 99999)}"
    bank_code, account = _digits(rng, 8, first_nonzero=True), _digits(rng, 10)
    return SellerIdentity("DE", vat_number, register, _iban("DE", bank_code + account))


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CN_REGIONS = ("440300", "440100", "330782", "330200", "310000", "320500", "350200")  # Shenzhen, Guangzhou, Yiwu, …


def identity_cn(rng: random.Random) -> SellerIdentity:
    """A Chinese company: USCC, no EU VAT number; paid out to an EU e-money account (a DE IBAN)."""
    body = "91" + rng.choice(_CN_REGIONS) + "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    uscc_number = body + uscc.calc_check_digit(body)
    bank_code, account = _digits(rng, 8, first_nonzero=True), _digits(rng, 10)
    return SellerIdentity("CN", "", uscc_number, _iban("DE", bank_code + account))


GENERATORS = {"FR": identity_fr, "ES": identity_es, "IT": identity_it, "DE": identity_de, "CN": identity_cn}


def identity_generate(country: str, rng: random.Random) -> SellerIdentity:
    return GENERATORS[country](rng)


def identity_check(identity: SellerIdentity) -> list[str]:
    """Names of the identity numbers that stdnum rejects (empty when all are valid)."""
    country, problems = identity.country, []
    if country == "FR":
        if not siret.is_valid(identity.company_id):
            problems.append("siret")
        if not tva.is_valid(identity.vat_number) or tva.compact(identity.vat_number)[2:] != identity.company_id[:9]:
            problems.append("vat")
    elif country == "ES":
        if not cif.is_valid(identity.company_id):
            problems.append("cif")
        if not es_vat.is_valid(identity.vat_number):
            problems.append("vat")
    elif country == "IT":
        if not iva.is_valid(identity.company_id) or not iva.is_valid(identity.vat_number):
            problems.append("partita_iva")
    elif country == "DE":
        if not de_vat.is_valid(identity.vat_number):
            problems.append("vat")
        if not handelsregisternummer.is_valid(identity.company_id):
            problems.append("handelsregisternummer")
    elif country == "CN":
        if not uscc.is_valid(identity.company_id):
            problems.append("uscc")
    if not iban.is_valid(identity.iban):
        problems.append("iban")
    if len(identity.company_id) > 20 or len(identity.vat_number) > 20:
        problems.append("length")  # Seller.company_id / vat_number hold 20 characters
    return problems
