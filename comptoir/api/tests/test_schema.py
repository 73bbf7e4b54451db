"""schemathesis against our own OpenAPI schema: no generated input may cause a 5xx."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from comptoir.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def no_connection_closing():
    """Like django.test.Client: keep the test transaction's connection open across requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, no_connection_closing):
    from comptoir.api.auth import token_create
    from comptoir.orders.tests.helpers import shop

    buyer, s1, *_ = shop()
    s1.members.create(user=buyer)
    return token_create(user=buyer)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_5xx(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
