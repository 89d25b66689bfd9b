"""pcp: the verbalizer-restricted prompt loss, MLM masking (against transformers' collator), templates, the
PCP corpus builder (class indices -> verbalizer words), encodings and the k-shot sampler."""
import random

import pytest
import torch

from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.papers.pcp import method as M
from lmrepro.papers.pcp.prep import MASK_SPECIALS
from lmrepro.worlds import reviews as W


@pytest.fixture(scope="module")
def tokenizer():
    cfg = W.ReviewWorldConfig(n_places=8, n_adjectives=6, corpus_sentences=2000)
    world = W.make_world(cfg, 0)
    return build_bpe_tokenizer(W.corpus(world, cfg, random.Random(0)), 500, specials=MASK_SPECIALS)


def test_prompt_loss_is_ce_over_the_verbalizer_logits_at_the_mask():
    torch.manual_seed(0)
    logits = torch.randn(3, 5, 11, requires_grad=True)
    mask_pos, label_ids, labels = torch.tensor([1, 4, 0]), [7, 2, 9], torch.tensor([0, 2, 1])
    expected = 0.0
    for row in range(3):
        restricted = logits[row, mask_pos[row], label_ids]
        expected -= (restricted[labels[row]] - torch.logsumexp(restricted, 0)) / 3
    loss = M.prompt_loss(logits, mask_pos, label_ids, labels)
    assert torch.allclose(loss, expected, atol=1e-6)
    full_vocab = torch.nn.functional.cross_entropy(logits[torch.arange(3), mask_pos],
                                                   torch.tensor(label_ids)[labels])
    assert not torch.allclose(loss, full_vocab)  # the restriction matters
    loss.backward()
    grad = logits.grad.clone()
    grad[torch.arange(3).unsqueeze(1), mask_pos.unsqueeze(1), torch.tensor(label_ids)] = 0
    assert grad.abs().sum() == 0  # only the verbalizer logits at the mask get gradient


def test_mlm_mask_matches_transformers_collator(tokenizer):
    from transformers import DataCollatorForLanguageModeling

    from lmrepro.common.mlm import mlm_mask

    ids = torch.randint(5, len(tokenizer), (16, 24))
    ids[:, 0], ids[:, -1], ids[3, 10:] = tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id
    no_mask = torch.isin(ids, torch.tensor(tokenizer.all_special_ids))
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15, seed=123, return_tensors="pt")
    collator.generator = collator.get_generator(123, "pt")
    want_inputs, want_labels = collator.torch_mask_tokens(ids.clone(), no_mask.clone())
    inputs, labels = mlm_mask(ids, no_mask, 0.15, tokenizer.mask_token_id, len(tokenizer),
                              torch.Generator().manual_seed(123))
    assert torch.equal(inputs, want_inputs) and torch.equal(labels, want_labels)
    assert (labels != -100).any() and (labels[no_mask] == -100).all()
    assert (inputs == tokenizer.mask_token_id).any()


def test_template_fill_reads_back_and_keeps_class_order():
    sentiment, nli = M.TEMPLATES["sentiment"], M.TEMPLATES["nli"]
    assert sentiment.fill({"x": "the soup was vobo ."}, 1) == "the soup was vobo . it was great ."
    assert sentiment.fill({"x": "a"}, 0) == "a it was terrible ."
    assert nli.fill({"a": "p .", "b": "h ."}, 2) == "p . ? no , h ."
    assert nli.word_in({"a": "p .", "b": "h ."}, "p . ? maybe , h .") == "maybe"
    with pytest.raises(ValueError, match="label index 2"):
        sentiment.fill({"x": "a"}, 2)
    with pytest.raises(ValueError, match="not template"):
        nli.word_in({"a": "p .", "b": "h ."}, "h . ? maybe , p .")


def test_pcp_corpus_maps_class_indices_to_words():
    rows = [{"idx": 0, "text": "r0 .", "label": 1}, {"idx": 1, "text": "r1 .", "label": 0}]
    lines = M.pcp_corpus("sentiment", rows, [{"idx": 1, "pred": 1}, {"idx": 0, "pred": 0}])
    assert [line["text"] for line in lines] == ["r0 . it was terrible .", "r1 . it was great ."]
    with pytest.raises(ValueError, match="class index"):
        M.pcp_corpus("sentiment", rows, [{"idx": 0, "pred": "great"}, {"idx": 1, "pred": 1}])
    with pytest.raises(ValueError, match="one to one"):
        M.pcp_corpus("sentiment", rows, [{"idx": 0, "pred": 1}])


def test_verbalizers_are_single_tokens_and_multi_token_words_are_refused(tokenizer):
    ids = M.verbalizer_ids(tokenizer, M.TEMPLATES["sentiment"].words)
    assert tokenizer.convert_ids_to_tokens(ids) == ["Ġterrible", "Ġgreat"]
    with pytest.raises(ValueError, match="one token"):
        M.verbalizer_ids(tokenizer, ("great", "zzqxzzqx"))


def test_filled_prompt_is_the_tokenized_pcp_sentence(tokenizer):
    for task, fields in (("sentiment", {"x": "at the stew was great ."}),
                         ("nli", {"a": "the room was quiet .", "b": "the tea was cold ."})):
        template = M.TEMPLATES[task]
        ids, pos = M.encode_prompt(tokenizer, template, fields, 64)
        assert ids[pos] == tokenizer.mask_token_id and ids[0] == tokenizer.bos_token_id
        for label in range(len(template.words)):
            filled, filled_pos = M.encode_filled(tokenizer, template, fields, label, 64)
            text_ids = tokenizer.encode(template.fill(fields, label), add_special_tokens=False)
            assert filled[1:-1] == text_ids and filled_pos == pos  # what PCP's MLM sees = the prompt, filled
    long_ids, long_pos = M.encode_prompt(tokenizer, M.TEMPLATES["sentiment"], {"x": "the stew was great " * 20}, 16)
    assert len(long_ids) == 16 and long_ids[long_pos] == tokenizer.mask_token_id


def test_kshot_draws_k_per_class_by_seed():
    rows = [{"idx": i, "label": i % 3} for i in range(60)]
    a, b = M.kshot(rows, 4, 3, seed=1), M.kshot(rows, 4, 3, seed=1)
    assert a == b and a != M.kshot(rows, 4, 3, seed=2)
    assert sorted(r["label"] for r in a) == [0] * 4 + [1] * 4 + [2] * 4
    with pytest.raises(ValueError, match="fewer than k"):
        M.kshot(rows, 30, 3, seed=0)
