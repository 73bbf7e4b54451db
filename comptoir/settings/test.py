"""Test settings: the same as base, with fast hashing and tasks run inline."""
from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file-based test database, so that child processes (concurrency tests) see it too. The name
    # is fixed per test run (inherited by child processes through the environment) so that
    # parallel runs on one machine do not share a file.
    import os as _os

    _os.environ.setdefault("COMPTOIR_TEST_SQLITE", str(VAR_DIR / f"test_{_os.getpid()}.sqlite3"))  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _os.environ["COMPTOIR_TEST_SQLITE"]}  # noqa: F405

# The test payment gateway keeps its charges in its own file (outside the test database, as a
# remote gateway would); one per test run, inherited by child processes; emptied before each test.
import os as _os  # noqa: E402

_os.environ.setdefault("COMPTOIR_TEST_GATEWAY", str(VAR_DIR / f"test_gateway_{_os.getpid()}.sqlite3"))  # noqa: F405
PAYMENT_PROVIDER_SETTINGS["test"]["state_path"] = _os.environ["COMPTOIR_TEST_GATEWAY"]  # noqa: F405

SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK = True
COMPTOIR_MAP_TILES_URL = ""  # tests fetch nothing from outside
