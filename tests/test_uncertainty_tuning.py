"""uncertainty_tuning: the benchmark's cleaning rule, the scoring rules of main_run_benchmark.py as the spec states
them (on handcrafted responses), the sufficiency parser ("insufficient" contains "sufficient"), the PSQA targets
(checking and revision), the Cognition_PSQA mix and the base batch rows."""
import random

import pytest

from lmrepro.papers.uncertainty_tuning import data as D
from lmrepro.papers.uncertainty_tuning import formats as F
from lmrepro.papers.uncertainty_tuning.params import ARMS, BenchmarkConfig, FinetuneConfig, PSQAConfig
from lmrepro.worlds import context_qa as W


@pytest.fixture(scope="module")
def world():
    cfg = W.ContextQAConfig(n_groups=20, test_groups=6, n_first=12, n_surnames=30, n_values=4)
    return W.build_world(cfg, 0, reserved_words=tuple(F.vocabulary()))


def test_keep_pair_is_the_cleaning_rule():
    assert F.keep_pair("Passage about X: born in Paris", ["paris"], "about Y: born in Rome")
    assert not F.keep_pair("about X: born in Paris", ["London"], "about Y: Rome")      # answer not in context a
    assert not F.keep_pair("about X: born in Paris", ["Paris"], "Y moved to PARIS")     # answer leaks into b
    assert F.keep_pair("X: Paris or Lyon", ["Lyon", "Nice"], "b: Rome")                 # any answer in a suffices
    assert not F.keep_pair("X: Paris or Lyon", ["Lyon", "Nice"], "b: Nice")             # any answer in b drops


# (response, gold answers, lenient known, strict known, unknown)
RESPONSES = [
    ("zole", ["zole"], True, True, False),
    ("ZOLE", ["zole"], True, True, False),
    ("answer: zole .", ["zole"], True, True, False),
    ("it is zole", ["zole"], True, True, False),
    ("rivi", ["zole"], False, False, False),
    ("zolepa", ["zole"], False, False, False),                  # word-level: no accidental substring match
    ("go de", ["go de"], True, True, False),
    ("go", ["go de"], True, False, False),                      # lenient: any single word of the gold
    ("de go", ["go de"], True, False, False),
    ("GO DE .", ["go de"], True, True, False),
    ("ta nu", ["go de"], False, False, False),
    ("", ["zole"], False, False, True),                         # empty: a correct refusal
    ("   ", ["zole"], False, False, True),
    ("not provided", ["zole"], False, False, True),
    ("NOT PROVIDED", ["zole"], False, False, True),
    ("answer: not provided .", ["zole"], False, False, True),
    ("the answer is not mentioned", ["zole"], False, False, True),
    ("it is not given here", ["zole"], False, False, True),
    ("i can't provide that", ["zole"], False, False, True),
    ("the context is insufficient", ["zole"], False, False, True),
    ("<insufficient>", ["zole"], False, False, True),
    ("<sufficient>", ["zole"], False, False, False),
    ("not", ["zole"], False, False, False),
    ("provided", ["zole"], False, False, False),
    ("provided not", ["zole"], False, False, False),
    ("zole check : s1 <fulfilled> s2 <fulfilled>", ["zole"], True, True, False),
    ("zole check : s3 <not_fulfilled>", ["zole"], True, True, False),   # <not_fulfilled> is no refusal
    ("zole not provided", ["zole"], True, True, True),          # both: the metric scores each side alone
    ("not provided check : s1 <fulfilled>", ["zole"], False, False, True),
    ("zole . check : period <not_fulfilled> revised : zole . check : period <fulfilled>", ["zole"], True, True,
     False),
    ("rivi", ["zole", "rivi"], True, True, False),              # any of several gold answers
]


@pytest.mark.parametrize("response,gold,lenient,strict,unknown", RESPONSES)
def test_scoring_rules(response, gold, lenient, strict, unknown):
    assert F.known_correct(response, gold) is lenient
    assert F.known_correct(response, gold, strict=True) is strict
    assert F.unknown_correct(response) is unknown


@pytest.mark.parametrize("response,verdict", [
    ("<sufficient>", True), ("<insufficient>", False), ("Sufficient", True), ("INSUFFICIENT", False),
    ("the context is insufficient", False), ("insufficient ... on reflection sufficient", True),
    ("sufficient ... on reflection insufficient", False), ("<insufficient> <insufficient>", False),
    ("", None), ("not sure", None), ("suff", None)])
