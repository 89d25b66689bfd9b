"""The report stage every paper ends with: claims.json, claims.html, aggregated metrics, curves.csv and plot.png.

    lmrepro stage lmrepro.common.report --paper meco --scale small \
        --in seed0.evaluate=results/small/meco/runs/seed0/eval/metrics.json ... \
        --out claims=... --out table=... --out curves=... --out plot=... --out metrics=results/small/meco/metrics.json

Inputs are named `seed<N>.<stage>`; a claim's metric `<stage>.<name>` reads `metrics[name]` of that stage's
metrics.json for each seed. The plot draws the curves and bars listed under `report.panels` in the paper config:
each seed as a thin line, the seed mean as a thick one; under the panels, one line per claim with its verdict
(holds, does not hold, or report only). claims.html is the claims table that `snakemake --report` shows beside
the plot.
"""
from __future__ import annotations

import csv
import html
import math
import re
import statistics
import textwrap

from lmrepro.common.claims import (check_text, claim_line, evaluate_claims, ours_text, per_seed_text, reported_text,
                                   verdict_text)
from lmrepro.common.io import atomic_file, read_json, write_json
from lmrepro.common.stage import Stage


def collect(inputs: dict) -> tuple[dict[int, dict], list[tuple[int, str, int, float]]]:
    per_seed: dict[int, dict] = {}
    rows = []
    for name, path in inputs.items():
        match = re.fullmatch(r"seed(\d+)\.(\w+)", name)
        if not match:
            raise SystemExit(f"report: input {name!r} must be named seed<N>.<stage>")
        seed, stage = int(match.group(1)), match.group(2)
        record = read_json(path)
        per_seed.setdefault(seed, {})[stage] = record["metrics"]
        for curve, points in record["curves"].items():
            rows += [(seed, f"{stage}/{curve}", int(step), float(value)) for step, value in points]
    return per_seed, rows


def plot(panels: list[dict], per_seed: dict[int, dict], rows, path, title: str, claims: dict) -> None:
    """The configured panels, with one line per claim (its verdict, ours, the check) under them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = panels or [{"title": "no panels configured"}]
    width = 5 * len(panels)
    lines = [textwrap.shorten(claim_line(c, _fmt), width=16 * width) for c in claims["claims"]]
    text_height = 0.3 + 0.16 * len(lines)
    fig = plt.figure(figsize=(width, 3.8 + text_height))
    grid = fig.add_gridspec(2, len(panels), height_ratios=[3.8, text_height])
    axes = [fig.add_subplot(grid[0, i]) for i in range(len(panels))]
    for ax, panel in zip(axes, panels):
        for i, (label, curve) in enumerate(panel.get("curves", {}).items()):
            color = f"C{i}"
            by_seed: dict[int, dict[int, float]] = {}
            for seed, name, step, value in rows:
                if name == curve:
                    by_seed.setdefault(seed, {})[step] = value
            for points in by_seed.values():
                ax.plot(list(points), list(points.values()), color=color, alpha=0.3, lw=0.8)
            steps = sorted(set.intersection(*(set(p) for p in by_seed.values()))) if by_seed else []
            ax.plot(steps, [statistics.fmean(by_seed[s][t] for s in by_seed) for t in steps], color=color,
                    lw=2, label=label)
            ax.set_xlabel("step")
        bars = panel.get("bars", {})
        if bars:
            labels = list(bars)
            values = [[_get(per_seed[s], bars[l]) for s in sorted(per_seed)] for l in labels]
            ax.bar(labels, [statistics.fmean(v) for v in values], color=[f"C{i}" for i in range(len(labels))],
                   alpha=0.6)
            for i, v in enumerate(values):
                shown = [x for x in v if not math.isnan(x)]  # a metric this scale's design lacks is NaN
                if shown:
                    ax.scatter([i] * len(shown), shown, color="k", s=12, zorder=3)
            ax.tick_params(axis="x", rotation=20)
        if panel.get("logy"):
            ax.set_yscale("log")
        ax.set_title(panel["title"], fontsize=10)
        ax.set_ylabel(panel.get("ylabel", ""))
        if panel.get("curves"):
            ax.legend(fontsize=8)
    text_ax = fig.add_subplot(grid[1, :])
    text_ax.axis("off")
    text_ax.text(0, 1, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=7.5,
                 transform=text_ax.transAxes)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    with atomic_file(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def claims_table(claims: dict) -> str:
    """The claims as a standalone HTML table: statement, the paper's figure, ours per seed, the verdict."""
    def cell(x) -> str:
        return html.escape(_fmt(x))

    head = ("<tr><th>claim</th><th>statement</th><th>paper reported</th><th>ours (mean &plusmn; sd)</th>"
            "<th>check</th><th>per seed</th><th>verdict</th></tr>")
    rows = []
    for c in claims["claims"]:
        reported = reported_text(c.get("reported"))
        verdict = cell(verdict_text(c))
        if c["holds"] is False:
            verdict = f"<b>{verdict}</b>"
        rows.append(f"<tr><td>{cell(c['id'])}</td><td>{cell(c['statement'])}</td><td>{cell(reported)}</td>"
                    f"<td>{cell(ours_text(c, _fmt))}</td><td>{cell(check_text(c, _fmt))}</td>"
                    f"<td>{cell(per_seed_text(c, _fmt))}</td><td>{verdict}</td></tr>")
    title = f"{claims['paper']}: claims at scale {claims['scale']}"
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<style>table{border-collapse:collapse;font-family:sans-serif;font-size:13px}"
            "td,th{border:1px solid #bbb;padding:3px 6px;text-align:left}</style></head><body>"
            f"<h3>{html.escape(title)}</h3><table>{head}{''.join(rows)}</table>{_headlines_html(claims)}"
            "</body></html>\n")


