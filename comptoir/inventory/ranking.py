"""Offer ranking: which seller's offer a buyer sees first on a product page. Pure code.

Rule (README "Offer ranking"): the earliest promised *latest* delivery date first, then the
shorter distance from the buyer's city to the ship-from location (unknown distance last),
then the lower gross price, then the lower seller id, then the lower offer id (a total,
stable order).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .promise import DEFAULT_POLICY, DeliveryPromise


@dataclass(frozen=True, slots=True)
class RankedOffer:
    offer_id: int
    seller_id: int
    seller_name: str
    seller_country: str
    condition: str
    net_price: int  # minor units, excl. VAT
    gross_price: int  # incl. the buyer market's VAT for the product's tax class
    vat_rate_bp: int
    currency: str
    location_id: int
    location_name: str
    city_name: str
    ship_country: str
    distance_km: float | None  # None without a buyer city; rounded to 0.1 km
    promise: DeliveryPromise
    available: int  # units available over all the offer's locations
    is_local: bool
    # The nearest open store with units of this offer on its shelf ("see it, try it"); None: none.
    store_location_id: int | None = None
    store_name: str = ""
    store_km: float | None = None

    @property
    def in_store(self) -> bool:
        return self.store_location_id is not None


def ranking_key(offer: RankedOffer) -> tuple:
    distance = math.inf if offer.distance_km is None else offer.distance_km
    return (offer.promise.latest, distance, offer.gross_price, offer.seller_id, offer.offer_id)


def rank_offers(offers: Iterable[RankedOffer]) -> list[RankedOffer]:
    return sorted(offers, key=ranking_key)


def is_local(ship_country: str, buyer_country: str | None, distance_km: float | None) -> bool:
    """Ships from the buyer's country and within the promise's first band (promise.LOCAL_KM)."""
    return DEFAULT_POLICY.is_local(ship_country, buyer_country, distance_km)
