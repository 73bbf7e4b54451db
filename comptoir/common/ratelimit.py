"""Rate limits kept in a cache shared by every app server: the one limiter of the API.

What it limits today: failed API authentications (``POST /api/v1/auth/token`` with a wrong
password, a bearer token or an ``X-Api-Key`` that matches nothing), per account and per client IP
(see ``comptoir.api.auth``). The login *pages* are throttled by django-axes instead
(settings ``AXES_*``), which shares ``client_ip`` and ``login_name`` below.

Using it (e.g. the seller API, per API key)::

    from comptoir.common.ratelimit import Limiter, RateLimited

    limiter = Limiter("seller-api")          # rate from settings.COMPTOIR_RATE_LIMITS["seller-api"]
    limiter = Limiter("seller-api", "600/1m")  # or given here: "<count>/<seconds>s|<n>m|<n>h"

    wait = limiter.wait(key)   # seconds before ``key`` may act again; 0 = now (reads, counts nothing)
    wait = limiter.hit(key)    # counts one event for ``key``, then answers like wait()
    limiter.check(key)         # raises RateLimited(retry_after=…) when wait(key) > 0
    limiter.reset(key)         # forgets key (e.g. after a successful login)

``RateLimited`` is a ``DomainError`` (code ``rate_limited``, HTTP 429): the API's error handler
answers it in the usual error shape with a ``Retry-After`` header. Keys are any strings (an
e-mail, an IP, a key prefix); they are hashed before they reach the cache, so no address or
e-mail is stored.

How it counts: a sliding window approximated from two fixed buckets (the previous and the
current one, each ``seconds`` long): the estimate is ``previous × (share of the window still
covering it) + current``; an action is refused while the estimate is at or above ``limit``. It
needs only atomic increments and allows ``limit`` events per window over time; a burst timed
around a bucket boundary can get up to ``2 × limit − 1`` within one window's span (the estimate
assumes the previous bucket's events were spread evenly). A refusal ends by itself as the window
slides past the events (``Retry-After`` says when: at most one window after the last counted
event, often less).

Where the counters live: the cache alias ``ratelimit`` (settings.CACHES): Redis when
``REDIS_URL`` is set, else the database cache table ``comptoir_ratelimit`` — both shared by all
the processes of every app server (a per-process memory cache would multiply the limit by the
number of workers). On the database cache two simultaneous increments can count once (its
``incr`` is read-then-write), so a burst of N parallel requests may get up to N-1 extra tries;
Redis increments atomically. If the cache cannot be reached the limiter lets the request through
and logs the error: an outage of Redis must not lock everyone out.
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

log = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


class RateLimited(DomainError):
    """Too many attempts: HTTP 429, and ``retry_after`` seconds to wait (the Retry-After header)."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: int, message=None):
        super().__init__(message or _("Too many attempts. Try again in a few minutes."))
        self.retry_after = max(1, int(retry_after))


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` events per ``seconds``."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """"5/15m" → Rate(5, 900); "100/60" or "100/60s" → Rate(100, 60); "20/1h" → Rate(20, 3600)."""
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"rate must look like '5/15m', got {text!r}")
        count, amount, unit = match.groups()
        seconds = int(amount or "1") * _UNIT_SECONDS[unit]
        if int(count) < 1 or seconds < 1:
            raise ValueError(f"rate must allow at least 1 event per second or more, got {text!r}")
        return cls(int(count), seconds)


class Limiter:
    """A named limit (the cache namespace) with its rate; see the module docstring."""

    def __init__(self, name: str, rate: Rate | str | None = None):
        self.name = name
        if rate is None:
            rate = settings.COMPTOIR_RATE_LIMITS[name]
        self.rate = rate if isinstance(rate, Rate) else Rate.parse(rate)

    def _keys(self, key: str, bucket: int) -> tuple[str, str]:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"rl:{self.name}:{digest}:{bucket - 1}", f"rl:{self.name}:{digest}:{bucket}"

    def _wait_from(self, now: float, bucket: int, previous: int, current: int) -> int:
        limit, window = self.rate.limit, self.rate.seconds
        fraction = now / window - bucket  # share of the current bucket already elapsed
        if previous * (1 - fraction) + current < limit:
            return 0
        if current >= limit:  # free once the next bucket has slid far enough past this one
            free_at = (bucket + 1 + (1 - limit / current)) * window
        else:
            free_at = (bucket + 1 - (limit - current) / previous) * window
        return max(1, math.floor(free_at - now) + 1)

    def wait(self, key: str) -> int:
        """Seconds before ``key`` may act again (0: now). Counts nothing."""
        now = timezone.now().timestamp()
        bucket = int(now // self.rate.seconds)
        keys = self._keys(key, bucket)
        try:
            found = caches[CACHE_ALIAS].get_many(keys)
        except Exception:  # noqa: BLE001 - an unreachable cache must not refuse every request
            log.exception("rate limit cache unreachable; %s not limited", self.name)
            return 0
        return self._wait_from(now, bucket, int(found.get(keys[0], 0)), int(found.get(keys[1], 0)))

    def hit(self, key: str) -> int:
        """Count one event for ``key``; then the seconds before it may act again (0: now)."""
        now = timezone.now().timestamp()
        bucket = int(now // self.rate.seconds)
        previous_key, current_key = self._keys(key, bucket)
        cache = caches[CACHE_ALIAS]
        ttl = 2 * self.rate.seconds + 60  # the bucket is read while it is current or previous
        try:
            cache.add(current_key, 0, timeout=ttl)
            try:
                current = cache.incr(current_key)
            except ValueError:  # expired between add and incr
                cache.set(current_key, 1, timeout=ttl)
                current = 1
            previous = int(cache.get(previous_key, 0))
        except Exception:  # noqa: BLE001 - see wait()
            log.exception("rate limit cache unreachable; %s not counted", self.name)
            return 0
        return self._wait_from(now, bucket, previous, current)

    def check(self, key: str) -> None:
        """Raise RateLimited when ``key`` must wait."""
        wait = self.wait(key)
        if wait:
            raise RateLimited(retry_after=wait)

    def reset(self, key: str) -> None:
        bucket = int(timezone.now().timestamp() // self.rate.seconds)
        try:
            caches[CACHE_ALIAS].delete_many(self._keys(key, bucket))
        except Exception:  # noqa: BLE001 - see wait()
            log.exception("rate limit cache unreachable; %s not reset", self.name)


def client_ip(request) -> str:
    """The client's IP address: REMOTE_ADDR, or, behind ``COMPTOIR_TRUSTED_PROXIES`` reverse
    proxies (default 0), the address that the outermost trusted proxy saw, read from the right
    of X-Forwarded-For (entries left of it are the client's own and can be forged).
    Also django-axes' ``AXES_CLIENT_IP_CALLABLE``."""
    proxies = settings.COMPTOIR_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "unknown"


def login_name(request, credentials: dict | None) -> str:
    """The account a login attempt names, folded like sign-up stores it (trimmed, lower case), so
    that "A@x.com" and "a@x.com " share one counter. Also django-axes' ``AXES_USERNAME_CALLABLE``."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()
