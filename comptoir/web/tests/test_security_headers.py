"""Content-Security-Policy on every page, no inline script left, the language cookie, the
ledger admin under model permissions."""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_pages_carry_a_csp_that_allows_no_inline_script():
    buyer, *_ = shop()
    c = Client()
    c.force_login(buyer)
    for url in ("/", "/cart/", "/accounts/login/", "/orders/"):
        policy = c.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", re.IGNORECASE)
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if inline.search(p.read_text())]
    assert offenders == []


def test_the_language_cookie_is_secure_and_http_only_in_production(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "comptoir.settings.production", "SECRET_KEY": secrets.token_urlsafe(60),
           "ALLOWED_HOSTS": "shop.example.com", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "COMPTOIR_VAR": str(tmp_path),
           "STRIPE_API_KEY": "sk_live_fake", "STRIPE_WEBHOOK_SECRET": "whsec_fake"}
    code = "import django; django.setup(); from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.SESSION_COOKIE_SECURE)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.split() == ["True", "True", "True"]


def test_switching_language_sets_a_secure_cookie_when_configured(settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    r = Client().post("/i18n/setlang/", {"language": "fr", "next": "/"})
    cookie = r.cookies["django_language"]
    assert cookie.value == "fr" and cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


def _staff(email, *codenames):
    user = f.user(email, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_a_staff_user_without_ledger_permissions_sees_no_ledger_admin():
    c = Client()
    c.force_login(_staff("clerk@example.com"))
    assert "ledger" not in c.get("/admin/").content.decode().lower()
    assert c.get("/admin/ledger/journalentry/").status_code == 403
    assert c.get("/admin/ledger/account/").status_code == 403


def test_a_staff_user_with_the_view_permission_reads_the_journal_but_cannot_change_it():
    c = Client()
    c.force_login(_staff("accountant@example.com", "view_journalentry", "view_account"))
    assert c.get("/admin/ledger/journalentry/").status_code == 200
    assert c.get("/admin/ledger/account/").status_code == 200
    assert c.get("/admin/ledger/journalentry/add/").status_code == 403


def test_the_csp_lets_the_map_tiles_server_in():
    from comptoir.settings import base  # the deployed value (test settings turn the tiles off)

    assert base.COMPTOIR_MAP_TILES_URL == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert base.SECURE_CSP["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
