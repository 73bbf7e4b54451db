"""Browser journeys: sign up by e-mail link, then a login lockout and its message."""
import re

import pytest
from django.conf import settings
from django.core import mail

from comptoir.orders.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]


def test_sign_up_by_email_link_then_signed_in(live_server, page, screenshot):
    f.market("FR")
    page.goto(live_server.url + "/accounts/signup/")
    page.fill("input[name=email]", "new@example.com")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#signup-sent")
    assert "new@example.com" in page.inner_text("#signup-sent")
    screenshot(page, "accounts-signup-sent")
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/signup/\S+)", message.body).group(1)
    page.goto(live_server.url + link)
    page.fill("input[name=new_password1]", "a-Long-pass-9876")
    page.fill("input[name=new_password2]", "a-Long-pass-9876")
    screenshot(page, "accounts-signup-password")
    page.click("main form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("header a", has_text="My orders").count() == 1


def test_five_wrong_passwords_lock_the_login_with_a_clear_message(live_server, page, screenshot):
    f.user("ana@example.com")
    page.goto(live_server.url + "/accounts/login/")
    for _ in range(5):
        page.fill("input[name=username]", "ana@example.com")
        page.fill("input[name=password]", "wrong-password")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    page.wait_for_selector("#lockout")
    assert "signing in is blocked for 15 minutes" in page.inner_text("#lockout")
    assert page.input_value("input[name=username]") == "ana@example.com"
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#lockout")
    screenshot(page, "accounts-login-locked")
    assert page.locator("header a", has_text="My orders").count() == 0
