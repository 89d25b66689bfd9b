"""`lmrepro budget`: each config's paper-scale cost (scales.paper.budget), per paper and summed, with its source."""
import subprocess
import sys

import pytest

from lmrepro.common import budget as B
from lmrepro.common.config import ConfigError, load_paper_config, paper_config_path, validate
from lmrepro.common.registry import enabled_papers


def _budget(**fields):
    return {key: fields.get(key) for key in (*B.FIELDS, "source")}


def test_total_sums_stated_figures_and_names_the_papers_without_them():
    budgets = {"a": _budget(gpus=8, gpu_hours=100, download_gb=20, source="x"),
               "b": _budget(gpus=32, gpu_hours=50.5, source="y"), "c": _budget(source="z")}
    total = B.total(budgets)
    assert total["gpu_hours"] == 150.5 and total["gpus"] == 32 and total["download_gb"] == 20
    assert total["gpu_hours_missing"] == ["c"] and total["download_gb_missing"] == ["b", "c"]
    line = B.total_line(budgets)
    assert line.startswith("paper scale, 3 papers: ~150.5 GPU-hours, up to 32 GPUs in one job, ~20 GB to download")
    assert "GPU-hours not stated for c" in line and "disk not stated for 3 of 3" in line
    assert B.total({"c": _budget(source="z")})["gpu_hours"] is None  # nothing stated is not zero


def test_every_enabled_paper_states_where_its_budget_comes_from():
    for slug in enabled_papers():
        budget = B.paper_budget(load_paper_config(paper_config_path(slug), "paper"))
        assert budget["source"], f"{slug}: scales.paper.budget.source missing"


def test_budget_without_source_is_rejected(tmp_path):
    doc = {"paper": "x", "title": "t", "scales": {"paper": {"budget": {"gpus": 8, "gpu_hours": 10}}}}
    with pytest.raises(ConfigError, match="source"):
        validate(doc, "paper.schema.yaml", tmp_path / "x.yaml")


def test_cli_prints_the_table_and_the_total():
    out = subprocess.run([sys.executable, "-m", "lmrepro.cli", "budget", "meco", "sami"], capture_output=True,
                         text=True, check=True).stdout
    assert "| meco | 32 | h100 | 3500 |" in out and "paper scale, 2 papers: ~4076 GPU-hours" in out
    bad = subprocess.run([sys.executable, "-m", "lmrepro.cli", "budget", "nope"], capture_output=True, text=True)
    assert bad.returncode != 0 and "nope" in bad.stderr
