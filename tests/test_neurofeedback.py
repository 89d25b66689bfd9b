"""neurofeedback's pieces on hand cases: sentence encoding and pooling spans, the axes (PCA against an SVD, the LR
axis against the separating direction), median-split labels, the ideal observer, and the LM readout at the position
before each label token (spec pitfall: end_idx - 1)."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.neurofeedback import method as M
from lmrepro.worlds import attributes as W

CFG = W.AttributesConfig(n_words=3, n_persons=2, n_train=60, n_pool=40, n_probe=40)


@pytest.fixture(scope="module")
def tokenizer():
    return build_word_tokenizer(W.vocabulary(CFG))


def test_sentence_encoding_pools_the_sentence_tokens_only(tokenizer):
    ids, mask, span = M.encode_sentences(tokenizer, ["anna helps the child in paris", "ben hits the cat in rome"])
    assert ids[:, 0].tolist() == [tokenizer.bos_token_id] * 2
    assert mask.sum(1).tolist() == [7, 7] and span.sum(1).tolist() == [6, 6] and not span[:, 0].any()


def test_pca_axes_match_an_svd_and_the_lr_axis_finds_the_label_direction():
    rng = np.random.default_rng(0)
    scales = np.array([5.0, 3.0, 1.0, 0.5, 0.1])
    pool = rng.normal(size=(400, 5)) * scales
    labels = (pool[:, 2] > 0).astype(int)  # the label lives on the third-largest direction
    axes = M.fit_axes(pool, labels, pcs=(1, 2, 4), lr_c=100.0, seed=0)
    assert axes["names"] == ["LR", "PC1", "PC2", "PC4"]
    _, _, vt = np.linalg.svd(pool - pool.mean(0), full_matrices=False)
    for vec, k in zip(axes["vectors"][1:], (1, 2, 4)):
        assert abs(vec @ vt[k - 1]) > 0.999
    assert np.allclose(np.linalg.norm(axes["vectors"], axis=1), 1.0)
    assert abs(axes["vectors"][0][2]) > 0.95
    with pytest.raises(ValueError, match="PC9 asked for"):
        M.fit_axes(pool, labels, pcs=(1, 9), lr_c=1.0, seed=0)


def test_labels_are_a_median_split_of_each_projection():
    acts = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 5.0], [3.0, 2.0]])
    axes = {"mean": np.zeros(2), "vectors": np.array([[1.0, 0.0], [0.0, 1.0]])}
    assert M.axis_labels(acts, axes).tolist() == [[0, 0], [0, 0], [1, 1], [1, 1]]


def test_the_observer_learns_high_variance_labels_not_random_ones():
    rng = np.random.default_rng(1)
    acts = rng.normal(size=(300, 8)) * np.array([4.0, 1, 1, 1, 1, 1, 1, 1])
    easy = (acts[:, 0] > 0).astype(int)
    random_labels = rng.integers(0, 2, 300)
    easy_acc = M.observer_accuracy(acts, easy, (2, 24), 10, 1.0, np.random.default_rng(0))
    random_acc = M.observer_accuracy(acts, random_labels, (2, 24), 10, 1.0, np.random.default_rng(0))
    assert easy_acc[24] > 0.9 and easy_acc[24] > easy_acc[2]
    assert abs(random_acc[24] - 0.5) < 0.1


def test_label_tokens_must_be_single_and_distinct():
    with pytest.raises(ValueError, match="single distinct tokens"):
        M.label_token_ids(build_word_tokenizer(["anna", "="]))  # "0" and "1" both map to <unk>


def test_the_readout_is_at_the_position_before_each_label(tokenizer):
    texts, labels = ["anna helps the child in paris", "ben hits the cat in rome"], [1, 0]
    ids, label_at = M.encode_episode(tokenizer, texts, labels, prefix="any :")
    zero, one = M.label_token_ids(tokenizer)
    assert tokenizer.decode(ids[1:]) == "any : anna helps the child in paris = 1 ; ben hits the cat in rome = 0 ;"
    assert [ids[i] for i in label_at] == [one, zero]
    assert [ids[i - 1] for i in label_at] == [tokenizer.convert_tokens_to_ids(W.SEPARATOR)] * 2

    class Stub(torch.nn.Module):
        """Prefers "1" at every separator and "0" everywhere else: a readout at the label itself reads 0."""
        def forward(self, input_ids):
            logits = torch.zeros(*input_ids.shape, len(tokenizer))
            at_separator = input_ids == tokenizer.convert_tokens_to_ids(W.SEPARATOR)
            logits[..., one] = at_separator.float()
            logits[..., zero] = (~at_separator).float()
            return SimpleNamespace(logits=logits)

    assert M.reported_labels(Stub(), ids, label_at, (zero, one)).tolist() == [1, 1]
