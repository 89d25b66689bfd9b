"""What a `paper`-scale run costs, from each config's `scales.paper.budget` (issue 17, item 3): GPUs, GPU-hours,
disk and download size, with the source of each figure (the paper where it says so, else the spec's estimate).

    lmrepro budget                 every enabled paper, and the total
    lmrepro budget meco sami       these papers

`snakemake -n --config scale=paper` prints the total line for the enabled papers (rules/common.smk).
"""
from __future__ import annotations

FIELDS = ("gpus", "gpu_model", "gpu_hours", "disk_gb", "download_gb")


def paper_budget(resolved: dict) -> dict:
    """A resolved paper-scale config's budget: every field (None where not stated) and its source."""
    budget = resolved.get("budget") or {}
    return {key: budget.get(key) for key in (*FIELDS, "source")}


def total(budgets: dict[str, dict]) -> dict:
    """Sums of GPU-hours, disk and download over the papers that state them; the widest job's GPU count."""
    out: dict = {}
    for key in ("gpu_hours", "disk_gb", "download_gb"):
        stated = [b[key] for b in budgets.values() if b[key] is not None]
        out[key] = sum(stated) if stated else None
        out[f"{key}_missing"] = [slug for slug, b in budgets.items() if b[key] is None]
    gpus = [b["gpus"] for b in budgets.values() if b["gpus"] is not None]
    out["gpus"] = max(gpus) if gpus else None
    return out


def _fmt(value) -> str:
    return "not stated" if value is None else f"{value:g}" if isinstance(value, (int, float)) else str(value)


def total_line(budgets: dict[str, dict]) -> str:
    t = total(budgets)
    parts = [f"~{_fmt(t['gpu_hours'])} GPU-hours", f"up to {_fmt(t['gpus'])} GPUs in one job"]
    parts += [f"~{_fmt(t[key])} {what}" for key, what in (("download_gb", "GB to download"), ("disk_gb", "GB of disk"))
              if t[key] is not None]
    notes = [f"GPU-hours not stated for {', '.join(t['gpu_hours_missing'])}"] if t["gpu_hours_missing"] else []
    notes += [f"{what} not stated for {len(t[f'{key}_missing'])} of {len(budgets)}" for key, what in
              (("download_gb", "download size"), ("disk_gb", "disk")) if t[f"{key}_missing"]]
    return (f"paper scale, {len(budgets)} papers: {', '.join(parts)}" + (f" ({'; '.join(notes)})" if notes else "")
            + "; per paper: `lmrepro budget`")


def table(budgets: dict[str, dict]) -> str:
    rows = ["| paper | GPUs | GPU | GPU-hours | disk GB | download GB | source |", "|---|---|---|---|---|---|---|"]
    for slug, b in budgets.items():
        rows.append(f"| {slug} | " + " | ".join(_fmt(b[k]) for k in FIELDS) + f" | {b['source'] or '-'} |")
    return "\n".join(rows + ["", total_line(budgets)])


def main(slugs: list[str]) -> int:
    from lmrepro.common import config as cfglib
    from lmrepro.common import registry

    slugs = slugs or registry.enabled_papers()
    unknown = sorted(set(slugs) - set(registry.papers()))
    if unknown:
        raise SystemExit(f"lmrepro budget: no config/papers/<slug>.yaml for {', '.join(unknown)}")
    budgets = {s: paper_budget(cfglib.load_paper_config(cfglib.paper_config_path(s), "paper")) for s in slugs}
    print(table(budgets))
    return 0
