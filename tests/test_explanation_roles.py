"""explanation_roles: the token layout, the reader's pooling, the RAG marginal likelihood (against torch's
cross-entropy and a direct sum), accuracy (against scikit-learn), optimal retrieval (same task, never self),
the fixed retriever's cosine top-k (against scikit-learn), a hand-built oracle that reads the retrieved explanation
(100% on the pipeline's inputs, the official optimal synthetic model's role) and the config checks."""
import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score
from sklearn.metrics.pairwise import cosine_similarity

from lmrepro.common.config import from_dict
from lmrepro.papers.explanation_roles import method as M
from lmrepro.papers.explanation_roles.params import ARMS, TextCatConfig, VariantsConfig
from lmrepro.papers.explanation_roles.pretrain_reader import fresh_batch
from lmrepro.worlds.explanations import ExplanationTaskConfig, build_world, label_of

WORLD = ExplanationTaskConfig(num_tasks=20, points_per_task=6, test_per_task=4)
VOCAB = M.Vocab(WORLD)


def decode(vocab, ids):
    """Inverse of Vocab.encode: (s, explanations)."""
    def value(t):
        return t - vocab.task_base if t >= vocab.task_base else t - vocab.int_base + vocab.lo
    ids = list(ids)
    sep = ids.index(M.SEP)
    s = [value(ids[1]), 1 if ids[2] == M.SEL1 else 2] + [value(t) for t in ids[3:sep]]
    rest, es = ids[sep + 1:], []
    while rest and rest[0] != M.PAD:
        es.append([value(t) for t in rest[:M.EXPLANATION_LEN]])
        rest = rest[M.EXPLANATION_LEN + 1:]
    return s, es


# -- token layout ---------------------------------------------------------------------------------------------------
def test_encode_layout_padding_and_round_trip():
    s, e = [3, 2] + [1] * 10, [3, 4, 5, 6, 7]
    ids = VOCAB.encode(s, [e], 2)
    assert ids[0] == M.CLS and ids[1] == VOCAB.task_token(3) and ids[2] == M.SEL2 and ids[13] == M.SEP
    assert len(ids) == 1 + 12 + 1 + 2 * 6 and ids[-6:] == [M.PAD] * 6
    assert decode(VOCAB, ids) == (s, [e])
    assert len(VOCAB.encode(s, [], 0)) == 14


def test_encode_rejects_bad_input():
    with pytest.raises(ValueError, match="context slots"):
        VOCAB.encode([0, 1] + [1] * 10, [[0, 1, 2, 3, 4]] * 2, 1)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        VOCAB.int_token(99)
    with pytest.raises(ValueError, match="task index"):
        VOCAB.task_token(WORLD.max_idx)
    with pytest.raises(ValueError, match="explanation has"):
        VOCAB.encode([0, 1] + [1] * 10, [[0, 1]], 1)


# -- losses and metrics ---------------------------------------------------------------------------------------------
def test_rag_marginal_nll_with_one_set_is_cross_entropy():
    g = torch.Generator().manual_seed(0)
    logits, labels = torch.randn(8, 1, 2, generator=g), torch.randint(0, 2, (8,), generator=g)
    expected = torch.nn.functional.cross_entropy(logits[:, 0], labels)
    assert torch.allclose(M.rag_marginal_nll(logits, torch.zeros(8, 1), labels), expected, atol=1e-6)


def test_rag_marginal_nll_matches_a_direct_sum():
    g = torch.Generator().manual_seed(1)
    logits, prior = torch.randn(5, 3, 2, generator=g), torch.randn(5, 3, generator=g)
    labels = torch.randint(0, 2, (5,), generator=g)
    p_set, p_y = prior.softmax(-1), logits.softmax(-1)
    direct = -torch.stack([torch.log(sum(p_set[b, k] * p_y[b, k, labels[b]] for k in range(3)))
                           for b in range(5)]).mean()
    assert torch.allclose(M.rag_marginal_nll(logits, prior, labels), direct, atol=1e-6)
    # a prior that puts all mass on one set reduces to that set's cross-entropy
    peaked = torch.tensor([[0.0, -1e9, -1e9]]).expand(5, 3)
    assert torch.allclose(M.rag_marginal_nll(logits, peaked, labels),
                          torch.nn.functional.cross_entropy(logits[:, 0], labels), atol=1e-5)
    with pytest.raises(ValueError, match="shapes"):
        M.rag_marginal_nll(logits, prior[:, :2], labels)


