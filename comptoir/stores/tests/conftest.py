import pytest

from comptoir.orders.tests import factories as f


@pytest.fixture
def markets(db):
    f.market("FR")
    f.market("ES")
