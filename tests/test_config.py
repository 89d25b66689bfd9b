from dataclasses import dataclass

import pytest

from lmrepro.common.config import (ConfigError, apply_overrides, deep_merge, from_dict, load_paper_config,
                                   paper_config_path)
from lmrepro.common.train import TrainConfig
from tests.conftest import PAPERS


def test_deep_merge_overlay_wins_and_merges_nested():
    base = {"params": {"model": {"d": 64, "layers": 2}, "steps": 10}, "seeds": 3}
    out = deep_merge(base, {"params": {"model": {"d": 16}}, "seeds": 1})
    assert out == {"params": {"model": {"d": 16, "layers": 2}, "steps": 10}, "seeds": 1}
    assert base["params"]["model"]["d"] == 64  # inputs are not mutated


@dataclass
class Section:
    steps: int
    lr: float = 1e-3
    name: str = "x"


def test_from_dict_types_and_errors_name_the_key():
    assert from_dict(Section, {"steps": 3, "lr": 1}) == Section(3, 1.0)
    with pytest.raises(ConfigError, match=r"p\.stepz"):
        from_dict(Section, {"steps": 3, "stepz": 1}, "p")
    with pytest.raises(ConfigError, match=r"p\.steps: expected int"):
        from_dict(Section, {"steps": "many"}, "p")
    with pytest.raises(ConfigError, match="missing required key 'steps'"):
        from_dict(Section, {}, "p")


def test_train_config_rejects_negative_steps():
    with pytest.raises(ValueError, match="steps must be >= 0"):
        from_dict(TrainConfig, {"steps": -1, "lr": 0.1}, "meco.params.pretrain")


def test_overrides_parse_numbers():
    params = apply_overrides({"pretrain": {"lr": 0.1}}, ["pretrain.lr=1e-2", "pretrain.steps=5", "run.arm=meco"])
    assert params == {"pretrain": {"lr": 0.01, "steps": 5}, "run": {"arm": "meco"}}


@pytest.mark.parametrize("slug", PAPERS)
@pytest.mark.parametrize("scale", ["ci", "small", "paper"])
def test_every_paper_config_resolves(slug, scale):
    cfg = load_paper_config(paper_config_path(slug), scale)
    assert cfg["paper"] == slug and cfg["claims"] and cfg["seeds"] >= 1
    if scale == "small":
        assert cfg["seeds"] >= 3, "small scale must test the claim over >= 3 seeds"


def test_schema_rejects_bad_paper_config(tmp_path):
    bad = tmp_path / "meco.yaml"
    text = paper_config_path("meco").read_text().replace("    op: \">=\"\n    threshold: 0.5", "    op: \"=>\"")
    bad.write_text(text)
    with pytest.raises(ConfigError, match=r"claims\.0"):
        load_paper_config(bad, "small")
    with pytest.raises(ConfigError, match="unknown scale"):
        load_paper_config(paper_config_path("meco"), "huge")


def test_wrong_type_fails_the_workflow_before_any_job(workdir):
    from tests.conftest import run_snakemake

    config = workdir / "config" / "papers" / "meco.yaml"
    config.write_text(config.read_text().replace("    n_heldout_docs: 512", "    n_heldout_docs: lots"))
    proc = run_snakemake(workdir, "-c1", "--config", "scale=small", "--", "meco", check=False)
    assert proc.returncode != 0 and "meco.params.corpus.n_heldout_docs" in proc.stdout + proc.stderr
    assert not (workdir / "results").exists() and not (workdir / "data").exists()


def test_fast_yaml_loader_reads_every_config_as_pyyaml_does():
    import yaml

    from lmrepro import REPO_ROOT
    from lmrepro.common.config import load_yaml

    paths = sorted(REPO_ROOT.glob("config/**/*.yaml")) + sorted(REPO_ROOT.glob("workflow/schemas/*.yaml"))
    assert len(paths) > 10
    for path in paths:
        assert load_yaml(path) == (yaml.safe_load(path.read_text()) or {}), path