def _headlines_html(claims: dict) -> str:
    """The paper's own headline figures (config `paper_results`), under the claims table."""
    results = claims.get("paper_results") or {}
    items = [f"<li>{html.escape(reported_text(h))}</li>" for h in results.get("headlines", [])]
    note = f"<p>{html.escape(results['note'])}</p>" if results.get("note") else ""
    return f"<h4>The paper's headline figures</h4><ul>{''.join(items)}</ul>{note}" if items or note else ""


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _get(seed_metrics: dict, dotted: str) -> float:
    stage, name = dotted.split(".", 1)
    return float(seed_metrics[stage][name])


def main() -> None:
    with Stage.from_argv(None, "report") as st:
        per_seed, rows = collect(st.inputs)
        claims = evaluate_claims(st.paper, st.scale, st.cfg["claims"], per_seed, st.cfg.get("paper_results"))
        write_json(st.out("claims"), claims)
        with atomic_file(st.out("table")) as tmp:
            tmp.write_text(claims_table(claims))
        with atomic_file(st.out("curves")) as tmp, tmp.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["seed", "curve", "step", "value"])
            writer.writerows(sorted(rows))
        panels = [p for p in st.cfg.get("report", {}).get("panels", []) if st.scale in p.get("scales", [st.scale])]
        plot(panels, per_seed, rows, st.out("plot"),
             f"{st.paper} ({st.scale}, seeds {', '.join(map(str, sorted(per_seed)))})", claims)
        for c in claims["claims"]:
            st.log_metrics({f"claim.{c['id']}.observed": c["observed"]})
            if c["holds"] is not None:  # a report-only claim has no verdict to log
                st.log_metrics({f"claim.{c['id']}.holds": float(c["holds"])})
        for stage in sorted({s for m in per_seed.values() for s in m}):
            for name in sorted({k for m in per_seed.values() for k in m.get(stage, {})}):
                vals = [m[stage][name] for m in per_seed.values()
                        if isinstance(m.get(stage, {}).get(name), (int, float))]
                if vals:
                    st.log_metrics({f"{stage}.{name}.mean": statistics.fmean(vals)})
        for c in claims["claims"]:
            print(f"[{st.paper}] {claim_line(c, _fmt)}; per seed {per_seed_text(c, _fmt)}")


if __name__ == "__main__":
    main()
