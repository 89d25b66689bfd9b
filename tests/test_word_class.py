"""word_class: the GDV from its formula (hand-built points, blobs, nulls, invariances, scipy cross-checks), the
windows, the balanced label sets and the MLP's layers and safetensors round trip."""
import math

import numpy as np
import pytest
import torch

from lmrepro.papers.word_class.gdv import balanced_subset
from lmrepro.papers.word_class.make_windows import balanced_test, build_vocab, windows
from lmrepro.papers.word_class.measures import gdv, zscore_half
from lmrepro.papers.word_class.model import NextWordMLP, layer_names, load_mlp, save_mlp
from lmrepro.papers.word_class.params import MLPConfig, ProbeConfig, WindowConfig
from lmrepro.papers.word_class.probe import probe_accuracy


def test_gdv_hand_built_1d():
    # A = {0, 2}, B = {4, 6}: mean 3, population std sqrt(5); after 0.5 z-scoring intra = 1/sqrt5, inter =
    # mean(4, 6, 2, 4) * 0.5 / sqrt5 = 2/sqrt5, so GDV = (1/sqrt5 - 2/sqrt5) / sqrt(1) = -1/sqrt5
    x = np.array([[0.0], [2.0], [4.0], [6.0]])
    assert gdv(x, np.array([0, 0, 1, 1])) == pytest.approx(-1 / math.sqrt(5))


def test_gdv_hand_built_2d_with_constant_dimension():
    # the constant second dimension is dropped (D = 1), so the value equals the 1-D case
    x = np.array([[0.0, 7.0], [2.0, 7.0], [4.0, 7.0], [6.0, 7.0]])
    assert gdv(x, np.array([0, 0, 1, 1])) == pytest.approx(-1 / math.sqrt(5))
    # two varying dimensions: by hand, z = 0.5*(x - mean)/std per dimension
    x = np.array([[0.0, 0.0], [0.0, 2.0], [2.0, 0.0], [2.0, 2.0]])
    z = 0.5 * (x - x.mean(0)) / x.std(0)  # entries +-0.5
    intra = np.mean([np.linalg.norm(z[0] - z[1]), np.linalg.norm(z[2] - z[3])])
    inter = np.mean([np.linalg.norm(z[i] - z[j]) for i in (0, 1) for j in (2, 3)])
    assert gdv(x, np.array([0, 0, 1, 1])) == pytest.approx((intra - inter) / math.sqrt(2))


def test_gdv_matches_scipy_distances():
    from scipy.spatial.distance import cdist, pdist
    from scipy.stats import zscore

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 7)) * rng.uniform(0.1, 5, size=7)
    y = np.repeat([0, 1, 2], 20)
    z = 0.5 * zscore(x, axis=0)
    assert np.allclose(zscore_half(x), z)
    groups = [z[y == c] for c in range(3)]
    intra = np.mean([pdist(g).mean() for g in groups])
    inter = np.mean([cdist(groups[i], groups[j]).mean() for i in range(3) for j in range(i + 1, 3)])
    assert gdv(x, y) == pytest.approx((intra - inter) / math.sqrt(7), rel=1e-9)


def test_gdv_blobs_negative_identical_zero_and_affine_invariant():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(4), 200)
    blobs = rng.normal(size=(800, 10)) + 8.0 * np.eye(4, 10)[y]
    assert gdv(blobs, y) < -0.15  # 4 informative of 10 dimensions (1/sqrt(D) dilutes)
    same = rng.normal(size=(800, 10))
    assert abs(gdv(same, y)) < 0.01
    scaled = blobs * rng.uniform(0.01, 100, size=10) + rng.normal(size=10) * 50
    assert gdv(scaled, y) == pytest.approx(gdv(blobs, y), rel=1e-9)
    assert gdv(blobs, rng.permutation(y)) == pytest.approx(0.0, abs=0.02)


