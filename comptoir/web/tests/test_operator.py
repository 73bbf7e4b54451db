import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.planning.models import CandidateSite, PlanRun
from comptoir.planning.tests.factories import market_lu

pytestmark = pytest.mark.django_db

URLS = ["/operator/planner/", "/operator/analytics/"]


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, url):
    r = client.get(url)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", URLS + ["/operator/planner/1.csv", "/operator/planner/1/map.png"])
def test_non_operator_is_refused(client, url):
    client.force_login(get_user_model().objects.create_user("buyer", "b@example.com", "pw"))
    assert client.get(url).status_code == 403
    assert client.post("/operator/planner/", {"market": "LU", "new_stores": 1}).status_code == 403
    assert PlanRun.objects.count() == 0


def test_operator_runs_the_planner_and_sees_the_result(client, operator):
    market_lu()
    r = client.post("/operator/planner/", {"market": "LU", "new_stores": 2, "objective": "coverage", "radius_km": 15, "detour": 1.0})
    run = PlanRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/operator/planner/?run={run.pk}"
    assert run.created_by == operator
    page = client.get(r["Location"]).content.decode()
    assert "Plan #%d" % run.pk in page and "150,000" in page and "75 %" in page
    assert f"/operator/planner/{run.pk}/map.png" in page


def test_csv_export(client, operator):
    market_lu()
    client.post("/operator/planner/", {"market": "LU", "new_stores": 2, "objective": "coverage", "radius_km": 15, "detour": 1.0})
    run = PlanRun.objects.get()
    r = client.get(f"/operator/planner/{run.pk}.csv")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:3] == ["rank", "site", "kind"]
    assert [row[:2] + row[5:7] for row in rows[1:]] == [["1", "A1", "150000", "150000.000"], ["2", "B", "50000", "50000.000"]]


def test_map_is_a_png(client, operator):
    market_lu()
    client.post("/operator/planner/", {"market": "LU", "new_stores": 1, "objective": "distance", "radius_km": 15, "detour": 1.0})
    r = client.get(f"/operator/planner/{PlanRun.objects.get().pk}/map.png")
    assert r["Content-Type"] == "image/png" and r.content[:4] == b"\x89PNG"


def test_unknown_run_is_404(client, operator):
    assert client.get("/operator/planner/999.csv").status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"new_stores": 0}, "Ensure this value is greater than or equal to 1."),
        ({"new_stores": 9}, "9 new stores asked but market LU has only 4 candidate sites"),
        ({"radius_km": 0}, "Ensure this value is greater than or equal to 0.1."),
        ({"market": "ZZ"}, "Select a valid choice. ZZ is not one of the available choices."),
    ],
)
def test_bad_input_shows_a_form_error(client, operator, data, message):
    market_lu()
    post = {"market": "LU", "new_stores": 1, "objective": "coverage", "radius_km": 15, "detour": 1.0} | data
    r = client.post("/operator/planner/", post)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert PlanRun.objects.count() == 0


def test_market_without_cities_shows_a_form_error(client, operator):
    market_lu(with_cities=False)
    r = client.post("/operator/planner/", {"market": "LU", "new_stores": 1, "objective": "coverage", "radius_km": 15, "detour": 1.0})
    assert r.status_code == 400 and "No cities are loaded for market LU" in r.content.decode()


def test_operator_adds_a_candidate_site(client, operator):
    market_lu()
    r = client.post("/operator/planner/candidates/", {"market": "LU", "name": "Retail park", "latitude": 49.61, "longitude": 6.05})
    assert r.status_code == 302
    site = CandidateSite.objects.get()
    assert (site.name, site.latitude, site.longitude, site.market.code) == ("Retail park", 49.61, 6.05, "LU")
    r = client.post("/operator/planner/candidates/", {"market": "LU", "name": "Far", "latitude": 40.0, "longitude": -3.0})
    assert r.status_code == 400 and "lies outside market LU" in r.content.decode()
    assert CandidateSite.objects.count() == 1


def test_analytics_empty_state(client, operator):
    r = client.get("/operator/analytics/")
    assert r.status_code == 200 and "No orders yet." in r.content.decode()


def test_analytics_query_count_is_constant(client, operator):
    with CaptureQueriesContext(connection) as ctx:
        client.get("/operator/analytics/")
    assert len(ctx.captured_queries) <= 6


def test_the_planner_market_choices_are_named_in_the_operator_language():
    from django.utils import translation

    from comptoir.orders.tests import factories as f
    from comptoir.web.operator.forms import PlannerForm

    f.market("ES")
    with translation.override("fr"):
        assert dict(PlannerForm().fields["market"].choices)["ES"] == "ES — Espagne"
    with translation.override("es"):
        assert dict(PlannerForm().fields["market"].choices)["ES"] == "ES — España"
