import yaml

from lmrepro.common.registry import render_dvc_yaml
from tests.conftest import PAPERS, REPO


def test_dvc_yaml_in_sync():
    assert (REPO / "dvc.yaml").read_text() == render_dvc_yaml(REPO), "dvc.yaml is stale: run `lmrepro dvc-yaml`"


def test_dvc_yaml_has_a_stage_per_paper_and_scale():
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    assert set(stages) == {f"{p}-{s}" for p in PAPERS for s in ("ci", "small", "paper")}
    stage = stages["meco-small"]
    assert "-- meco" in stage["cmd"] and "scale=small" in stage["cmd"]
    assert "config/papers/meco.yaml" in stage["params"][0]