def test_marginal_predict_weights_sets_by_their_prior():
    logits = torch.tensor([[[5.0, 0.0], [0.0, 5.0]]])
    assert M.marginal_predict(logits, torch.tensor([[2.0, 0.0]])).item() == 0
    assert M.marginal_predict(logits, torch.tensor([[0.0, 2.0]])).item() == 1


def test_accuracy_matches_sklearn():
    rng = np.random.default_rng(0)
    pred, gold = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    assert M.accuracy(torch.tensor(pred), torch.tensor(gold)) == pytest.approx(accuracy_score(gold, pred))
    with pytest.raises(ValueError, match="equal non-empty"):
        M.accuracy(np.zeros(3), np.zeros(4))


def test_mean_pool_ignores_padding_and_reader_is_pad_invariant(tmp_path):
    hidden = torch.arange(12.0).view(1, 3, 4)
    assert torch.equal(M.mean_pool(hidden, torch.tensor([[1, 1, 0]])), hidden[0, :2].mean(0, keepdim=True))
    torch.manual_seed(0)
    model = M.build_reader({"family": "bert", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                            "intermediate_size": 32, "max_position_embeddings": 64}, VOCAB).eval()
    ids = torch.tensor([VOCAB.encode([1, 1] + [2] * 10, [[1, 2, 3, 4, 5]], 1)])
    padded = torch.tensor([VOCAB.encode([1, 1] + [2] * 10, [[1, 2, 3, 4, 5]], 3)])
    with torch.no_grad():
        assert torch.allclose(model(ids), model(padded), atol=1e-5)
    model.save_pretrained(tmp_path / "m", safe_serialization=True)
    loaded = M.ReaderClassifier.from_pretrained(tmp_path / "m", use_safetensors=True).eval()
    with torch.no_grad():
        assert torch.allclose(model(ids), loaded(ids))


# -- retrieval ------------------------------------------------------------------------------------------------------
def test_optimal_retrieval_same_task_never_self():
    pool_idx = np.array([0, 0, 0, 1, 1, 1, 1])
    rng = np.random.default_rng(0)
    rows = np.arange(len(pool_idx))
    for _ in range(20):
        got = M.optimal_retrieval(pool_idx, pool_idx, 2, rng, self_rows=rows)
        assert (pool_idx[got] == pool_idx[:, None]).all()
        assert not (got == rows[:, None]).any()
        assert all(len(set(r)) == 2 for r in got)
    with pytest.raises(ValueError, match="fewer than k"):
        M.optimal_retrieval(pool_idx, pool_idx, 3, rng, self_rows=rows)
    with pytest.raises(ValueError, match="no row"):
        M.optimal_retrieval(np.array([7]), pool_idx, 1, rng)


def test_top_k_cosine_matches_sklearn_and_excludes_self():
    g = torch.Generator().manual_seed(0)
    pool = torch.randn(10, 6, generator=g)
    sims = cosine_similarity(pool.numpy())
    rows, values = M.top_k_cosine(pool, pool, 3, exclude_self=True)
    np.fill_diagonal(sims, -np.inf)
    expected = np.argsort(-sims, axis=1)[:, :3]
    assert (rows.numpy() == expected).all()
    assert np.allclose(values.numpy(), np.take_along_axis(sims, expected, 1), atol=1e-6)
    rows, _ = M.top_k_cosine(pool, pool, 1, exclude_self=False)
    assert (rows[:, 0] == torch.arange(10)).all()


