"""The reasoning-traces world (sentence_lm, metacog_reuse): gold states replay the ops, checkers accept exactly the
right answers and true equations, generation is byte-identical per seed and fast, the word tokenizer round-trips."""
import json
import time

import pytest

from lmrepro.worlds import reasoning as R

CFG = R.StateTrackConfig()


@pytest.fixture(scope="module")
def problems():
    return R.generate_state_tracking(CFG, 0, 2000)


@pytest.fixture(scope="module")
def procedures():
    return R.generate_procedures(R.ProcedureConfig(), 0, 1000)


def test_hand_built_problem_matches_the_spec_example():
    ops = [("gets", 4), ("gives", 2), ("doubles", None)]
    assert R.render_question("ann", "she", "apples", 3, ops) == \
        "ann has 3 apples . she gets 4 . she gives 2 . she doubles them . how many ?"
    assert R.replay(3, ops, 20) == [7, 5, 10]
    assert [R.render_step("apples", v) for v in (7, 5, 10)] == ["7 apples so far .", "5 apples so far .",
                                                                 "10 apples so far ."]
    # wrap-around mod 20 in both directions
    assert R.replay(18, [("finds", 5), ("loses", 9), ("triples", None)], 20) == [3, 14, 2]
    with pytest.raises(ValueError):
        R.apply_op(1, "doubles", 3, 20)
    with pytest.raises(ValueError):
        R.apply_op(1, "gets", None, 20)


def test_gold_state_after_every_step_equals_replaying_the_ops(problems):
    for p in problems:
        ops = [(op, k) for op, k in p["ops"]]
        assert p["states"] == R.replay(p["init"], ops, CFG.modulus)
        assert [R.parse_step(s) for s in p["steps"]] == p["states"]
        assert p["answer"] == str(p["states"][-1])
        assert CFG.min_steps <= len(p["steps"]) == len(ops) <= CFG.max_steps
        assert all(0 <= v < CFG.modulus for v in [p["init"], *p["states"]])
        assert all(len(s.split()) == 5 for s in p["steps"])
        assert len(p["question"].split()) == 8 + 4 * len(ops)
    lengths = {len(p["steps"]) for p in problems}
    assert lengths == set(range(CFG.min_steps, CFG.max_steps + 1))
    assert {op for p in problems for op, _ in p["ops"]} == set(R.OPS)


def test_answer_checker_accepts_exactly_the_right_answer():
    p = {"answer": "10"}
    assert R.check_answer(p, "10") and R.check_answer(p, " 10 ")
    for wrong in ("11", "010", "10 .", "answer 10", "1 0", "", "ten", "-10", "10.0"):
        assert not R.check_answer(p, wrong), wrong


def test_answer_checker_normalises_as_lm_evals_gsm8k_exact_match():
    from lm_eval.api.metrics import exact_match_hf_evaluate

    golds = ["1000", "1,000", "$12", "7", "7.5", "12"]
    predictions = ["1,000", "1000.", "$1,000", "12", "$12.", "7", "7.50", "7.5.", "12 .", "12.0", "1 000"]
    for gold in golds:
        for pred in predictions:
            lm_eval = exact_match_hf_evaluate([pred], [gold], regexes_to_ignore=list(R.GSM8K_IGNORED))["exact_match"]
            assert R.check_answer({"answer": gold}, pred) == (lm_eval == 1.0), (gold, pred)
    assert R.check_answer({"answer": "1000"}, "$1,000.") and not R.check_answer({"answer": "1000"}, "100")


def test_parse_step_positives_and_negatives():
    assert R.parse_step("7 apples so far .") == 7 and R.parse_step("19 keys so far .") == 19
    for bad in ("7 apples so far", "seven apples so far .", "7 so far .", "7 cats so far .", "7 apples so far . .",
                "now she has 7 ."):
        assert R.parse_step(bad) is None, bad


def test_same_seed_same_bytes_other_seed_differs():
    a = R.dumps_jsonl(R.generate_state_tracking(CFG, 5, 300) + R.generate_procedures(R.ProcedureConfig(), 5, 300))
    b = R.dumps_jsonl(R.generate_state_tracking(CFG, 5, 300) + R.generate_procedures(R.ProcedureConfig(), 5, 300))
    c = R.dumps_jsonl(R.generate_state_tracking(CFG, 6, 300) + R.generate_procedures(R.ProcedureConfig(), 6, 300))
    assert a == b and a != c


def test_each_papers_small_corpus_builds_within_two_seconds():
    t0 = time.perf_counter()
    R.generate_state_tracking(CFG, 1, 4000 + 500 + 500)  # sentence_lm: train + val + test
    sentence_lm_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    R.generate_procedures(R.ProcedureConfig(), 1, 500 + 2000 + 300)  # metacog_reuse: reasoner + SFT + test
    metacog_s = time.perf_counter() - t0
    assert sentence_lm_s <= 2.0 and metacog_s <= 2.0, (sentence_lm_s, metacog_s)


def test_word_tokenizer_round_trips_every_problem(problems, procedures):
    from lmrepro.common.tokenizers import build_word_tokenizer

    for words, rows, fields in ((R.vocabulary(CFG), problems[:300], ("question", "steps", "answer")),
                                (R.procedure_vocabulary(), procedures[:300],
                                 ("question", "steps", "answer", "trace_behavior"))):
        tok = build_word_tokenizer(words)
        assert len(tok) == len(words) + 4
        for row in rows:
            for f in fields:
                for text in ([row[f]] if isinstance(row[f], str) else row[f]):
                    ids = tok.encode(text, add_special_tokens=False)
                    assert tok.unk_token_id not in ids, text
                    assert tok.decode(ids) == text
    assert len(R.vocabulary(CFG)) <= 60  # spec: word-level vocab ~60


