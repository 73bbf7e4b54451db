"""axe-core (shipped by axe-playwright-python) run in a Playwright page, and its violations
written so that a failing test says which rule failed on which elements."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.1 levels A and AA (axe-core's tags; wcag2a/wcag2aa are the WCAG 2.0 rules 2.1 keeps).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now.

    Every rule tagged with one of WCAG_21_AA runs, including those axe-core still calls
    experimental (label-content-name-mismatch, p-as-heading, td-has-header…): axe leaves them out
    of a run by tag, so they are named one by one."""
    page.evaluate(_axe.axe_script)
    rules = page.evaluate("tags => axe.getRules(tags).map(rule => rule.ruleId)", WCAG_21_AA)
    options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(results => results.violations)", options)


def violations_report(violations: list[dict], *, max_nodes: int = 5) -> str:
    """One paragraph per rule: id, impact, what it asks, the failing elements' selectors and
    axe's own summary of the first one."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)] {v['helpUrl']}")
        for node in v["nodes"][:max_nodes]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"    {target}  {node['html'][:160]}")
        if v["nodes"]:
            summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    why: {summary[:400]}")
    return "\n".join(lines)