def test_gdv_rejects_bad_labels():
    with pytest.raises(ValueError, match="2 classes"):
        gdv(np.ones((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="2 points per class"):
        gdv(np.arange(6.0).reshape(3, 2), np.array([0, 0, 1]))


def test_windows_and_vocab():
    ids = np.arange(12)
    inputs, target = windows(ids, 9)
    assert inputs.shape == (3, 9) and target.tolist() == [9, 10, 11] and inputs[2].tolist() == list(range(2, 11))
    assert build_vocab("b a b c b a".split(), 0) == ["<unk>", "b", "a", "c"]
    assert build_vocab("b a b c b a".split(), 2) == ["<unk>", "b"]


def test_balanced_test_windows():
    rng = np.random.default_rng(0)
    tags = list(rng.choice(["NOUN", "VERB", "DET", "PUNCT"], size=2000))
    ids = np.arange(2000)
    cfg = WindowConfig(context=3, classes=["NOUN", "VERB", "DET"], n_test_per_class=50)
    test = balanced_test(ids, tags, cfg, seed=0)
    assert np.bincount(test["target_class"]).tolist() == [50, 50, 50]
    for inp, tgt, tc, lc in zip(test["inputs"], test["target"], test["target_class"], test["last_class"]):
        assert inp.tolist() == list(range(tgt - 3, tgt))  # the window is the 3 tokens before the target
        assert tags[tgt] == cfg.classes[tc]
        assert (tags[tgt - 1] == cfg.classes[lc]) if lc >= 0 else tags[tgt - 1] == "PUNCT"
    with pytest.raises(ValueError, match="n_heldout"):
        balanced_test(ids[:50], tags[:50], cfg, seed=0)


def test_balanced_subset_equal_counts():
    labels = np.array([0] * 10 + [1] * 4 + [2] * 7 + [-1] * 5 + [3])
    idx = balanced_subset(labels, np.random.default_rng(0))
    assert np.bincount(labels[idx]).tolist() == [4, 4, 4]


def test_mlp_layers_and_round_trip(tmp_path):
    torch.manual_seed(0)
    cfg = MLPConfig(emb_dim=4, hidden=[8, 6])
    model = NextWordMLP(cfg, vocab_size=11, context=9)
    ids = torch.randint(11, (5, 9))
    acts = model.forward_layers(ids)
    assert list(acts) == layer_names(cfg) == ["input", "hidden1", "hidden2", "logits"]
    assert [tuple(a.shape) for a in acts.values()] == [(5, 36), (5, 8), (5, 6), (5, 11)]
    assert (acts["hidden1"] >= 0).all()
    save_mlp(model, tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.safetensors"]
    assert torch.equal(load_mlp(tmp_path / "m")(ids), model.eval()(ids))


def test_probe_separable_and_not():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(5), 60)
    sep = rng.normal(size=(300, 8)) + 5 * np.eye(5, 8)[y]
    acc, majority = probe_accuracy(sep, y, ProbeConfig(), seed=0)
    assert acc > 0.95 and majority == pytest.approx(0.2)
    acc_noise, _ = probe_accuracy(rng.normal(size=(300, 8)), y, ProbeConfig(), seed=0)
    assert acc_noise < 0.4


def test_context_ceiling_deterministic_and_ambiguous():
    from lmrepro.papers.word_class.make_windows import context_ceiling

    # DET NOUN VERB repeated: the next class is determined by the context, so the oracle is perfect
    tags = ["DET", "NOUN", "VERB"] * 200
    toks = ["the", "dog", "runs"] * 200
    cfg = WindowConfig(context=3, classes=["DET", "NOUN", "VERB"], n_test_per_class=20)
    test = balanced_test(np.arange(len(toks)), tags, cfg, seed=0)
    assert context_ceiling(toks, tags, toks, tags, test, cfg.classes, order=2) == 1.0
    # after DET an ADJ or a NOUN follows at random: ADJ vs NOUN targets cannot both be right
    rng = np.random.default_rng(0)
    tags2, toks2 = [], []
    for _ in range(600):
        tags2 += ["DET", "ADJ" if rng.random() < 0.5 else "NOUN", "VERB"]
        toks2 += ["the", "x", "runs"]
    cfg2 = WindowConfig(context=3, classes=["ADJ", "NOUN"], n_test_per_class=50)
    test2 = balanced_test(np.arange(len(toks2)), tags2, cfg2, seed=0)
    assert context_ceiling(toks2, tags2, toks2, tags2, test2, cfg2.classes, order=2) == pytest.approx(0.5, abs=0.01)