def test_config_check_rejects_bad_values():
    for bad in (R.StateTrackConfig(min_steps=4, max_steps=3), R.StateTrackConfig(ops=("squares",)),
                R.StateTrackConfig(max_operand=20), R.StateTrackConfig(n_names=0)):
        with pytest.raises(ValueError):
            bad.check("world")
    with pytest.raises(ValueError):
        R.ProcedureConfig(procedures=("fft",)).check("world")
    with pytest.raises(ValueError):
        R.ProcedureConfig(max_parts=4).check("world")


# -- procedures ------------------------------------------------------------------------------------------------
def test_hand_built_procedure_derivations():
    lines, value, closed = R.PROCEDURES["odd_sum"].derive(4)
    assert [l for _, l in lines] == ["1 + 3 = 4", "4 + 5 = 9", "9 + 7 = 16"] and value == 16
    assert closed == "4 ^ 2 = 16"
    lines, value, closed = R.PROCEDURES["gcd"].derive(12, 8)
    assert [l for _, l in lines] == ["12 mod 8 = 4", "8 mod 4 = 0"] and value == 4 and closed == "gcd 12 8 = 4"
    lines, value, closed = R.PROCEDURES["arith_series"].derive(2, 3, 3)  # 2 + 5 + 8
    assert value == 15 and closed == "3 * ( 2 + 8 ) / 2 = 15"
    assert R.PROCEDURES["factorial"].derive(4)[1:] == (24, "4 ! = 24")
    assert R.PROCEDURES["mod"].derive(17, 5)[1] == 2 and R.PROCEDURES["digit_sum"].derive(47)[1] == 11


def test_equation_checker_positives_and_negatives():
    for true in ("1 + 3 = 4", "12 mod 8 = 4", "9 - 4 = 5", "3 * 4 = 12", "4 ^ 2 = 16", "5 * 6 / 2 = 15",
                 "3 * ( 2 + 8 ) / 2 = 15", "gcd 12 8 = 4", "digitsum 47 = 11", "4 ! = 24", "[odd_sum] 4 ^ 2 = 16"):
        assert R.check_equation(true) is True, true
    for false in ("1 + 3 = 5", "12 mod 8 = 3", "4 ^ 2 = 8", "5 * 5 / 2 = 12", "gcd 12 8 = 2", "digitsum 47 = 12",
                  "4 ! = 12", "3 * ( 2 + 8 ) / 2 = 16", "1 + x = 3", "1 ? 3 = 4"):
        assert R.check_equation(false) is False, false
    for not_equation in ("so a = 16", "a = 4", "let a be 3"):
        assert R.check_equation(not_equation) is None


def test_every_trace_line_is_true_and_the_answer_sums_the_parts(procedures):
    for p in procedures:
        assert 2 <= len(p["procedures"]) <= 3 and len(p["step_names"]) == len(p["steps"])
        for line in p["steps"] + p["trace_behavior"]:
            assert R.check_equation(line) in (True, None), line
        for part in p["procedures"]:
            proc = R.PROCEDURES[part["name"]]
            lines, value, closed = proc.derive(*part["args"])
            assert value == part["value"] and R.check_equation(closed) is True
            assert f"so {part['var']} = {value}" in p["steps"]
        assert int(p["answer"]) == sum(part["value"] for part in p["procedures"]) == p["states"][-1]
        numbers = [int(w) for text in [p["question"], *p["steps"], *p["trace_behavior"]] for w in text.split()
                   if w.isdigit()]
        assert max(numbers) <= R.PROCEDURE_MAX_NUMBER
        # the behavior-conditioned trace is the short one
        assert sum(len(s.split()) for s in p["trace_behavior"]) < sum(len(s.split()) for s in p["steps"])
    assert {part["name"] for p in procedures for part in p["procedures"]} == set(R.PROCEDURES)
    assert set(R.behaviors()) == set(R.PROCEDURES)


# -- IO and the paper-scale loader ------------------------------------------------------------------------------
def test_jsonl_and_hf_dataset_keep_the_schema(tmp_path, problems):
    path = tmp_path / "train.jsonl"
    R.write_jsonl(path, problems[:50])
    assert R.read_jsonl(path) == problems[:50]
    ds = R.to_hf_dataset(problems[:50])
    assert ds.num_rows == 50 and {"id", "question", "steps", "answer", "states"} <= set(ds.column_names)
    assert json.loads(ds[0]["ops"]) == problems[0]["ops"] and ds[0]["steps"] == problems[0]["steps"]
    (tmp_path / "bad.jsonl").write_text('{"question": "q"}\n')
    with pytest.raises(ValueError, match="lacks answer, steps"):
        R.read_jsonl(tmp_path / "bad.jsonl")


def test_gsm8k_rows_in_the_shared_schema():
    gsm = {"question": "Tom has 3 apples. He buys 4 more. How many? ",
           "answer": "He has 3+4=<<3+4=7>>7 apples.\nSo 7 in all.\n#### 1,007"}
    row = R.gsm8k_row(gsm, 3)
    assert row == {"id": 3, "question": "Tom has 3 apples. He buys 4 more. How many?",
                   "steps": ["He has 3+4=7 apples.", "So 7 in all."], "answer": "1007", "states": None}
    aug = R.gsm8k_row({"question": "q", "steps": ["<<16-3-4=9>>", "<<9*2=18>>"], "answer": "18"}, 0)
    assert aug["steps"] == ["16-3-4=9", "9*2=18"] and aug["answer"] == "18"
    with pytest.raises(ValueError, match="####"):
        R.gsm8k_row({"question": "q", "answer": "7"}, 0)
