"""comptoir plan_stores --market ES --new 2 --objective coverage --radius-km 30 [--json] [--plot map.png]"""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from comptoir.common.errors import DomainError
from comptoir.planning.demand import INDEX_CAP, PLATFORM_ALPHA
from comptoir.planning.services import DEFAULT_CANDIDATE_MIN_POPULATION, DEFAULT_TIME_LIMIT, OBJECTIVES, plan_stores

STAGES = ["demand", "candidates", "distances", "solve", "report"]


class Command(BaseCommand):
    help = (
        "Choose where the next stores should open in a market: maximal coverage within a radius, "
        "or minimal mean distance (p-median). Existing stores stay open. Exit code 2 on bad input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--market", required=True, help="market code, e.g. ES")
        parser.add_argument("--new", type=int, required=True, dest="new_stores", help="number of new stores (≥ 1)")
        parser.add_argument("--objective", default="coverage", help=f"one of: {', '.join(OBJECTIVES)} (default coverage)")
        parser.add_argument("--radius-km", type=float, default=30.0, help="coverage radius in km (default 30)")
        parser.add_argument("--detour", type=float, default=1.0, help="road detour factor × great-circle km (1.0–3.0, e.g. 1.3)")
        parser.add_argument(
            "--platform-demand", action="store_true",
            help=f"weight = population × (1 + {PLATFORM_ALPHA} · orders-per-head index, capped at {INDEX_CAP:g})",
        )
        parser.add_argument("--min-population", type=int, default=DEFAULT_CANDIDATE_MIN_POPULATION, help="candidate cities' minimum population")
        parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help=f"seconds for the exact bound (default {DEFAULT_TIME_LIMIT:g})")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--plot", metavar="FILE.png", help="write a map picture")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **o):
        if o["time_limit"] is not None and o["time_limit"] <= 0:
            raise CommandError("--time-limit must be greater than 0 seconds.", returncode=2)
        if o["min_population"] < 0:
            raise CommandError("--min-population must be 0 or more.", returncode=2)
        bar = None
        if not o["json"] and not o["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=len(STAGES), desc="plan", unit="step", file=sys.stderr, leave=False,
                       bar_format="{desc}: {n}/{total} {postfix} [{elapsed}]")

        def progress(stage: str) -> None:
            if bar is not None:
                bar.set_postfix_str(stage)
                bar.update(1)

        try:
            result = plan_stores(
                market_code=o["market"],
                new_stores=o["new_stores"],
                objective=o["objective"],
                radius_km=o["radius_km"],
                use_platform_demand=o["platform_demand"],
                detour=o["detour"],
                candidate_min_population=o["min_population"],
                time_limit=o["time_limit"],
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        finally:
            if bar is not None:
                bar.close()
        if o["plot"]:
            from comptoir.planning.plot import render_plan
            from comptoir.planning.selectors import market_demand

            data = render_plan(result.to_json(), market_demand(result.market, use_platform_demand=False))
            try:
                with open(o["plot"], "wb") as fh:
                    fh.write(data)
            except OSError as exc:
                raise CommandError(f"Cannot write {o['plot']}: {exc.strerror}", returncode=2) from exc
        if o["json"]:
            self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False))
            return
        self._human(result, o)

    def _human(self, r, o):
        w = self.stdout.write
        goal = f"max coverage within {r.radius_km:g} km" if r.objective == "coverage" else "min mean distance (p-median)"
        w(f"Market {r.market}: {r.new_stores} new store(s), {goal}, detour ×{r.detour:g}"
          f"{', platform demand (%d orders)' % r.platform_orders if r.use_platform_demand else ''}")
        w(f"{r.demand_points} demand points ({r.demand_total:,} people), {r.candidates} candidate sites, "
          f"{len(r.existing)} existing store(s)")
        if r.existing:
            w(f"Before: {r.share_within_radius_before:.1%} within {r.radius_km:g} km, "
              f"mean distance to nearest store {r.mean_distance_before_km:.1f} km")
        unit = "people" if r.objective == "coverage" else "person·km"
        w("")
        w(f"{'#':>2}  {'site':<28} {'lat':>8} {'lon':>9} {'covered':>11} {'share≤r':>8} {'mean km':>8}  marginal gain ({unit})")
        for p in r.picks:
            name = p.city + (" *" if p.kind == "candidate" else "")
            w(f"{p.rank:>2}  {name[:28]:<28} {p.lat:>8.4f} {p.lon:>9.4f} {p.covered_population:>11,} "
              f"{p.share_within_radius:>8.1%} {p.mean_distance_km:>8.1f}  {'—' if p.marginal_gain is None else f'{p.marginal_gain:,.0f}'}")
        w("")
        bound = "n/a" if r.bound is None else f"{r.bound:,.1f}"
        gap = "n/a" if r.gap is None else f"{r.gap:.4%}"
        w(f"Objective {r.objective_value:,.1f} ({'covered weight' if r.objective == 'coverage' else 'weighted km'}), "
          f"bound {bound}, gap {gap}{' (proven optimal)' if r.proven_optimal else ''}")
        w(f"Run time {r.seconds:.2f}s (solver {r.solver_seconds:.2f}s); run #{r.run_id}")
        if o["plot"]:
            w(f"Map written to {o['plot']}")
