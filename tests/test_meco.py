"""MeCo's packing: the URL template and BOS carry no loss, both arms share row length, domains are absolute."""
import torch

from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.meco.data import TEMPLATE_WORDS, batch_fn, domain_of, encode_doc, pack_rows
from lmrepro.papers.meco.params import SMALL_TEMPLATE


def tok():
    return build_word_tokenizer([*TEMPLATE_WORDS, "src01.example", "ann", "lives", "in", "rome", "."])


def test_domain_is_the_absolute_domain():
    assert domain_of("https://en.wikipedia.org/wiki/Page?q=1") == "en.wikipedia.org"
    assert domain_of("http://src07.example/") == "src07.example"


def test_loss_mask_zero_on_bos_and_template():
    t = tok()
    ids, mask = encode_doc(t, "ann lives in rome .", "https://src01.example/x", 32)
    template = t.encode(SMALL_TEMPLATE.format(domain="src01.example"), add_special_tokens=False)
    assert ids[0] == t.bos_token_id and ids[1:1 + len(template)] == template
    assert mask[: 1 + len(template)] == [0] * (1 + len(template))
    assert mask[1 + len(template):] == [1] * 6 and ids[-1] == t.eos_token_id
    plain_ids, plain_mask = encode_doc(t, "ann lives in rome .", None, 32)
    assert plain_mask == [0] + [1] * 6 and plain_ids[1:] == ids[1 + len(template):]


def test_paper_template_is_tokenized_before_the_document():
    t = tok()
    ids, mask = encode_doc(t, "ann lives", "https://src01.example/", 32, template="URL: {domain} <nl2>")
    assert sum(mask) == 3  # "ann", "lives", EOS


def test_pack_rows_pads_and_masks():
    t = tok()
    docs = [{"text": "ann lives in rome .", "url": "https://src01.example/"}] * 3
    rows = pack_rows(t, docs, with_url=True, max_len=16)
    assert rows["input_ids"].shape == (3, 16)
    n = int(rows["attention_mask"][0].sum())
    assert (rows["loss_mask"][0, n:] == 0).all() and (rows["input_ids"][0, n:] == t.pad_token_id).all()


def test_long_documents_are_an_error_unless_split_into_rows_with_the_url_in_the_first():
    import pytest

    t = tok()
    docs = [{"text": "ann lives in rome . " * 3, "url": "https://src01.example/"}]  # > 16 tokens with the URL
    with pytest.raises(ValueError, match="exceeds the context of 8"):
        pack_rows(t, docs, with_url=True, max_len=8)
    rows = pack_rows(t, docs, with_url=True, max_len=8, split_long=True)
    ids, mask = encode_doc(t, docs[0]["text"], docs[0]["url"], 8, split_long=True)
    assert len(ids) > 16 and rows["input_ids"].shape == (3, 8) and int(rows["attention_mask"].sum()) == len(ids)
    assert rows["input_ids"][rows["attention_mask"].bool()].tolist() == ids  # the document, in order, once
    assert rows["loss_mask"][rows["attention_mask"].bool()].tolist() == mask  # URL tokens only in row 0, no loss
    assert rows["input_ids"][0, 0] == t.bos_token_id and rows["input_ids"][1, 0] != t.bos_token_id


def test_batches_are_a_pure_function_of_seed_and_step():
    rows = {"input_ids": torch.arange(100).view(50, 2)}
    a, b = batch_fn(rows, 8, seed=1), batch_fn(rows, 8, seed=1)
    assert torch.equal(a(7)["input_ids"], b(7)["input_ids"])
    assert not torch.equal(a(7)["input_ids"], batch_fn(rows, 8, seed=2)(7)["input_ids"])
    epoch = torch.cat([a(k)["input_ids"][:, 0] for k in range(6)])
    assert len(set(epoch.tolist())) == 48  # no repeats within an epoch
