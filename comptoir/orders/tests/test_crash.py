"""Workers killed while buyers check out (bench/payments_crash.py with a few kills; the bench runs
100): no partial order, no answered order lost, no double charge, and after reconciliation no
authorization without an order. A real gunicorn, real processes, real SIGKILLs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.crash
def test_workers_killed_during_checkout_lose_no_order_and_leave_no_orphan_authorization(tmp_path):
    database = os.environ.get("DATABASE_URL", "")
    url = f"{database}_crash" if database.startswith("postgres") else f"sqlite:///{tmp_path}/crash.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "COMPTOIR_TEST_GATEWAY")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "payments_crash.py"), "--kills", "8", "--buyers", "4", "--workers", "2", "--abandon", "0.5",
         "--database-url", url],
        capture_output=True, text=True, timeout=240, env=env, cwd=ROOT,
    )
    report = json.loads(result.stdout)
    assert report["kills"] == 8
    assert report["requests_cut"] >= 1  # the kills did cut requests that the buyers then retried
    assert report["orders"] >= report["orders_answered"] > 0  # an abandoned request may have placed its order
    # one live authorization per order: reconciliation voided those whose order never committed
    assert report["gateway_charges"]["authorized"] == report["orders"]
    assert set(report["gateway_charges"]) <= {"authorized", "cancelled"}
    assert report["reconciliation"]["voided"] >= report["authorizations_without_an_order_before_reconciliation"]
    assert report["violations"] == {
        "partial_orders": [], "lines_without_an_active_hold": 0, "stock_levels_not_matching_their_holds": [],
        "answered_orders_lost": [], "orders_per_key_above_one": [], "charges_per_payment_above_one": [],
        "orders_whose_charge_is_not_authorized_for_their_total": [], "authorizations_without_an_order_after_reconciliation": [],
    }
    assert result.returncode == 0
