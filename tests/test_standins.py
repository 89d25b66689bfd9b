"""Hub-shaped stand-ins (lmrepro.common.standins) and the stand-in check: a paper's `paper` DAG run end to end
offline on CPU, with tiny models and datasets in the Hugging Face cache under the ids its config names."""
import json
import os
import subprocess
import sys

import pytest

from lmrepro.common import standins as S
from tests.conftest import make_workdir, run_snakemake

# papers whose paper DAG runs on stand-ins (issue 17: every paper in main by then; the newer ones follow)
STANDIN_PAPERS = ["sentence_lm", "cross_dative", "karel_meaning", "rmt", "sami", "climb", "meco", "wechsel",
                  "word_class", "spt", "coh",
                  "implicit_reward", "phf"]
# a file of the run that shows the paper's real evaluation data was used (not the world's)
EVIDENCE = {"climb": ("data/paper/climb/seed0/prep/pairs.jsonl", '"paradigm": '),  # BLiMP's UID
            "cross_dative": ("results/paper/cross_dative/coefs.json", "(1 | seed) + (1 | item)")}  # the mixed model


def test_model_standin_is_hub_shaped(tmp_path):
    from lmrepro.common.models import load_model, load_tokenizer

    S.build_model("openai-community/gpt2", "gpt2", tmp_path)
    tok, model = load_tokenizer(tmp_path), load_model(tmp_path)
    assert tok.pad_token is None and tok.bos_token == tok.eos_token == "<|endoftext|>"  # as GPT-2 ships
    assert model.config.vocab_size == len(tok) and model.config.eos_token_id == tok.eos_token_id
    assert tok.decode(tok.encode("Nat has 12 apples? <<3*4=12>>")) == "Nat has 12 apples? <<3*4=12>>"


def test_dataset_standin_reads_back_through_the_papers_loader(tmp_path):
    from lmrepro.worlds.reasoning import load_gsm8k

    files = {"data/train-00000-of-00001.parquet": 30, "data/valid-00000-of-00001.parquet": 5}
    S.build_files("whynlp/gsm8k-aug", {"rows": "gsm8k_aug", "files": files}, tmp_path)
    train = load_gsm8k(tmp_path, "train")
    assert len(train) == 30 and len(load_gsm8k(tmp_path, "valid")) == 5
    assert all(r["steps"] and r["answer"].lstrip("-").isdigit() for r in train)
    with pytest.raises(ValueError, match="unknown stand-in rows"):
        S.build_files("x/y", {"rows": "nope", "files": files}, tmp_path)


def test_model_standin_takes_the_special_tokens_its_repo_ships(tmp_path):
    from lmrepro.common.models import load_model, load_tokenizer

    specials = {"pad_token": "<pad>", "bos_token": "<s>", "eos_token": "<s>", "unk_token": "<unk>"}  # smolm
    S.build_model("kanishka/smolm-autoreg-bpe-seed_111", "opt", tmp_path, special_tokens=specials)
    tok, model = load_tokenizer(tmp_path), load_model(tmp_path)
    assert (tok.pad_token_id, tok.bos_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 1, 2)
    assert model.config.bos_token_id == model.config.eos_token_id == 1 and model.config.pad_token_id == 0


def test_git_standin_is_cloned_by_the_rules_command(tmp_path):
    with pytest.raises(ValueError, match="must end in"):
        S.build_files("o/r", {"files": {"README.md": 3}}, tmp_path / "bad")
    S.build_files("o/r", {"files": {"data/experiments/validation.json": {"rows": "verbhood", "n": 2}}}, tmp_path / "src")
    S.to_git(tmp_path / "git", "o/r", tmp_path / "src")
    out = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", "--sparse", f"file://{tmp_path / 'git'}/o/r", str(out)],
                   check=True, capture_output=True)
    subprocess.run(["git", "-C", str(out), "sparse-checkout", "set", "data/experiments"], check=True)
    assert set(json.loads((out / "data/experiments/validation.json").read_text())) == {"good", "bad"}


