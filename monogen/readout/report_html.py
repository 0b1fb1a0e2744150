"""A readout as one self-contained HTML page: styles and charts inline, no script, nothing
fetched when it is viewed. The verdict comes first; a failed sample-ratio test is a banner
above it, and every result under it is marked untrustworthy."""

from __future__ import annotations

from html import escape

from monogen.readout import charts
from monogen.readout.report_data import Readout
from monogen.readout.report_text import (
    SRM_WARNING,
    episodes_by_severity,
    firing_hours,
    interval,
    is_business,
    p_value,
    sample,
    srm_sentence,
    value,
)
from monogen.readout.window import iso

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       color: #1b1b1b; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .3rem .6rem;
  border-bottom: 1px solid #e5e5e5; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } .num { text-align: right; font-variant-numeric: tabular-nums; }
.banner { background: #fdecea; border: 2px solid #c62828; color: #7f1111; padding: 1rem;
  font-weight: 600; margin: 1rem 0; }
.untrusted { color: #c62828; font-weight: 600; } .worse { color: #c62828; font-weight: 600; }
.better { color: #2e7d32; font-weight: 600; } .chart svg { max-width: 100%; height: auto; }
.record { color: #555; font-size: 12px; }
"""

# no script, no remote anything: the page's own policy says so to the browser too
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _cell(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(text)}</td>"


def _table(header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def html(r: Readout) -> str:
    e = escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>Readout: {e(r.experiment)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Experiment readout: {e(r.experiment)}</h1>",
        f'<p class="record">{e(iso(r.start))} to {e(iso(r.end))} ({e(r.window)}) from '
        f"{e(r.url)}</p>",
    ]
    if r.srm_failed:
        parts.append(
            f'<div class="banner" id="srm-warning">{e(SRM_WARNING)} ({e(srm_sentence(r))})</div>'
        )
    parts.append('<h2 id="verdict">Verdict</h2>')
    if r.verdicts:
        rows = []
        for v in r.verdicts:
            f = v.effect
            cls = "worse" if v.outcome == "treatment worse" else (
                "better" if v.outcome == "treatment better" else "")  # fmt: skip
            outcome = v.outcome + (
                " (untrustworthy: sample-ratio mismatch)" if r.srm_failed else ""
            )
            rows.append(
                "<tr>" + _cell(v.noun) + _cell(f"{v.treatment} vs {v.control}")
                + _cell(value(f.control, v.unit) if f else "–", "num")
                + _cell(value(f.treatment, v.unit) if f else "–", "num")
                + _cell(value(f.difference, v.unit) if f else "–", "num")
                + _cell(interval(f.difference_ci, v.unit) if f else "–", "num")
                + _cell(f"{f.ratio:.3f} {interval(f.ratio_ci, 'number')}"
                        if f and f.ratio is not None else "–", "num")
                + _cell(p_value(f.p_value) if f else "–", "num")
                + _cell(outcome, "untrusted" if r.srm_failed else cls)
                + _cell(sample(v)) + "</tr>"
            )  # fmt: skip
        confidence = r.verdicts[0].confidence
        header = ["Metric", "Variants", "Control", "Treatment", "Difference",
                  f"{confidence:.0%} interval", "Ratio", "p-value", "Outcome",
                  "Sample"]  # fmt: skip
        parts.append(_table(header, rows))
        by_unit: dict[str, list] = {}
        for v in r.verdicts:
            if v.effect is not None:
                by_unit.setdefault(v.unit, []).append(
                    (f"{v.noun}: {v.treatment}", v.effect.difference, *v.effect.difference_ci)
                )
        for unit, rows_ in by_unit.items():
            parts.append(
                f'<div class="chart">{charts.clean(charts.forest(rows_, unit, confidence))}</div>'
            )
    else:
        parts.append("<p>No treatment is compared with the control in this experiment.</p>")
    parts.append('<h2 id="sample-ratio">Sample ratio</h2>')
    parts.append(f"<p>{e(srm_sentence(r))}</p>")
    declared = {n: s or 0.0 for n, _, s in r.variants}
    if r.requests:
        parts.append(
            f'<div class="chart">{charts.clean(charts.shares(r.requests, declared))}</div>'
        )
    if r.traffic:
        named = [(s.label(r.variant_label, "?"), s) for s in r.traffic]
        parts.append('<div class="chart">' + charts.clean(charts.timeline(
            "traffic share over time", named, r.start, r.end, "%")) + "</div>")  # fmt: skip
    parts.append('<h2 id="guardrails">Guardrails</h2>')
    source = "Prometheus' ALERTS series" if r.firing_source == "ALERTS" else (
        "the alert expressions evaluated over the range with their for")  # fmt: skip
    parts.append(f"<p>Firing (shaded) read from {e(source)}.</p>")
    business = False
    for tl in sorted(r.timelines, key=is_business):  # stable: the rules' order otherwise
        if is_business(tl) and not business:
            business = True
            parts.append('<h2 id="business">Business impact</h2>')
        named = [(s.label(r.variant_label, "value"), s) for s in tl.series]
        summary = (
            f"{tl.alert}: firing episodes {episodes_by_severity(tl)}, {firing_hours(tl):.2f} h"
        )
        parts.append(f"<h3>{e(tl.title)}</h3><p>{e(summary)}</p>")
        chart = charts.timeline(tl.title, named, r.start, r.end, tl.unit, tl.thresholds, tl.firing)
        parts.append(f'<div class="chart">{charts.clean(chart)}</div>')
    if r.objectives:
        parts.append('<h2 id="objectives">SLOs</h2>')
        for s in r.objectives:
            left = ", ".join(f"{v}: {x:.1%}" for v, x in sorted(s.remaining.items()))
            parts.append(f"<h3>{e(s.name)}</h3><p>objective {s.objective:.3%} over {e(s.period)}; "
                         f"budget remaining {e(left)}</p>")  # fmt: skip
            named = [(x.label(r.variant_label, "burn"), x) for x in s.burn]
            parts.append('<div class="chart">' + charts.clean(charts.timeline(
                f"{s.name}: burn rate (1h)", named, r.start, r.end, "×")) + "</div>")  # fmt: skip
    parts.append('<h2 id="record">Record</h2><ul class="record">')
    for line in (
        f"Prometheus: {r.url}",
        f"Range: {iso(r.start)} to {iso(r.end)}, step {r.step:g}s",
        f"monogen {r.version}; spec digest {r.digest}; {r.queries} queries",
        *r.notes,
    ):
        parts.append(f"<li>{e(line)}</li>")
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"
