import pytest

from comptoir.markets.models import City, Market
from comptoir.markets.services import cities_load, markets_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_seeded(admin_client):
    markets_seed()
    cities_load(countries=["LU"])
    return admin_client


def test_market_changelist_and_change_page_with_vat_inline(admin_client_seeded):
    response = admin_client_seeded.get("/admin/markets/market/")
    assert response.status_code == 200
    assert "Luxembourg" in response.text
    fr = Market.objects.get(code="FR")
    response = admin_client_seeded.get(f"/admin/markets/market/{fr.pk}/change/")
    assert response.status_code == 200
    assert 'value="2000"' in response.text and 'value="210"' in response.text


def test_city_admin_search(admin_client_seeded):
    response = admin_client_seeded.get("/admin/markets/city/", {"q": "ESCH-SUR-ALZETTE"})
    assert response.status_code == 200
    assert "Esch-sur-Alzette" in response.text
    assert City.objects.filter(name="Esch-sur-Alzette").exists()


def test_admin_refuses_anonymous(client):
    response = client.get("/admin/markets/market/")
    assert response.status_code == 302