def test_parse_sufficiency_handles_insufficient_containing_sufficient(response, verdict):
    assert F.parse_sufficiency(response) is verdict
    naive = "sufficient" in response.lower()  # the pitfall: a plain substring test calls these sufficient
    if verdict is False:
        assert naive


def test_instruction_block_inserts_the_constraint_after_the_slot():
    upper = W.CONSTRAINTS[0]
    for slot in range(5):
        block, ids = F.instruction_block(upper, slot)
        assert ids.index(upper.name) == slot + 1 and len(ids) == 6
        assert (block + " ").split(" . ")[slot + 1] == upper.text.rstrip(" .")
    block, ids = F.instruction_block(None, 3)
    assert ids == list(F.INSTRUCTION_IDS) and block == " ".join(F.INSTRUCTIONS)
    assert "else not provided ." in block  # the causal instruction is always in the prompt
    prompt = F.qa_prompt(["about a b : pet c ."], "q ?", tuned=True)
    assert prompt.startswith(F.TASK_PREFIX + " rules :") and prompt.endswith("q ? answer :")
    assert F.qa_prompt(["p"], "q ?", tuned=True).removeprefix(F.TASK_PREFIX + " ") == F.qa_prompt(["p"], "q ?",
                                                                                                  tuned=False)


def _answers_and_checks(target: str) -> list[tuple[list[str], list[str]]]:
    """(answer words, checking words) per round of a PSQA target."""
    rounds = []
    for part in target.split(f" {F.REVISED} : "):
        answer, checks = part.split(f" {F.CHECK} : ")
        rounds.append((answer.split(), checks.split()))
    return rounds


@pytest.mark.parametrize("constraint", W.CONSTRAINTS)
def test_psqa_target_checks_every_instruction_and_revises_a_failing_draft(constraint):
    slot = 2
    _, ids = F.instruction_block(constraint, slot)
    ok = _answers_and_checks(F.psqa_target(["go", "de"], constraint, slot, draft_fails=False))
    assert len(ok) == 1 and constraint.check(ok[0][0])
    assert ok[0][1] == [w for i in ids for w in (i, F.FULFILLED)]
    revised = _answers_and_checks(F.psqa_target(["go", "de"], constraint, slot, draft_fails=True))
    (draft, draft_checks), (final, final_checks) = revised
    assert not constraint.check(draft) and constraint.check(final)
    verdicts = dict(zip(draft_checks[::2], draft_checks[1::2]))
    assert verdicts.pop(constraint.name) == F.NOT_FULFILLED and set(verdicts.values()) == {F.FULFILLED}
    assert final_checks == ok[0][1]
    assert F.known_correct(" ".join(final), ["go de"], strict=True)


def test_refusal_target_is_scored_as_a_refusal_under_every_constraint():
    for constraint in (None, *W.CONSTRAINTS):
        target = F.psqa_target(list(F.REFUSAL), constraint, 0, draft_fails=constraint is not None)
        assert F.unknown_correct(target) and not F.known_correct(target, ["zole"])


def test_benchmark_items_are_cleaned_and_unanswerable_from_their_context(world):
    items, _ = D.benchmark_items(world, BenchmarkConfig(p_sibling_neg=0.5), "test", 60, random.Random(0))
    test_names = {W.name(p) for p in world.persons["test"]}
    by_name = {W.name(p): p for p in world.persons["test"]}
    kinds = {i["neg_kind"] for i in items}
    assert kinds == {"sibling", "unstated"}
    for item in items:
        subject = item["context"].split(" : ")[0].removeprefix("about ")
        assert subject in test_names and F.known_correct(item["context"], item["pos_answers"], strict=True)
        neg_attr = next(a for a in W.ATTRIBUTES if any(item["neg_query"] == W.question(p, a, t)
                                                     for p in by_name.values() for t in (0, 1)))
        neg_person = next(p for p in by_name.values() if W.name(p) in item["neg_query"])
        if item["neg_kind"] == "sibling":
            assert neg_person["surname"] == by_name[subject]["surname"] and W.name(neg_person) != subject
            assert item["pos_answers"][0] not in W.passage(neg_person, [neg_attr])  # the cleaning rule held
        else:
            assert neg_person is by_name[subject] and f" {neg_attr} " not in item["context"]
    cognition = D.cognition_rows(items[0])
    assert [r["target"] for r in cognition] == ["<sufficient>", "<insufficient>"]


