import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.planning.management.commands.plan_stores import Command

from .factories import market_lu

pytestmark = pytest.mark.django_db


def _exit(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["comptoir", "plan_stores", *argv])
    return exc.value.code, capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--market", "ZZ", "--new", "1"], "Unknown market 'ZZ'"),
        (["--market", "LU", "--new", "0"], "must be a positive integer"),
        (["--market", "LU", "--new", "-1"], "must be a positive integer"),
        (["--market", "LU", "--new", "9"], "9 new stores asked but market LU has only 4 candidate sites"),
        (["--market", "LU", "--new", "1", "--radius-km", "0"], "greater than 0 km"),
        (["--market", "LU", "--new", "1", "--radius-km", "-3"], "greater than 0 km"),
        (["--market", "LU", "--new", "1", "--objective", "nearest"], "Objective must be one of coverage, distance"),
        (["--market", "LU", "--new", "1", "--detour", "0.5"], "between 1.0 and 3.0"),
    ],
)
def test_bad_input_exits_2_with_a_message(argv, message, capsys):
    market_lu()
    code, err = _exit(argv, capsys)
    assert code == 2
    assert message in err


def test_market_with_no_cities_exits_2(capsys):
    market_lu(with_cities=False)
    code, err = _exit(["--market", "LU", "--new", "1"], capsys)
    assert code == 2 and "No cities are loaded for market LU" in err


def test_json_output_shape_and_values():
    market_lu()
    out = StringIO()
    call_command("plan_stores", "--market", "LU", "--new", "2", "--objective", "coverage", "--radius-km", "15", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"market", "objective", "picks", "objective_value", "bound", "gap", "seconds"} <= set(data)
    assert data["market"] == "LU" and data["objective"] == "coverage"
    assert [(p["city"], p["covered_population"], p["marginal_gain"]) for p in data["picks"]] == [("A1", 150000, 150000.0), ("B", 50000, 50000.0)]
    assert data["picks"][0]["lat"] == 49.6 and data["picks"][0]["lon"] == 6.1
    assert data["objective_value"] == 200000.0 and data["gap"] == 0.0


def test_human_output_lists_ranked_picks_and_bound():
    market_lu()
    out = StringIO()
    call_command("plan_stores", "--market", "LU", "--new", "1", "--objective", "distance", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "min mean distance (p-median)" in text
    assert " 1  A1 " in text
    assert "gap 0.0000% (proven optimal)" in text
    assert "Run time" in text


def test_plot_writes_a_png(tmp_path):
    market_lu()
    target = tmp_path / "map.png"
    call_command("plan_stores", "--market", "LU", "--new", "2", "--plot", str(target), "--json", stdout=StringIO())
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_call_command_raises_command_error_with_returncode_2():
    market_lu()
    with pytest.raises(CommandError) as exc:
        call_command("plan_stores", "--market", "LU", "--new", "0", stdout=StringIO())
    assert exc.value.returncode == 2
