"""A readout as Markdown (a pull-request comment: tables, no raw HTML) and as JSON; the
numbers in words both the Markdown and the HTML page use."""

from __future__ import annotations

import json
import math
from typing import Any

from monogen.readout.report_data import Readout, Timeline
from monogen.readout.verdicts import Verdict
from monogen.readout.window import iso
from monogen.targets.markdown import inline_code, markdown_text


def value(x: float | None, unit: str) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    if unit == "ratio":
        return f"{x * 100:.3g}%"
    if unit == "seconds":
        return f"{x * 1000:.4g} ms" if abs(x) < 1 else f"{x:.4g} s"
    return f"{x:.4g}"


def interval(pair: tuple[float, float] | None, unit: str) -> str:
    if pair is None:
        return "–"
    return f"[{value(pair[0], unit)}, {value(pair[1], unit)}]"


def p_value(p: float) -> str:
    if not math.isfinite(p):
        return "–"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


def _p_is(p: float) -> str:
    shown = p_value(p)
    return shown if shown.startswith("<") else f"= {shown}"


def count(n: float) -> str:
    return f"{n:,.0f}"


def sample(v: Verdict) -> str:
    if v.needed is None:
        return f"{count(min(v.requests))} (no declared minimum)"
    if v.reached:
        return f"reached ({count(min(v.requests))} ≥ {count(v.needed)})"
    why = "declared minimum" if v.basis == "declared" else "for 80% power at the margin"
    return f"{count(v.more)} more per variant needed ({count(v.needed)} {why})"


def srm_sentence(r: Readout) -> str:
    if r.srm is None:
        if len(r.variants) < 2 or not all(share for _, _, share in r.variants):
            return "Not tested: the variants declare no traffic split."
        if not r.requests:
            return "Not tested: the experiment declares no requests metric."
        return "Not tested: the request counts are not numbers (NaN or infinite)."
    s = r.srm
    verdict = "MISMATCH" if r.srm_failed else "passed"
    return (
        f"chi-square {s.chi_square:.4g} with {s.dof} degree{'s' if s.dof > 1 else ''} of "
        f"freedom, p {_p_is(s.p_value)}: {verdict} at p < {r.srm_alpha:g}"
    )


SRM_WARNING = (
    "Sample-ratio mismatch: the variants' traffic does not match the declared split. "
    "Every other result in this report is untrustworthy until assignment is fixed."
)


def is_business(t: Timeline) -> bool:
    return t.category == "business_impact"


def firing_hours(t: Timeline) -> float:
    """Hours during which any of the guardrail's alerts fired (overlaps counted once: two
    variants firing together make one hour, not two)."""
    total, reach = 0.0, -math.inf
    for start, end in sorted((a, b) for _, a, b in t.firing):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total / 3600


def episodes_by_severity(t: Timeline) -> str:
    counted: dict[str, int] = {}
    for severity, _, _ in t.firing:
        counted[severity] = counted.get(severity, 0) + 1
    return ", ".join(f"{n} {s}" for s, n in sorted(counted.items())) or "none"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("\n", " ") for c in cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows)]


