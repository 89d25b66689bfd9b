"""The constrained-instruction world (spar): the checker on hand-built positives and negatives, exact pass
shares, the interfering factor's correlation with passing, the noisy judge, and the repair edits."""
import json
import time

import pytest

from lmrepro.worlds import instructions as W

CFG = W.InstructionWorldConfig()


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0)


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        world = W.build_world(CFG, seed)
        return json.dumps([world.bank, W.sample_sft_corpus(world, CFG, 300, seed)])

    assert dump(5) == dump(5) and dump(5) != dump(6)


def test_checker_on_hand_built_cases():
    boundary = {"task": "boundary", "topic": "kolo", "start": "ba", "end": "du"}
    assert W.check(boundary, "ba kolo is near du")
    assert W.check(boundary, "ba du")  # any middle, even none
    assert not W.check(boundary, "du kolo ba") and not W.check(boundary, "ba kolo") and not W.check(boundary, "")
    letters = {"task": "letters", "n": 3}
    assert W.check(letters, "a b c") and W.check(letters, "A B C") and W.check(letters, "a B c")  # case is free
    assert not W.check(letters, "a b") and not W.check(letters, "a b c d") and not W.check(letters, "a b cc")
    assert not W.check(letters, "a b z")
    assert W.render_instruction(boundary) == "write about kolo start with ba end with du"
    assert W.render_instruction(letters) == "write 3 letters"


def test_sft_corpus_pass_share_is_exact_and_labels_are_true(world):
    rows = W.sample_sft_corpus(world, CFG, 1000, 1)
    assert sum(r["passes"] for r in rows) == round(CFG.p_satisfy * 1000)
    assert all(W.check(r["instruction"], r["response"]) == r["passes"] for r in rows)
    assert {r["instruction"]["task"] for r in rows} == set(W.TASKS)


def test_interfering_factor_correlates_with_passing(world):
    rows = W.sample_sft_corpus(world, CFG, 4000, 2)
    letters = [r for r in rows if r["instruction"]["task"] == "letters"]
    up = lambda ok: sum(W.upper_ratio(r["response"]) == 1.0 for r in letters if r["passes"] == ok) / \
        sum(r["passes"] == ok for r in letters)  # noqa: E731
    assert abs(up(True) - CFG.p_upper_pass) < 0.05 and abs(up(False) - CFG.p_upper_fail) < 0.05
    boundary = [r for r in rows if r["instruction"]["task"] == "boundary"]
    middles = lambda ok: {tuple(r["response"].split()[1:-1]) for r in boundary if r["passes"] == ok}  # noqa: E731
    assert not middles(True) & middles(False)  # passing and failing middles come from disjoint halves


def test_judge_is_the_checker_with_noise(world):
    rows = W.sample_sft_corpus(world, CFG, 2000, 3)
    noiseless = W.Judge(W.InstructionWorldConfig(label_noise=0.0), 0)
    assert all(noiseless(r["instruction"], r["response"]) == r["passes"] for r in rows)
    one_vote = W.Judge(W.InstructionWorldConfig(label_noise=0.1, votes=1), 0)
    flips = sum(one_vote(r["instruction"], r["response"]) != r["passes"] for r in rows) / len(rows)
    assert 0.07 < flips < 0.13
    majority = W.Judge(CFG, 0)  # 5 votes at 10% noise: P(majority wrong) ~ 0.009
    assert sum(majority(r["instruction"], r["response"]) != r["passes"] for r in rows) / len(rows) < 0.03


def test_edits_repair_every_failing_response_in_one_step(world):
    rows = [r for r in W.sample_sft_corpus(world, CFG, 300, 4) if not r["passes"]]
    vocab = world.vocabulary()
    for r in rows:
        children = W.edits(r["instruction"], r["response"], vocab)
        assert any(W.check(r["instruction"], c) for c in children), r
        n = len(r["response"].split())
        assert all(abs(len(c.split()) - n) <= 1 for c in children)


def test_bad_config_is_named():
    with pytest.raises(ValueError, match="votes"):
        W.InstructionWorldConfig(votes=4).check()
    with pytest.raises(ValueError, match="label_noise"):
        W.InstructionWorldConfig(label_noise=-0.1).check()


def test_small_corpus_under_two_seconds():
    start = time.perf_counter()
    world = W.build_world(CFG, 0)
    W.sample_sft_corpus(world, CFG, 2000, 0)
    W.sample_instructions(world, CFG, 300, 1)
    assert time.perf_counter() - start < 2.0
    assert len(W.sample_instructions(world, CFG, 10, 1)) == 10


def test_ifeval_loader_gives_the_instruction_schema(world, tmp_path):
    (tmp_path / "ifeval").mkdir()
    (tmp_path / "ifeval" / "input_data.jsonl").write_text(json.dumps(
        {"key": 1, "prompt": "Write a poem.", "instruction_id_list": ["length_constraints:number_words"],
         "kwargs": [{"num_words": 50}]}) + "\n")
    [row] = W.load_ifeval(str(tmp_path / "ifeval"))
    assert set(row) == set(W.sample_instructions(world, CFG, 1, 0)[0])
    assert row["instruction"]["task"] == "ifeval" and row["prompt"] == "Write a poem."
    with pytest.raises(ValueError, match="ifeval"):
        W.check(row["instruction"], "a poem")
