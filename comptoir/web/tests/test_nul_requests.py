"""A NUL character anywhere in a request is a 400, never a database error."""
import pytest

pytestmark = pytest.mark.django_db


def test_api_json_body_with_nul_is_a_400_with_the_error_shape(client):
    response = client.post(
        "/api/v1/auth/token", data='{"email": "a\\u0000@example.com", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_characters",
        "message": "The request contains a NUL character, which no field accepts.",
        "field": None,
    }


def test_page_query_with_nul_renders_without_the_nul(client):
    from comptoir.catalog.tests.factories import make_city, make_market

    make_market("FR")
    make_city("Paris", 48.8566, 2.3522, population=2_138_551)
    response = client.get("/search?q=shoe%00s")
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "shoes"


def test_api_query_with_nul_is_a_400(client):
    response = client.get("/api/v1/orders?x=%00")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_form_post_with_nul_is_a_400(client):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_ordinary_request_passes(client):
    assert client.get("/healthz").status_code == 200


def test_multipart_form_field_with_nul_is_a_400(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/accounts/login/", {"username": "a\x00b", "file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 400


def test_urlencoded_form_field_with_nul_is_a_400(client):
    response = client.post("/accounts/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