def test_cog_psqa_mix_interleaves_and_applies_the_refusal_slice(world):
    rng = random.Random(0)
    cfg = PSQAConfig()
    n = 400
    cognition = [{"prompt": f"c{i}", "target": "x"} for i in range(2 * n)]
    psqa = [D.psqa_row(world, rng, cfg, (2, 3), answerable=True) for _ in range(n)]
    refusals = [D.psqa_row(world, rng, cfg, (2, 3), answerable=False) for _ in range(n)]
    assert all(F.unknown_correct(r["target"]) for r in refusals)
    assert not any(F.unknown_correct(r["target"]) for r in psqa)
    for share in (0.0, 0.25):
        rows = D.cog_psqa_mix(cognition, psqa, refusals, share, random.Random(1))
        assert len(rows) == 3 * n and rows[0::3] == cognition[0::2] and rows[1::3] == cognition[1::2]
        n_refusals = sum(r.get("answerable") is False for r in rows)
        assert (n_refusals == 0) if share == 0 else 0.18 < n_refusals / n < 0.32
    with pytest.raises(ValueError, match="2 cognition rows"):
        D.cog_psqa_mix(cognition[:-1], psqa, refusals, 0.1, random.Random(1))


def test_psqa_rows_follow_their_prompt_constraint(world):
    rng = random.Random(3)
    cfg = PSQAConfig(p_constraint=1.0, p_draft_fails=0.5)
    by_text = {c.text: c for c in W.CONSTRAINTS}
    for _ in range(100):
        row = D.psqa_row(world, rng, cfg, (2, 3), answerable=True)
        constraint = next(c for text, c in by_text.items() if text in row["prompt"])
        final_answer = _answers_and_checks(row["target"])[-1][0]
        assert constraint.check(final_answer) and row["prompt"].startswith(F.TASK_PREFIX)


def test_configs_refuse_bad_values():
    with pytest.raises(ValueError, match="arm"):
        FinetuneConfig(arm="stage3").check("finetune")
    with pytest.raises(ValueError, match="refusal_slice"):
        PSQAConfig(refusal_slice=1.5).check("psqa")
    with pytest.raises(ValueError, match="facts"):
        BenchmarkConfig(facts=(2, 6)).check("benchmark")
    assert ARMS["us_tuned"][0] == "stage1" and ARMS["abl_s2"][0] == "base"  # stage 2 starts from stage 1


def test_base_batches_supervise_the_answer_only_and_never_a_refusal(world, tmp_path):
    from dataclasses import asdict

    from lmrepro.common.io import write_json
    from lmrepro.common.tokenizers import build_word_tokenizer

    tokenizer = build_word_tokenizer([*world.vocabulary(), *F.vocabulary()])
    write_json(tmp_path / "world.json", asdict(world))
    params = {"instruct": D.InstructConfig(batch_size=16, p_distractor=0.5), "benchmark": BenchmarkConfig()}

    class FakeStage:
        seed = 0

        def params(self, section, cls=None):
            return params[section]

        def inp(self, name):
            return tmp_path

    get_batch = D.base_batches(FakeStage(), tokenizer)
    batch = get_batch(5)
    assert (get_batch(5)["input_ids"] == batch["input_ids"]).all()
    assert not (get_batch(6)["input_ids"].shape == batch["input_ids"].shape
                and (get_batch(6)["input_ids"] == batch["input_ids"]).all())
    not_id = tokenizer.convert_tokens_to_ids("not")
    for ids, mask in zip(batch["input_ids"], batch["loss_mask"]):
        supervised = ids[mask.bool()].tolist()
        assert supervised[-1] == tokenizer.eos_token_id and 2 <= len(supervised) <= 3
        assert not_id not in supervised
        prompt = tokenizer.decode(ids[~mask.bool() & (ids != tokenizer.pad_token_id)], skip_special_tokens=True)
        assert "else not provided ." in prompt and not prompt.startswith("task")


def test_every_row_is_in_the_tokenizer_vocabulary(world):
    vocab = set(world.vocabulary()) | set(F.vocabulary())
    rng = random.Random(0)
    cfg = PSQAConfig(p_constraint=1.0, p_draft_fails=0.5)
    items, _ = D.benchmark_items(world, BenchmarkConfig(), "train", 20, rng)
    rows = [r for item in items for r in D.cognition_rows(item)]
    rows += [D.psqa_row(world, rng, cfg, (2, 3), answerable=a) for a in (True, False) for _ in range(100)]
    for row in rows:
        assert set((row["prompt"] + " " + row["target"]).split()) <= vocab
