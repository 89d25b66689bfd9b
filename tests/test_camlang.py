"""camlang: the option scoring every solver uses (against a direct log-softmax), the QA batches' answer-only mask,
the grammar route (S-GRAM reproduces the English item exactly), the error attribution and the round trip."""
import random
from types import SimpleNamespace

import pytest
import torch

from lmrepro.papers.camlang import qa
from lmrepro.papers.camlang.evaluate import attribute_errors, grammar_route, roundtrip
from lmrepro.worlds import camlang as W

CFG = W.CamlangConfig()


@pytest.fixture(scope="module")
def world():
    return W.build(CFG, 0)


@pytest.fixture(scope="module")
def tiny():
    from lmrepro.common.models import build_model
    from lmrepro.common.tokenizers import build_word_tokenizer

    tok = build_word_tokenizer(["question", ":", "answer", "what", "?", "dog", "cat", "sees", "the", "fox"])
    torch.manual_seed(0)
    model = build_model({"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                         "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 32},
                        tokenizer=tok)
    return tok, model


def test_option_scores_match_a_direct_log_softmax(tiny):
    tok, model = tiny
    prompts = [qa.prompt_text("what sees the dog ?"), qa.prompt_text("the cat sees what ?")]
    options = [["cat", "fox", "dog"], ["dog", "fox"]]
    scores = qa.option_scores(model, tok, prompts, options, batch_size=2)  # batches cut across items
    for prompt, opts, got in zip(prompts, options, scores):
        for option, value in zip(opts, got):
            ids = [tok.bos_token_id] + tok.encode(prompt + " " + option, add_special_tokens=False)
            with torch.no_grad():
                logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -2], -1)[ids[-1]].item()
            assert value == pytest.approx(logp, abs=1e-5)


def test_qa_batches_supervise_the_answer_only(tiny, tmp_path):
    from lmrepro.common.io import write_jsonl

    tok, _ = tiny
    write_jsonl(tmp_path / "train.jsonl", [{"prompt": qa.prompt_text("what sees the dog ?"), "answer": "cat"}] * 4)
    st = SimpleNamespace(seed=0, params=lambda section, cls: cls(batch_size=2), inp=lambda name: tmp_path)
    batch = qa.qa_batches(st, tok)(0)
    for ids, mask in zip(batch["input_ids"], batch["loss_mask"]):
        assert tok.convert_ids_to_tokens(ids[mask.bool()].tolist()) == ["cat"]


def test_grammar_route_reproduces_the_english_item(world):
    rng = random.Random(0)
    for item in W.make_items(CFG, 60, 3):
        text = W.render_item(world, item, rng)
        assert grammar_route(world, text["cam"]) == (qa.prompt_text(text["en"]["question"]), text["en"]["options"])
    assert grammar_route(world, {"question": "nonsense qa", "options": []}) is None


def test_attribute_errors_shares():
    rows = [{"rule": r, "correct_lex": c} for r, c in [("case", False), ("negation", False), ("evidentiality", False),
                                                       ("lexical", False), ("case", True), ("lexical", True)]]
    out = attribute_errors(rows, "lex")
    assert out["lex_fail_case_or_negation"] == 0.5 and out["lex_fail_share_lexical"] == 0.25
    assert sum(out[f"lex_fail_share_{t}"] for t in ("lexical", "case", "negation", "evidentiality")) == 1.0
    assert attribute_errors([{"rule": "case", "correct_lex": True}], "lex")["lex_fail_case_or_negation"] != \
        attribute_errors([{"rule": "case", "correct_lex": True}], "lex")["lex_fail_case_or_negation"]  # NaN


def test_roundtrip_is_exact_and_detects_a_broken_analyzer(world, monkeypatch):
    assert roundtrip(world, CFG, 200, 0) == 1.0
    monkeypatch.setattr(W, "analyze", lambda cam, s: {})
    assert roundtrip(world, CFG, 200, 0) == 0.5  # the wh-question half still parses
