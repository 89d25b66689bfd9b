"""Typed hyperparameters: every paper's `params` builds into its `Params` (lmrepro.papers.<slug>.params) at every
scale, those modules stay light enough to build at parse time, and a wrong section, key or type fails naming it."""
from __future__ import annotations

import copy
import re
import subprocess
import sys

import pytest

from lmrepro.common.config import (ConfigError, build_params, load_paper_config, paper_config_path, params_class,
                                   validate_params)
from lmrepro.common.params import ModelSpec, TrainConfig
from lmrepro.common.stage import Stage
from lmrepro.papers.meco import params as meco_params
from lmrepro.papers.spt import params as spt_params
from tests.conftest import PAPERS, run_snakemake


def resolved(slug: str, scale: str = "small") -> dict:
    return load_paper_config(paper_config_path(slug), scale)


@pytest.mark.parametrize("slug", PAPERS)
@pytest.mark.parametrize("scale", ["ci", "small", "paper"])
def test_every_paper_params_build_into_its_params_class(slug, scale):
    cfg = resolved(slug, scale)
    params = validate_params(slug, cfg)
    assert isinstance(params, params_class(slug))
    for section in cfg["params"]:  # every configured section comes back typed, none dropped
        assert getattr(params, section) is not None


def test_params_modules_import_neither_torch_nor_transformers():
    code = "import sys\n" + "".join(f"import lmrepro.papers.{slug}.params\n" for slug in PAPERS) + \
        "print(' '.join(m for m in ('torch', 'transformers') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", f"a params.py imports {proc.stdout.strip()}"


def test_building_params_at_parse_time_stays_light():
    code = ("import sys\nfrom lmrepro.common import config as c\n"
            f"for slug in {PAPERS!r}:\n"
            "    for scale in c.SCALES:\n"
            "        c.build_params(slug, c.load_paper_config(c.paper_config_path(slug), scale))\n"
            "print(' '.join(m for m in ('torch', 'transformers') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", f"build_params imports {proc.stdout.strip()}"


def test_unknown_section_names_it():
    cfg = resolved("meco")
    cfg["params"]["pretrian"] = {"steps": 1}
    with pytest.raises(ConfigError, match=r"meco\.params\.pretrian"):
        validate_params("meco", cfg)


def test_unknown_key_names_it():
    cfg = resolved("meco")
    cfg["params"]["pretrain"]["stepz"] = 1
    with pytest.raises(ConfigError, match=r"meco\.params\.pretrain\.stepz"):
        validate_params("meco", cfg)


def test_wrong_type_names_the_key():
    cfg = resolved("spt")
    cfg["params"]["arms"]["tokrev_p"] = "half"
    with pytest.raises(ConfigError, match=r"spt\.params\.arms\.tokrev_p: expected float"):
        validate_params("spt", cfg)


def test_a_value_check_and_a_model_key_name_their_key():
    cfg = resolved("meco")
    bad_value = copy.deepcopy(cfg)
    bad_value["params"]["meco"]["cooldown_frac"] = 1.5
    with pytest.raises(ConfigError, match=r"meco\.params\.meco\.cooldown_frac must be in"):
        validate_params("meco", bad_value)
    bad_family = copy.deepcopy(cfg)
    bad_family["params"]["model"]["family"] = "gpt5"
    with pytest.raises(ConfigError, match=r"meco\.params\.model: unknown model\.family 'gpt5'"):
        build_params("meco", bad_family)
    cfg["params"]["model"]["n_layerz"] = 2
    build_params("meco", cfg)  # model keys need the transformers config class: not checked at parse time
    with pytest.raises(ConfigError, match=r"meco\.params\.model: unknown .* config key\(s\): n_layerz"):
        validate_params("meco", cfg)


def test_a_missing_section_takes_its_defaults_unless_it_has_none():
    cfg = resolved("meco")
    del cfg["params"]["evaluate"]
    assert validate_params("meco", cfg).evaluate == meco_params.EvalConfig()
    del cfg["params"]["model"]
    with pytest.raises(ConfigError, match=r"meco\.params: missing required key 'model'"):
        validate_params("meco", cfg)


def test_model_sections_are_model_specs_and_training_sections_train_configs():
    params = validate_params("climb", resolved("climb"))
    assert isinstance(params.default_model, ModelSpec) and params.default_model["family"]
    assert isinstance(params.default_pretrain, TrainConfig)


def stage(slug: str) -> Stage:
    return Stage(slug, "test", "small", 0, resolved(slug), {}, {}, None)


def test_stage_params_default_to_the_declared_type():
    st = stage("spt")
    assert isinstance(st.params("arms"), spt_params.ArmsConfig)
    assert isinstance(st.params("train"), TrainConfig)
    assert st.params("model") == resolved("spt")["params"]["model"]


def test_stage_cannot_read_a_section_params_does_not_declare():
    with pytest.raises(ConfigError, match=r"spt\.params: unknown section 'trian'"):
        stage("spt").params("trian", TrainConfig)


def test_a_dry_run_fails_on_an_unknown_key(workdir):
    config = workdir / "config" / "papers" / "spt.yaml"
    config.write_text(config.read_text().replace("params:\n", "params:\n  evaluate_typo: {batch: 1}\n", 1))
    proc = run_snakemake(workdir, "-n", "--config", "scale=ci", "--", "spt", check=False)
    assert proc.returncode != 0 and "spt.params.evaluate_typo" in proc.stdout + proc.stderr


def test_an_unknown_model_key_fails_the_workflow_before_any_job(workdir):
    config = workdir / "config" / "papers" / "spt.yaml"
    text = config.read_text()
    config.write_text(re.sub(r"^  model:.*\n", lambda m: m.group(0) + "    n_layerz: 2\n", text, count=1, flags=re.M))
    assert config.read_text() != text
    proc = run_snakemake(workdir, "-c1", "--config", "scale=ci", "--", "spt", check=False)
    assert proc.returncode != 0 and "spt.params.model: unknown gpt2 config key(s): n_layerz" in proc.stdout + proc.stderr
    assert not (workdir / "results").exists() and not (workdir / "data").exists()
