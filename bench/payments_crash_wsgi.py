"""The WSGI application of bench/payments_crash.py: comptoir's, warmed up in gunicorn's master
before it forks (``--preload``), so that a worker started after a kill serves at once instead of
spending its short life importing views and building the API (database connections are closed
before the fork: each worker opens its own)."""
from django.db import connections
from django.test import Client

from comptoir.wsgi import application  # noqa: F401 - what gunicorn serves

_client = Client()
_client.get("/healthz")
_client.post("/api/v1/orders", data="{}", content_type="application/json")  # 401: imports and builds the API
connections.close_all()