def test_retrieve_shapes_and_errors():
    pool_idx = np.array([0, 0, 1, 1])
    rng = np.random.default_rng(0)
    ctx, prior = M.retrieve("none", pool_idx, pool_idx, 1, rng)
    assert ctx is None and prior.shape == (4, 1)
    ctx, prior = M.retrieve("optimal", pool_idx, pool_idx, 1, rng, self_rows=np.arange(4))
    assert ctx.shape == (4, 1, 1) and (ctx[:, 0, 0] == [1, 0, 3, 2]).all()
    ctx, prior = M.retrieve("fixed", pool_idx, pool_idx, 1, rng, index_rows=[[1, 2]] * 4,
                            index_sims=[[0.5, 0.1]] * 4, temperature=0.1)
    assert ctx.shape == (4, 2, 1) and torch.allclose(prior[0], torch.tensor([5.0, 1.0]))
    with pytest.raises(ValueError, match="index"):
        M.retrieve("fixed", pool_idx, pool_idx, 1, rng)
    with pytest.raises(ValueError, match="retrieval must be"):
        M.retrieve("learned", pool_idx, pool_idx, 1, rng)


def oracle(vocab, ids):
    """The official optimal synthetic model's rule: read (m, n, r, d) from the first explanation and count."""
    s, es = decode(vocab, ids)
    return label_of(s, tuple(es[0][1:]))


def test_oracle_solves_the_pipelines_optimal_inputs_and_not_the_translated_ones():
    world = build_world(WORLD, 0)
    train, test = world["train"], world["test"]
    pool_idx = np.array([r["idx"] for r in train])
    rng = np.random.default_rng(0)
    ctx, _ = M.retrieve("optimal", np.array([r["idx"] for r in test]), pool_idx, 1, rng)
    ids = M.build_inputs(VOCAB, test, train, ctx, 1)
    assert ids.shape[:2] == (len(test), 1)
    assert [oracle(VOCAB, row[0].tolist()) for row in ids] == [r["label"] for r in test]
    ctx, _ = M.retrieve("optimal", pool_idx, pool_idx, 1, rng, self_rows=np.arange(len(train)))
    ids = M.build_inputs(VOCAB, train, train, ctx, 1)
    assert [oracle(VOCAB, row[0].tolist()) for row in ids] == [r["label"] for r in train]
    shifted = build_world(ExplanationTaskConfig(**{**WORLD.__dict__, "explanation_kind": "translate"}), 0)
    shifted_ctx = M.optimal_retrieval(np.array([r["idx"] for r in shifted["test"]]), pool_idx, 1, rng)
    ids = M.build_inputs(VOCAB, shifted["test"], shifted["train"], shifted_ctx[:, None, :], 1)
    read = np.mean([oracle(VOCAB, row[0].tolist()) == r["label"] for row, r in zip(ids, shifted["test"])])
    assert read < 0.9  # a reader that does not translate misreads shifted explanations


def test_fresh_batch_labels_follow_the_appended_explanation():
    batch = fresh_batch(np.random.default_rng(0), WORLD, VOCAB, 64, 1, 0)
    assert [oracle(VOCAB, row.tolist()) for row in batch["input_ids"]] == batch["labels"].tolist()
    noisy = fresh_batch(np.random.default_rng(0), WORLD, VOCAB, 8, 4, 1)
    assert noisy["input_ids"].shape == (8, 14 + 4 * 6)


# -- config ---------------------------------------------------------------------------------------------------------
def test_variants_and_textcat_checks():
    with pytest.raises(ValueError, match="unknown arm"):
        from_dict(VariantsConfig, {"run": ["nope"], "overrides": {"main": {}}})
    with pytest.raises(ValueError, match="lacks variant"):
        from_dict(VariantsConfig, {"run": ["evidential"], "overrides": {"main": {}}})
    with pytest.raises(ValueError, match="arm must be"):
        from_dict(TextCatConfig, {"arm": "nope"})
    assert from_dict(VariantsConfig, {"run": ["baseline", "optimal"], "overrides": {"main": {}}}).variants() == \
        ["main"]
    assert {a.retrieval for a in ARMS.values()} == {"none", "optimal", "fixed"}