def test_cached_standin_is_what_the_offline_hub_fetch_returns(tmp_path):
    S.build_model("acme/tiny-gpt2", "gpt2", tmp_path / "model")
    S.to_cache(tmp_path / "cache", "model", "acme/tiny-gpt2", tmp_path / "model")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "lmrepro.common.hub", "--repo-id", "acme/tiny-gpt2",
                           "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in (tmp_path / "out").iterdir()}


def test_standin_overlay_applies_only_at_paper_scale_in_standin_mode(monkeypatch):
    from lmrepro.common.config import load_paper_config, paper_config_path

    path = paper_config_path("sentence_lm")
    monkeypatch.delenv("LMREPRO_STANDIN", raising=False)
    assert load_paper_config(path, "paper")["params"]["train_cot"]["steps"] > 1000
    monkeypatch.setenv("LMREPRO_STANDIN", "1")
    assert load_paper_config(path, "paper")["params"]["train_cot"]["steps"] == 3
    assert load_paper_config(path, "ci")["params"]["train_cot"]["steps"] == 6  # other scales untouched
    assert "standin" not in load_paper_config(path, "paper")


@pytest.mark.standin
@pytest.mark.parametrize("slug", STANDIN_PAPERS)
def test_paper_dag_runs_end_to_end_on_standins(tmp_path, slug):
    workdir = make_workdir(tmp_path / "work")
    cache, git = tmp_path / "hf-cache", tmp_path / "git"
    built = S.build_for_paper(slug, cache, git)  # none for a paper that trains from scratch (karel_meaning)
    tasks = S.build_lm_eval_tasks(list(S.LM_EVAL_TASKS), tmp_path / "lm-eval-tasks")
    env = {**os.environ, "LMREPRO_STANDIN": "1", "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(cache),
           "HF_DATASETS_OFFLINE": "1", "LMREPRO_GIT_BASE": f"file://{git}", "LMREPRO_LM_EVAL_TASKS": str(tasks),
           "HF_DATASETS_CACHE": str(tmp_path / "datasets-cache"), "LMREPRO_STANDIN_JUDGE_KEY": "standin-key"}
    with S.judge_server() as (judge_url, judged):  # an OpenAI-compatible judge endpoint, for the papers that judge
        run_snakemake(workdir, "-c2", "--config", "scale=paper", "--", slug,
                      env={**env, "LMREPRO_JUDGE_URL": judge_url}, timeout=1200)
    claims = json.loads((workdir / "results" / "paper" / slug / "claims.json").read_text())
    assert claims["scale"] == "paper" and claims["claims"]
    snapshots = sorted(p.read_text().split()[1] for p in (workdir / "data" / "hub").rglob("SNAPSHOT"))
    hub_ids = sorted(r for r in built if not (git / r).is_dir())
    assert snapshots == hub_ids  # every named hub id was fetched (from the cache) and used
    if slug in EVIDENCE:
        path, text = EVIDENCE[slug]
        assert text in (workdir / path).read_text()


def test_spacy_pipeline_loads_from_its_hub_wheel_without_installing(tmp_path):
    from lmrepro.common.spacy_pipeline import load_from_snapshot, pipeline_dir_in_wheel

    S.build_spacy_pipeline("spacy/en_core_web_sm", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["en_core_web_sm-any-py3-none-any.whl"]  # as the hub ships it
    nlp = load_from_snapshot(tmp_path)
    assert all(t.pos_ in S.UPOS for t in nlp("the friend gives apples to them"))
    assert pipeline_dir_in_wheel(["p/meta.json", "p/p-3.8.0/config.cfg", "p/p-3.8.0/tagger/model"]) == "p/p-3.8.0/"
    with pytest.raises(ValueError, match="expected one"):
        pipeline_dir_in_wheel(["p/meta.json"])
    with pytest.raises(FileNotFoundError, match=r"allow: \['\*.whl'\]"):
        load_from_snapshot(tmp_path / "empty")
