"""preflexor: the thinking format on a tokenizer with the added tokens, Phase II's answer-only mask (spec
acceptance 4), the corrected-thinking prefix, and the round/EXO configs' checks. The ORPO and EXO-pair losses are
checked against trl in tests/test_preference.py."""
import pytest
import torch

from lmrepro.common.preference import completion_batch
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.preflexor.evaluate import corrected_prefix
from lmrepro.papers.preflexor.params import EXOConfig, RoundsConfig, SFTConfig
from lmrepro.papers.preflexor.thinking import (END_THINK, SPECIAL_TOKENS, THINK, answer_only_mask, completion_ids,
                                               completion_words, prompt_ids, tokens_after_last)
from lmrepro.worlds import kg as W


@pytest.fixture(scope="module")
def world():
    cfg = W.KGConfig(n_persons=12, n_towns=3, n_colors=3)
    kg = W.build_graph(cfg, 0)
    tok = build_word_tokenizer([*kg.vocabulary(), "use"])
    tok.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS)})
    return kg, tok


def test_prompt_and_completion_format(world):
    kg, tok = world
    row = {"subject": kg.entities["person"][0], "type": "friend_pet", "question": "which pet ..."}
    row["question"] = W.QUESTIONS["friend_pet"][1].format(x=row["subject"])
    think = prompt_ids(tok, row["question"], think=True)
    assert tok.convert_ids_to_tokens(think[-4:]) == ["use", THINK, ".", THINK] and think[0] == tok.bos_token_id
    assert tok.convert_ids_to_tokens(prompt_ids(tok, row["question"], think=False))[-1] == "?"
    thinking, answer = W.teacher_thinking(kg, row)
    ids = completion_ids(tok, thinking, answer)
    words = completion_words(tok, ids + [tok.pad_token_id])  # EOS and anything after it dropped
    assert words == f"{thinking} {END_THINK} {answer}".split() and ids[-1] == tok.eos_token_id
    assert completion_words(tok, completion_ids(tok, None, answer)) == [answer]


def test_answer_only_mask_supervises_exactly_the_tokens_after_the_last_end_of_thinking(world):
    kg, tok = world
    end = tok.convert_tokens_to_ids(END_THINK)
    prompt = prompt_ids(tok, "where does the friend of x live ?", think=True)
    completions = [completion_ids(tok, "a 's friend is b . b lives in c .", "c"),           # answer + EOS: 2
                   completion_ids(tok, f"a 's friend is b . {END_THINK} b lives in c .", "c"),  # the last one counts
                   tok.encode("a lives in c", add_special_tokens=False) + [tok.eos_token_id]]  # unclosed: all 5
    batch = answer_only_mask(completion_batch([(prompt, c) for c in completions], tok.pad_token_id), end)
    labels = batch["loss_mask"].sum(-1).tolist()
    assert labels == [tokens_after_last(c, end) for c in completions] == [2, 2, 5]
    for row, c in zip(batch["loss_mask"], completions):  # the supervised positions are the completion's tail
        tail = row.nonzero().flatten().tolist()
        assert tail == list(range(len(prompt) + len(c) - len(tail), len(prompt) + len(c)))


def test_tokens_after_last():
    assert tokens_after_last([1, 9, 2, 9, 3, 4], 9) == 2 and tokens_after_last([1, 2], 9) == 2
    assert tokens_after_last(["a", END_THINK], END_THINK) == 0


def test_corrected_prefix_replaces_the_first_wrong_fact(world):
    kg, _ = world
    row = {"subject": kg.entities["person"][2], "type": "friend_town", "question": "..."}
    path = W.retrieve(kg, row)
    wrong = (path[0][0], "friend_of", next(p for p in kg.entities["person"] if p != path[0][2]))
    assert corrected_prefix(kg, row, path) is None
    assert corrected_prefix(kg, row, [wrong, path[1]]) == W.fact_text(*path[0])
    assert corrected_prefix(kg, row, [path[0], None]) == f"{W.fact_text(*path[0])} {W.fact_text(*path[1])}"
    assert corrected_prefix(kg, row, []) == W.fact_text(*path[0])


def test_configs_refuse_bad_values():
    with pytest.raises(ValueError, match="arm must be one of"):
        RoundsConfig(arm="dpo").check("rounds")
    with pytest.raises(ValueError, match="phase must be one of"):
        RoundsConfig(phase="sft").check("rounds")
    with pytest.raises(ValueError, match="round must be in 1..2"):
        RoundsConfig(phase="exo", round=3, exo_rounds=2).check("rounds")
    with pytest.raises(ValueError, match="label_smoothing"):
        EXOConfig(label_smoothing=0.0).check("exo")
    with pytest.raises(ValueError, match="arm must be one of"):
        SFTConfig(arm="preflexor").check("sft")


def test_answer_only_mask_leaves_its_input_unchanged(world):
    _, tok = world
    end = tok.convert_tokens_to_ids(END_THINK)
    batch = completion_batch([([tok.bos_token_id], [end, tok.eos_token_id])], tok.pad_token_id)
    before = batch["loss_mask"].clone()
    masked = answer_only_mask(batch, end)
    assert torch.equal(batch["loss_mask"], before) and masked["loss_mask"].sum() == 1
