"""Shared pytest fixtures. App-specific factories live in each app's tests/factories.py.

Browser tests use Playwright driving Debian's chromium (Playwright cannot download its own
browser here). Screenshots go to test-artifacts/screenshots/.
"""
import os
from pathlib import Path

import pytest

SCREENSHOT_DIR = Path(__file__).parent / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the tests
    # make around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") writes test-artifacts/screenshots/name.png (full page)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _clear_django_cache():
    """Each test starts with an empty Django cache (listing pages, markets, cities are cached;
    database ids repeat between tests)."""
    from django.core.cache import cache

    from comptoir.catalog.listing_cache import memo_clear

    from comptoir.markets.cache import memo_clear as reference_memo_clear
    from comptoir.web.middleware import buyer_memo_clear

    cache.clear()
    _empty_test_payment_gateway()
    memo_clear()
    buyer_memo_clear()
    reference_memo_clear()
    yield
    # A request in another language leaves that language active in this thread (the locale
    # middleware activates it): the next test starts in the default language.
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def compiled(settings, tmp_path):
    """The project's catalogues compiled into a temporary LOCALE_PATHS (whatever was compiled before)."""
    import shutil
    import subprocess

    from django.conf import settings as django_settings

    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    source = django_settings.LOCALE_PATHS[0]
    for lang, _name in django_settings.LANGUAGES:
        out = tmp_path / lang / "LC_MESSAGES"
        out.mkdir(parents=True)
        subprocess.run(["msgfmt", "--check", "-o", str(out / "django.mo"), f"{source}/{lang}/LC_MESSAGES/django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` are deselected (not skipped) on another database: CI's
    PostgreSQL leg runs them; `make test` on SQLite reports them as deselected."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def clock(monkeypatch):
    """The wall clock that Django (``timezone.now``), the rate limiter and django-axes read,
    moved forward by ``clock.advance(seconds)`` instead of sleeping."""
    from datetime import timedelta

    import axes.attempts
    import axes.handlers.proxy
    from django.utils import timezone

    real_now = timezone.now

    class Clock:
        offset = timedelta(0)

        def now(self):
            return real_now() + self.offset

        def advance(self, seconds: float) -> None:
            self.offset += timedelta(seconds=seconds)

    moved = Clock()
    for module in (timezone, axes.attempts, axes.handlers.proxy):
        monkeypatch.setattr(module, "now", moved.now)
    return moved


def _empty_test_payment_gateway() -> None:
    """The test payment gateway keeps its charges outside the test database (as a remote one
    does), so no test transaction rolls them back: each test starts with none."""
    from comptoir.payments.services.notifications import test_provider

    test_provider().store.clear()
