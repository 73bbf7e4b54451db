"""A small constructed market (LU) for planner tests.

A1 (100 000 people) at the centre; A2 (20 000) 6 km east; C (30 000) 14 km west; B (50 000)
33 km north. Distances between them exceed the nest radius of A1 (1 + 10·√0.1 = 4.2 km), so
no place is a section. Total 200 000 people (under Luxembourg's population: no calibration).
"""
from comptoir.inventory.models import StockLocation
from comptoir.markets.models import City, Market

CENTRE = (49.6, 6.1)
PLACES = {
    # name: (lat, lon, population)
    "A1": (49.6, 6.1, 100_000),
    "A2": (49.6, 6.1831, 20_000),  # 6.0 km east
    "C": (49.6, 5.9061, 30_000),  # 14.0 km west
    "B": (49.8968, 6.1, 50_000),  # 33.0 km north
}


def market_lu(with_cities=True) -> Market:
    market, _ = Market.objects.get_or_create(code="LU", defaults={"name": "Luxembourg", "currency": "EUR", "languages": ["fr"]})
    if with_cities:
        for k, (name, (lat, lon, pop)) in enumerate(PLACES.items()):
            City.objects.create(
                geonames_id=990_000 + k, country="LU", name=name, ascii_name=name, search_name=name.lower(),
                latitude=lat, longitude=lon, population=pop,
            )
    return market


def store_at(name: str, *, status: str = "open") -> StockLocation:
    city = City.objects.get(country="LU", name=name)
    return StockLocation.objects.create(
        kind="store", name=f"Store {name}", city=city, country="LU", latitude=city.latitude, longitude=city.longitude,
        status=status,
    )
