"""Settings read from the environment, so any command can point at another database.

DATABASE_URL  sqlite:////abs/path.sqlite3 (default: ./var/comptoir.sqlite3) or postgres://user@host:5432/db
REDIS_URL     redis://127.0.0.1:6379/0 — cache and sessions go to Redis when set
SECRET_KEY, DEBUG, ALLOWED_HOSTS (comma separated), EMAIL_URL-like SMTP settings (EMAIL_HOST, ...)
"""
import importlib.util
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
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
    "axes",
    "comptoir.common",
    "comptoir.audit",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
    # Last, as django-axes requires: turns a login refused for lockout into the lockout answer.
    "axes.middleware.AxesMiddleware",
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
# The UI languages: one per market's language. The language switch shows each in its own
# language ("Deutsch", "Italiano": Django's LANG_INFO name_local); docs/languages.md says how
# to add one.
LANGUAGES = [
    ("fr", _("French")), ("es", _("Spanish")), ("en", _("English")),
    ("de", _("German")), ("it", _("Italian")), ("pt", _("Portuguese")), ("nl", _("Dutch")),
]
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
# "ratelimit" holds the API's rate-limit counters (comptoir.common.ratelimit): they must be
# shared by every process of every app server, so Redis, else a table of the database (created
# by the common app's migration), never per-process memory.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
        "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "comptoir"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "comptoir_ratelimit",
            # incr() re-stores with this timeout: it must outlast two windows of any rate.
            "TIMEOUT": 86400,
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"


# Background tasks (docs/deploy.md): the database backend by default (tasks committed with the
# data that caused them); TASKS_BACKEND=rq for RQ on Redis (REDIS_URL, or RQ_REDIS_URL for a
# Redis of its own) with workers on several machines (`comptoir rqworker default`). Tasks enqueued
# inside a transaction go through the outbox (comptoir.common.outbox) with any backend whose queue
# is not in our database.
TASKS_BACKEND = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}.get(
    os.environ.get("TASKS_BACKEND", "db"), os.environ.get("TASKS_BACKEND", "db")
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
RQ_REDIS_URL = os.environ.get("RQ_REDIS_URL", "") or REDIS_URL
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    if not RQ_REDIS_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (or RQ_REDIS_URL), e.g. redis://127.0.0.1:6379/0")
    INSTALLED_APPS.append("django_rq")
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # workers run Django tasks, not plain RQ jobs
    RQ_QUEUES = {"default": {"URL": RQ_REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("RQ_JOB_TIMEOUT", "300"))}}
# Seconds the outbox relay leaves a row to the committing process's own push before sending it.
OUTBOX_RELAY_AFTER_SECONDS = int(os.environ.get("OUTBOX_RELAY_AFTER_SECONDS", "10"))
# An offers import that shows no progress for this long lost its process, and one still queued
# for the second figure lost its task: it is failed (the page, `comptoir offers_imports_fail_stale`,
# run_periodic). A batch of 1,000 rows takes about a second; a queue behind other sellers' big
# imports can hold an import longer than that before a worker takes it.
OFFERS_IMPORT_STALE_MINUTES = int(os.environ.get("OFFERS_IMPORT_STALE_MINUTES", "10"))
OFFERS_IMPORT_QUEUED_STALE_MINUTES = int(os.environ.get("OFFERS_IMPORT_QUEUED_STALE_MINUTES", "60"))

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

# --- Security (docs/security.md) -----------------------------------------------------------
# Content-Security-Policy: scripts only from our own static files (no inline script, no eval).
# Styles may still be inline (a few style attributes and per-page <style> blocks).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Login pages: django-axes counts failed logins per account and per client IP in the database
# (shared by every app server) and refuses a 6th try within AXES_COOLOFF_TIME; the lockout ends
# by itself COOLOFF after the 5th failure (tries during a lockout do not extend it).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "comptoir.common.ratelimit.login_name"
AXES_CLIENT_IP_CALLABLE = "comptoir.common.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "comptoir.web.accounts.lockout.lockout_response"
AXES_WHITELIST_CALLABLE = "comptoir.web.accounts.lockout.axes_ignores"  # the API has its own limiter
AXES_DISABLE_ACCESS_LOG = True  # failures only: no row per successful login
AXES_VERBOSE = False

# The API's limiter (comptoir.common.ratelimit): "<count>/<window>" per key.
COMPTOIR_RATE_LIMITS = {
    "api-login-account": os.environ.get("API_LOGIN_RATE_ACCOUNT", "5/15m"),  # wrong passwords for one e-mail
    "api-login-ip": os.environ.get("API_LOGIN_RATE_IP", "30/15m"),  # wrong passwords from one client IP
    "api-credential-prefix": os.environ.get("API_CREDENTIAL_RATE_PREFIX", "10/15m"),  # bad secrets for one token/key prefix
    "api-credential-ip": os.environ.get("API_CREDENTIAL_RATE_IP", "30/15m"),  # unknown tokens/keys from one client IP
    "seller-api-key": os.environ.get("SELLER_API_KEY_RATE", "600/1m"),  # calls of one seller API key
}
# Reverse proxies in front of the app servers that append to X-Forwarded-For (0: use REMOTE_ADDR).
COMPTOIR_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# API bearer tokens expire this many days after they were issued.
COMPTOIR_API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

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
    "test": {
        "webhook_secret": os.environ.get("PAYMENT_TEST_WEBHOOK_SECRET", "whsec_test_dev_only_change_me"),
        # the test gateway's own state, outside our database as a remote gateway's is
        "state_path": os.environ.get("PAYMENT_TEST_STATE_PATH", str(VAR_DIR / "test_payment_gateway.sqlite3")),
    },
    "stripe": {
        "api_key": os.environ.get("STRIPE_API_KEY", ""),
        "webhook_secret": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
    },
}
# The built-in test provider authorizes any valid card number without charging: production
# settings refuse it unless this is set (a demo or staging site), and `check --deploy` warns.
COMPTOIR_ALLOW_TEST_PAYMENTS = env_bool("COMPTOIR_ALLOW_TEST_PAYMENTS", False)
# Reconciliation (comptoir payments_reconcile) voids authorizations left without an order for this long.
PAYMENT_RECONCILE_AFTER_SECONDS = int(os.environ.get("PAYMENT_RECONCILE_AFTER_SECONDS", "900"))
PAYMENT_WEBHOOK_TOLERANCE_SECONDS = int(os.environ.get("PAYMENT_WEBHOOK_TOLERANCE_SECONDS", "300"))

# Leaflet's files come from the django-leaflet package; its app is not installed (its admin
# imports GeoDjango, which needs GDAL): only its static folder is served.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").submodule_search_locations[0]) / "static"]

# Store maps (Leaflet, shipped by django-leaflet): the tile server's URL template and its
# attribution. Empty: store pages show the address without a map (no tiles are fetched).
COMPTOIR_MAP_TILES_URL = os.environ.get("COMPTOIR_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
COMPTOIR_MAP_ATTRIBUTION = os.environ.get("COMPTOIR_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
if COMPTOIR_MAP_TILES_URL:
    # The map tiles are images from the tile server: the CSP lets that origin in ({s} → *).
    _tiles = urlsplit(COMPTOIR_MAP_TILES_URL.replace("{s}", "*"))
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]

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
