"""The cache-based limiter: exact counts, Retry-After, a lockout that ends by itself."""
import pytest

from comptoir.common.ratelimit import Limiter, Rate, RateLimited, client_ip, login_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "rate"), [("5/15m", Rate(5, 900)), ("100/60", Rate(100, 60)), ("100/60s", Rate(100, 60)),
                                            ("20/1h", Rate(20, 3600)), ("3/m", Rate(3, 60))])
def test_rates_parse(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "5", "0/1m", "five/1m", "5/0s", "5/15d"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def _at_bucket_start(clock, window: int) -> None:
    from django.utils import timezone

    now = timezone.now().timestamp()
    clock.advance(window - now % window + 0.5)


def test_the_limit_th_event_is_counted_then_the_key_must_wait_until_the_window_slides(clock):
    limiter = Limiter("test", "5/10m")
    _at_bucket_start(clock, 600)
    assert [limiter.hit("ana@example.com") for _ in range(4)] == [0, 0, 0, 0]
    assert limiter.wait("ana@example.com") == 0
    wait = limiter.hit("ana@example.com")  # the 5th event reaches the limit
    # all 5 events are 0.5 s into the bucket: free once the next bucket has started (599.5 s + 1)
    assert wait == 600
    assert limiter.wait("ana@example.com") == 600
    assert limiter.wait("bob@example.com") == 0  # another key is not affected
    clock.advance(599)
    assert limiter.wait("ana@example.com") == 1
    clock.advance(1)
    assert limiter.wait("ana@example.com") == 0  # the window slid past the events


def test_events_of_the_previous_bucket_count_for_the_part_of_the_window_they_still_cover(clock):
    limiter = Limiter("test", "4/100s")
    _at_bucket_start(clock, 100)
    clock.advance(49.5)  # 50 s into the bucket
    for _ in range(4):
        limiter.hit("k")
    clock.advance(60)  # 10 s into the next bucket: 4 × 0.9 = 3.6 < 4
    assert limiter.wait("k") == 0
    assert limiter.hit("k") > 0  # 3.6 + 1 ≥ 4: refused from now
    # free when 4 × (1 − f) + 1 < 4, i.e. f > 0.25: 25 s into the bucket, just under 15 s from
    # now (the clock has run a few microseconds since the start of the bucket)
    assert limiter.wait("k") == 15
    clock.advance(15)
    assert limiter.wait("k") == 0


def test_check_raises_rate_limited_with_retry_after(clock):
    limiter = Limiter("test", "1/60s")
    _at_bucket_start(clock, 60)
    limiter.check("k")
    limiter.hit("k")
    with pytest.raises(RateLimited) as refused:
        limiter.check("k")
    assert (refused.value.code, refused.value.status, refused.value.retry_after) == ("rate_limited", 429, 60)
    limiter.reset("k")
    limiter.check("k")


def test_limits_come_from_settings_by_name(settings):
    settings.COMPTOIR_RATE_LIMITS = {**settings.COMPTOIR_RATE_LIMITS, "seller-api": "600/1m"}
    assert Limiter("seller-api").rate == Rate(600, 60)


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.COMPTOIR_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.COMPTOIR_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"  # what our proxy saw, not what the client wrote


def test_login_names_fold_case_and_spaces(rf):
    assert login_name(None, {"username": " Ana@Example.COM "}) == "ana@example.com"
    assert login_name(rf.post("/", {"username": "Bob@x.io"}), None) == "bob@x.io"