def markdown(r: Readout) -> str:
    t = markdown_text
    out = [f"# Experiment readout: {t(r.experiment)}", ""]
    if r.srm_failed:
        out += [f"> **Warning.** {SRM_WARNING}", ""]
    out += ["## Verdict", ""]
    if r.verdicts:
        out += _table(
            ["Metric", "Treatment", "Control", "Treatment value", "Difference",
             f"{r.verdicts[0].confidence:.0%} interval", "Ratio", "p-value",
             "Outcome", "Sample"],
            [[t(v.noun), t(v.treatment), value(v.effect.control, v.unit) if v.effect else "–",
              value(v.effect.treatment, v.unit) if v.effect else "–",
              value(v.effect.difference, v.unit) if v.effect else "–",
              interval(v.effect.difference_ci, v.unit) if v.effect else "–",
              (f"{v.effect.ratio:.3f} {interval(v.effect.ratio_ci, 'number')}"
               if v.effect and v.effect.ratio is not None else "–"),
              p_value(v.effect.p_value) if v.effect else "–",
              v.outcome + (" (untrustworthy: SRM)" if r.srm_failed else ""),
              sample(v)] for v in r.verdicts],
        )  # fmt: skip
    else:
        out.append("No treatment is compared with the control in this experiment.")
    out += ["", "## Sample ratio", "", srm_sentence(r), ""]
    total = sum(r.requests.values()) or 1.0
    expected = r.srm.expected if r.srm else {}
    out += _table(
        ["Variant", "Role", "Declared share", "Requests", "Observed share", "Expected requests"],
        [[t(name), role or "–", f"{share:g}%" if share else "–",
          count(r.requests[name]) if name in r.requests else "–",
          f"{r.requests[name] / total:.2%}" if name in r.requests else "–",
          count(expected[name]) if name in expected else "–"]
         for name, role, share in r.variants],
    )  # fmt: skip
    out += ["", "## Guardrails", "", f"Firing read from {_source(r)}.", ""]
    header = ["Guardrail", "Alert", "Thresholds", "Firing episodes", "Hours firing"]

    def rows(timelines: list[Timeline]) -> list[list[str]]:
        return [[t(tl.title), t(tl.alert),
                 ", ".join(f"{s} {value(x, tl.unit)}" for s, x in tl.thresholds),
                 episodes_by_severity(tl), f"{firing_hours(tl):.2f}"]
                for tl in timelines]  # fmt: skip

    out += _table(header, rows([tl for tl in r.timelines if not is_business(tl)]))
    business = [tl for tl in r.timelines if is_business(tl)]
    if business:
        out += ["", "## Business impact", "", *_table(header, rows(business))]
    if r.objectives:
        out += ["", "## SLOs", ""]
        out += _table(
            ["SLO", "Objective", "Period", "Variant", "Budget remaining"],
            [[t(s.name), f"{s.objective:.3%}", s.period, t(v), f"{left:.1%}"]
             for s in r.objectives for v, left in sorted(s.remaining.items())],
        )  # fmt: skip
    out += ["", "## Record", ""]
    out += [
        f"- Prometheus: {inline_code(r.url)}",
        f"- Range: {iso(r.start)} to {iso(r.end)} ({r.window}), step {r.step:g}s",
        f"- monogen {r.version}, spec digest `{r.digest}`, {r.queries} queries",
        *(f"- {t(n)}" for n in r.notes),
    ]
    return "\n".join(out) + "\n"


def _source(r: Readout) -> str:
    if r.firing_source == "ALERTS":
        return "Prometheus' ALERTS series (the rules were loaded)"
    return "the alert expressions evaluated over the range with their `for` (no ALERTS found)"


def _effect(e: Any) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "control": e.control, "treatment": e.treatment, "difference": e.difference,
        "difference_interval": list(e.difference_ci), "ratio": e.ratio,
        "ratio_interval": list(e.ratio_ci) if e.ratio_ci else None, "p_value": e.p_value,
        "standard_error": e.standard_error, "significant": e.significant,
    }  # fmt: skip


def as_json(r: Readout) -> str:
    data = {
        "experiment": r.experiment,
        "record": {"prometheus": r.url, "from": iso(r.start), "to": iso(r.end),
                   "step_seconds": r.step, "monogen": r.version, "spec_digest": r.digest,
                   "queries": r.queries},
        "trustworthy": not r.srm_failed,
        "requests": r.requests,
        "sample_ratio": None if r.srm is None else {
            "chi_square": r.srm.chi_square, "dof": r.srm.dof, "p_value": r.srm.p_value,
            "alpha": r.srm_alpha, "failed": r.srm_failed, "expected": r.srm.expected},
        "verdicts": [
            {"metric": v.metric, "noun": v.noun, "unit": v.unit, "control": v.control,
             "treatment": v.treatment, "confidence": v.confidence, "test": v.test,
             "outcome": v.outcome, "effect": _effect(v.effect),
             "margin_exceeded": v.margin_exceeded,
             "requests": list(v.requests), "needed": v.needed, "needed_basis": v.basis,
             "reached": v.reached} for v in r.verdicts],
        "guardrails": [
            {"alert": tl.alert, "title": tl.title, "category": tl.category, "unit": tl.unit,
             "direction": tl.direction, "thresholds": [list(x) for x in tl.thresholds],
             "firing": [{"severity": s, "from": iso(a), "to": iso(b)} for s, a, b in tl.firing]}
            for tl in r.timelines],
        "firing_source": r.firing_source,
        "objectives": [{"name": s.name, "objective": s.objective, "period": s.period,
                  "remaining": s.remaining} for s in r.objectives],
    }  # fmt: skip
    return json.dumps(_finite(data), indent=2, sort_keys=True, allow_nan=False) + "\n"


def _finite(x: Any) -> Any:
    """NaN and infinities as null: JSON has no word for them."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x
