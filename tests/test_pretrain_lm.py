"""The shared tiny-causal-LM stage: its config checks, its batch-function lookup, and that it trains exactly what
the paper-local loop it replaced trained (batches first, then the init stream, then the one training loop)."""
import json

import pytest
import torch
from safetensors.torch import load_file

from lmrepro.common import pretrain_lm
from lmrepro.common.params import PretrainLMConfig

WORDS = "the dog saw a cat near the tree and ran to her".split()


def test_config_names_what_is_wrong():
    with pytest.raises(ValueError, match="batches"):
        PretrainLMConfig(batches="sami.pretrain_data").check("sami.params.pretrain_lm")
    with pytest.raises(ValueError, match="checkpoints"):
        PretrainLMConfig(batches="lmrepro.x:y", checkpoints=(0, 5, 5)).check("p")
    with pytest.raises(ValueError, match="evaluate must look like"):
        PretrainLMConfig(batches="lmrepro.x:y", evaluate="perplexity").check("p")
    with pytest.raises(ValueError, match="cannot be combined"):
        PretrainLMConfig(batches="lmrepro.x:y", evaluate="lmrepro.x:z", checkpoints=(0, 5)).check("p")
    with pytest.raises(ValueError, match="no function 'nope'"):
        pretrain_lm.paper_function("lmrepro.papers.cross_dative.pretrain_data:nope")


def corpus(tmp_path):
    from lmrepro.common.tokenizers import build_word_tokenizer

    data = tmp_path / "corpus"
    data.mkdir()
    g = torch.Generator().manual_seed(0)
    lines = [" ".join(WORDS[i] for i in torch.randint(len(WORDS), (int(n),), generator=g))
             for n in torch.randint(3, 9, (40,), generator=g)]
    (data / "train.txt").write_text("\n".join(lines) + "\n")
    build_word_tokenizer(WORDS).save_pretrained(data / "tokenizer")
    return data


def test_stage_equals_the_paper_local_loop(tmp_path, monkeypatch):
    """cross_dative at ci: the weights the shared stage saves equal those of the loop that used to live in the
    paper (same seed streams, same batches, same order of random draws)."""
    from lmrepro.common.models import build_model, load_tokenizer
    from lmrepro.common.seeding import derive_seed, seed_everything
    from lmrepro.common.stage import Stage
    from lmrepro.common.train import TrainConfig, causal_lm_loss, train
    from lmrepro.papers.cross_dative.pretrain_data import pretrain_batches

    monkeypatch.setenv("LMREPRO_TRACKING", "0")
    data = corpus(tmp_path)
    args = ["--paper", "cross_dative", "--scale", "ci", "--seed", "4", "--threads", "1", "--in", f"data={data}",
            "--out", f"model={tmp_path / 'lm'}", "--out", f"metrics={tmp_path / 'lm.json'}"]
    pretrain_lm.main(args)
    record = json.loads((tmp_path / "lm.json").read_text())
    assert record["stage"] == "pretrain_lm" and record["metrics"]["steps"] > 0

    st = Stage.from_argv(None, "pretrain_lm", args)
    with st:
        tokenizer = load_tokenizer(data / "tokenizer")
        get_batch = pretrain_batches(st, tokenizer)
        seed_everything(derive_seed(4, "init"))
        model = build_model(st.params("model", dict), tokenizer=tokenizer)
        train(model, causal_lm_loss, get_batch, st.params("pretrain", TrainConfig))
    saved = load_file(str(tmp_path / "lm" / "model.safetensors"))
    for name, tensor in model.state_dict().items():
        if name in saved:
            assert torch.equal(saved[name], tensor), name


def test_checkpoints_keep_a_snapshot_per_step(tmp_path, monkeypatch):
    monkeypatch.setenv("LMREPRO_TRACKING", "0")
    data = corpus(tmp_path)
    args = ["--paper", "cross_dative", "--scale", "ci", "--seed", "0", "--set", "pretrain.steps=4", "--set",
            "pretrain_lm.checkpoints=[0, 2, 4]", "--in", f"data={data}", "--out", f"ckpts={tmp_path / 'ckpts'}",
            "--out", f"metrics={tmp_path / 'm.json'}"]
    pretrain_lm.main(args)
    assert sorted(p.name for p in (tmp_path / "ckpts").iterdir()) == ["step_0", "step_2", "step_4"]
    with pytest.raises(SystemExit, match="must end at pretrain.steps"):
        pretrain_lm.main([*args[:-4], "--set", "pretrain.steps=5", *args[-4:]])
