"""Production settings: secure by default; passes `comptoir check --deploy` with no warnings.

Requires SECRET_KEY (50+ random characters) and ALLOWED_HOSTS in the environment.
"""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from comptoir.payments.deploy import payments_production_refusal

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Persistent database connections (checked before reuse): a new PostgreSQL connection per
# request costs more than an order placement, and prepared statements live per connection.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Mail always goes through SMTP in production (a local MTA by default).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),  # noqa: F405
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        },
    }
}
# Payments (docs/payments.md): a real provider, with secrets of its own from the environment.
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "stripe")
PAYMENT_PROVIDER_SETTINGS["test"]["webhook_secret"] = os.environ.get("PAYMENT_TEST_WEBHOOK_SECRET", "")  # noqa: F405
payment_settings_refusal = payments_production_refusal(  # noqa: F405
    provider=PAYMENT_PROVIDER, allow_test=COMPTOIR_ALLOW_TEST_PAYMENTS,  # noqa: F405
    provider_settings=PAYMENT_PROVIDER_SETTINGS, secret_key=SECRET_KEY,  # noqa: F405
)
if payment_settings_refusal:
    raise ImproperlyConfigured(payment_settings_refusal)
