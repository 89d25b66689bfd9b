"""results/<scale>/summary.md: per paper and claim, the paper's reported figure, ours, and the verdict.

Everything in it is read from claims.json files written by the runs; nothing is typed by hand.
"""
from __future__ import annotations

import math
from pathlib import Path

from lmrepro.common.claims import check_text, ours_text, per_seed_text, verdict_text
from lmrepro.common.io import atomic_file, read_json


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def _reported(rep) -> str:
    if not rep:
        return "not recorded"
    return f"{rep.get('value')} ({rep.get('source', 'source not given')})"


def render(scale: str, claims_files: list[Path], out: Path) -> str:
    lines = [f"# lmrepro summary — scale `{scale}`", ""]
    if scale == "ci":
        lines += ["`ci` runs check plumbing on tiny data; their verdicts say nothing about the papers.", ""]
    lines += ["| paper | claim | statement | paper reported | ours (mean ± sd) | per seed | verdict |",
              "|---|---|---|---|---|---|---|"]
    plots = []
    held = judged = report_only = 0
    for path in claims_files:
        doc = read_json(path)
        for c in doc["claims"]:
            if c["holds"] is None:  # report-only: shown, never counted as held or failed
                report_only += 1
            else:
                judged += 1
                held += c["holds"]
            verdict = f"**{verdict_text(c)}**" if c["holds"] is False else verdict_text(c)
            cells = [c["statement"], ours_text(c, _fmt), check_text(c, _fmt)]
            statement, ours, check = (x.replace("|", "\\|") for x in cells)  # a literal | would split the cell
            lines.append(f"| {doc['paper']} | {c['id']} | {statement} | {_reported(c.get('reported'))} | "
                         f"{ours} ({check}) | {per_seed_text(c, _fmt)} | {verdict} |")
        plot = path.parent / "plot.png"
        if plot.exists():
            plots.append((doc["paper"], plot))
    lines += ["", f"{held} of {judged} claims hold at scale `{scale}`"
              + (f" ({report_only} report-only, not counted)." if report_only else "."), ""]
    for paper, plot in plots:
        lines += [f"## {paper}", "", f"![{paper}]({plot.relative_to(out.parent).as_posix()})", ""]
    text = "\n".join(lines)
    with atomic_file(out) as tmp:
        tmp.write_text(text)
    return text
