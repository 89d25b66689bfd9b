"""The shared training loop: resume after a kill equals an uninterrupted run; the masked loss matches transformers."""
import pytest
import torch

from lmrepro.common.models import build_model
from lmrepro.common.train import TrainConfig, lr_lambda, masked_lm_loss, train

SPEC = {"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 16}


def get_batch(step):
    gen = torch.Generator().manual_seed(step)
    ids = torch.randint(3, 40, (4, 12), generator=gen)
    return {"input_ids": ids, "loss_mask": torch.ones_like(ids)}


def loss_fn(model, batch):
    return masked_lm_loss(model(input_ids=batch["input_ids"]).logits, batch["input_ids"], batch["loss_mask"]), {}


def fresh_model():
    torch.manual_seed(0)
    return build_model(SPEC, vocab_size=40)


CFG = dict(steps=10, lr=1e-2, warmup_frac=0.2, ckpt_every=3, log_every=2)


def test_resume_after_interruption_matches_uninterrupted(tmp_path):
    reference = fresh_model()
    train(reference, loss_fn, get_batch, TrainConfig(**CFG), out_dir=tmp_path / "ref")

    def dying_batch(step):
        if step == 7:
            raise KeyboardInterrupt("killed")
        return get_batch(step)

    model = fresh_model()
    with pytest.raises(KeyboardInterrupt):
        train(model, loss_fn, dying_batch, TrainConfig(**CFG), out_dir=tmp_path / "run")
    assert (tmp_path / "run.resume").is_dir() and not (tmp_path / "run").exists()
    resumed = fresh_model()
    train(resumed, loss_fn, get_batch, TrainConfig(**CFG), out_dir=tmp_path / "run")
    assert not (tmp_path / "run.resume").exists()
    for (name, a), b in zip(reference.state_dict().items(), resumed.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name


def test_resume_from_continues_schedule(tmp_path):
    full = fresh_model()
    train(full, loss_fn, get_batch, TrainConfig(**CFG), out_dir=tmp_path / "full")
    first = fresh_model()
    train(first, loss_fn, get_batch, TrainConfig(**{**CFG, "steps": 6, "schedule_steps": 10}), out_dir=tmp_path / "s1")
    second = fresh_model()
    train(second, loss_fn, get_batch, TrainConfig(**CFG), out_dir=tmp_path / "s2", resume_from=tmp_path / "s1")
    for a, b in zip(full.state_dict().values(), second.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6)


def test_masked_lm_loss_matches_transformers_loss():
    torch.manual_seed(0)
    model = build_model(SPEC, vocab_size=40)
    ids = torch.randint(3, 40, (3, 10))
    mask = torch.ones_like(ids)
    mask[:, :4] = 0
    labels = ids.masked_fill(mask == 0, -100)
    out = model(input_ids=ids, labels=labels)
    assert masked_lm_loss(out.logits, ids, mask).item() == pytest.approx(out.loss.item(), abs=1e-5)


def test_schedule_warmup_cosine_floor():
    f = lr_lambda(TrainConfig(steps=100, lr=1.0, warmup_frac=0.1, min_lr_ratio=0.1))
    assert f(0) == pytest.approx(0.1) and f(9) == pytest.approx(1.0)
    assert f(100) == pytest.approx(0.1) and 0.1 < f(50) < 1.0


def test_timing_reports_flops_and_share_of_peak(tmp_path, monkeypatch):
    from lmrepro.common.perf import flops_per_token

    monkeypatch.setenv("LMREPRO_MATMUL_PEAK_FLOPS", "1e12")
    model = fresh_model()
    timing = train(model, loss_fn, get_batch, TrainConfig(steps=3, lr=1e-3))["timing"]
    n = sum(p.numel() for p in model.parameters())
    assert flops_per_token(model, 12) == 6 * n + 12 * 1 * 16 * 12
    assert timing["flops_per_s"] == pytest.approx(timing["tokens_per_s"] * flops_per_token(model, 12))
    assert timing["flops_vs_peak"] == pytest.approx(timing["flops_per_s"] / 1e12)


def test_causal_lm_loss_without_mask_equals_transformers_loss():
    from lmrepro.common.train import causal_lm_loss

    model = fresh_model()
    ids = torch.randint(3, 40, (2, 9))
    loss, _ = causal_lm_loss(model, {"input_ids": ids})
    assert loss.item() == pytest.approx(model(input_ids=ids, labels=ids).loss.item(), abs=1e-5)
    masked, _ = causal_lm_loss(model, {"input_ids": ids, "loss_mask": torch.ones_like(ids)})
    assert masked.item() == pytest.approx(loss.item(), abs=1e-5)
