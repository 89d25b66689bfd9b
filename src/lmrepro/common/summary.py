"""results/<scale>/summary.md: per paper and claim, the paper's reported figure, ours, and the verdict.

Everything in it is read from claims.json files written by the runs; nothing is typed by hand.
"""
from __future__ import annotations

import math
from pathlib import Path

from lmrepro.common.claims import check_text, ours_text, per_seed_text, reported_text, verdict_text
from lmrepro.common.io import atomic_file, read_json


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def render(scale: str, claims_files: list[Path], out: Path) -> str:
    lines = [f"# lmrepro summary — scale `{scale}`", ""]
    if scale == "ci":
        lines += ["`ci` runs check plumbing on tiny data; their verdicts say nothing about the papers.", ""]
    lines += ["| paper | claim | statement | paper reported | ours (mean ± sd) | per seed | verdict |",
              "|---|---|---|---|---|---|---|"]
    sections = []
    held = judged = report_only = 0
    with_figure = total = 0
    for path in claims_files:
        doc = read_json(path)
        for c in doc["claims"]:
            if c["holds"] is None:  # report-only: shown, never counted as held or failed
                report_only += 1
            else:
                judged += 1
                held += c["holds"]
            total += 1
            with_figure += bool(c.get("reported"))
            verdict = f"**{verdict_text(c)}**" if c["holds"] is False else verdict_text(c)
            cells = [c["statement"], reported_text(c.get("reported")), ours_text(c, _fmt), check_text(c, _fmt)]
            statement, reported, ours, check = (x.replace("|", "\\|") for x in cells)  # a | would split the cell
            lines.append(f"| {doc['paper']} | {c['id']} | {statement} | {reported} | "
                         f"{ours} ({check}) | {per_seed_text(c, _fmt)} | {verdict} |")
        sections.append(_paper_section(doc, path.parent / "plot.png", out))
    lines += ["", f"{held} of {judged} claims hold at scale `{scale}`"
              + (f" ({report_only} report-only, not counted)." if report_only else ".")
              + f" {with_figure} of {total} claims have the paper's own figure beside ours"
              " (\"direction only\": ours is a toy version that can only agree in sign).", ""]
    for section in sections:
        lines += section
    text = "\n".join(lines)
    with atomic_file(out) as tmp:
        tmp.write_text(text)
    return text


def _paper_section(doc: dict, plot: Path, out: Path) -> list[str]:
    """Per paper: the paper's own headline figures (config `paper_results`) and our plot."""
    lines = [f"## {doc['paper']}", ""]
    results = doc.get("paper_results") or {}
    if results.get("headlines") or results.get("note"):
        lines += ["The paper's headline figures:", ""]
        lines += [f"- {reported_text(h)}" for h in results.get("headlines", [])]
        lines += ([f"- note: {results['note']}"] if results.get("note") else []) + [""]
    if plot.exists():
        lines += [f"![{doc['paper']}]({plot.relative_to(out.parent).as_posix()})", ""]
    return lines
