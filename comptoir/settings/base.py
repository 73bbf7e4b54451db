"""Settings read from the environment, so any command can point at another database.

DATABASE_URL  sqlite:////abs/path.sqlite3 (default: ./var/comptoir.sqlite3) or postgres://user@host:5432/db
REDIS_URL     redis://127.0.0.1:6379/0 — cache and sessions go to Redis when set
SECRET_KEY, DEBUG, ALLOWED_HOSTS (comma separated), EMAIL_URL-like SMTP settings (EMAIL_HOST, ...)
"""
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the comptoir package
PROJECT_DIR = Path(os.environ.get("COMPTOIR_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "comptoir.common",
    "comptoir.markets",
    "comptoir.catalog",
    "comptoir.sellers",
    "comptoir.inventory",
    "comptoir.ledger",
    "comptoir.payments",
    "comptoir.orders",
    "comptoir.stores",
    "comptoir.planning",
    "comptoir.web",
    "comptoir.api",
    "comptoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "comptoir.common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "comptoir.web.middleware.BuyerContextMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.web.context_processors.buyer_context",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = VAR_DIR / "comptoir.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
    # that two writers queue instead of failing on lock upgrade (stock is taken under it).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameter binding lets psycopg prepare a statement once it has run
    # PG_PREPARE_THRESHOLD times on a connection (default 5): PostgreSQL then skips parsing and
    # planning it, which measured as half of the server's CPU per order placement
    # (bench/checkout.py). Behind a transaction-mode PgBouncer set PG_PREPARE_THRESHOLD=none.
    _threshold = os.environ.get("PG_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=env_bool("PG_SERVER_SIDE_BINDING", True),
        prepare_threshold=None if _threshold in {"", "none", "off"} else int(_threshold),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("fr", _("French")), ("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Mail (Django 6.1 MAILERS): SMTP when EMAIL_HOST is set, else the console backend.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comptoir <no-reply@comptoir.example>")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Storefront defaults
COMPTOIR_DEFAULT_MARKET = "FR"
COMPTOIR_PAGE_SIZE = 24

# Payments (docs/payments.md): the active provider is a key of comptoir.payments.providers.PROVIDERS;
# each provider's constructor arguments come from PAYMENT_PROVIDER_SETTINGS[name].
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "test")
PAYMENT_PROVIDER_SETTINGS = {
    "test": {"webhook_secret": os.environ.get("PAYMENT_TEST_WEBHOOK_SECRET", "whsec_test_dev_only_change_me")},
}
PAYMENT_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("PAYMENT_WEBHOOK_TOLERANCE_SECONDS", "300"))

# Leaflet's files come from the django-leaflet package; its app is not installed (its admin
# imports GeoDjango, which needs GDAL): only its static folder is served.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static"]

# Store maps (Leaflet, shipped by django-leaflet): the tile server's URL template and its
# attribution. Empty: store pages show the address without a map (no tiles are fetched).
COMPTOIR_MAP_TILES_URL = os.environ.get("COMPTOIR_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
COMPTOIR_MAP_ATTRIBUTION = os.environ.get("COMPTOIR_MAP_ATTRIBUTION", "© OpenStreetMap contributors")

# Seller webhooks: first retry after this many seconds, doubling at each failed attempt.
SELLER_WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("SELLER_WEBHOOK_RETRY_BASE_SECONDS", "60"))
# Plain http:// to a loopback address is allowed only here (tests run a receiver on 127.0.0.1).
SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False

# The operator's bank account that pays sellers out (the debtor of the SEPA transfer file).
PAYOUT_DEBTOR = {
    "name": os.environ.get("PAYOUT_DEBTOR_NAME", "Comptoir Marketplace SAS"),
    "iban": os.environ.get("PAYOUT_DEBTOR_IBAN", "FR7630006000011234567890189"),
    "bic": os.environ.get("PAYOUT_DEBTOR_BIC", "AGRIFRPP"),
}
