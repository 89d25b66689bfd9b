"""spar: the critique-focused edit space, pair building and the BFS refinement on a scripted actor."""
import pytest

from lmrepro.papers.spar import pairs as P
from lmrepro.papers.spar.params import SelfPlayConfig
from lmrepro.worlds import instructions as W

BOUNDARY = {"task": "boundary", "topic": "ka", "start": "lo", "end": "mi"}
LETTERS = {"task": "letters", "n": 3}
VOCAB = ["lo", "mi", "su", "ra", "da", "ve"]


def test_critique_edits_touch_only_the_violated_position():
    edits = P.critique_edits(BOUNDARY, "lo ka su ra", VOCAB)  # the start is right, the end is wrong
    assert edits and all(e.split()[:-1] == ["lo", "ka", "su"] for e in edits)
    assert "lo ka su mi" in edits
    assert all(len(e.split()) == 3 for e in P.critique_edits(LETTERS, "a b c d", VOCAB))  # too many: deletions
    assert all(len(e.split()) == 3 for e in P.critique_edits(LETTERS, "a b", VOCAB))      # too few: appends


def test_interfering_pairs_take_one_passing_and_one_failing_sample():
    rows = [{"instruction": LETTERS, "prompt": "write 3 letters"}, {"instruction": LETTERS, "prompt": "p2"}]
    samples = [["A B C", "a b", "a b c d"], ["a b", "a"]]  # the second instruction has no passing sample
    pairs = P.interfering_pairs(rows, samples, lambda inst, r: W.check(inst, r), n_pairs=5, seed=0)
    assert len(pairs) == 1 and pairs[0]["chosen"] == "A B C" and pairs[0]["rejected"] in ("a b", "a b c d")


def test_bfs_expands_the_most_likely_children_and_stops_at_the_first_passing_one(monkeypatch):
    scores = {"lo ka su lo": 3.0, "lo ka su su": 2.0, "lo ka su da": 1.5, "lo ka su mi": 0.5}
    monkeypatch.setattr(P, "actor_logps", lambda actor, tok, prompt, cands: [scores.get(c, 0.0) for c in cands])
    judge = lambda inst, r: W.check(inst, r)  # noqa: E731
    row = {"instruction": BOUNDARY, "prompt": "x"}
    # depth 1, branch 3: the passing edit ranks 4th among the children of the root, so the search fails
    assert P.refine(None, None, judge, row, "lo ka su ra", VOCAB, branch=3, keep=2, depth=1) is None
    assert P.refine(None, None, judge, row, "lo ka su ra", VOCAB, branch=4, keep=2, depth=1) == "lo ka su mi"
    # depth 2: the kept children ("... lo", "... su") are expanded; "... mi" is among their top 3 edits
    assert P.refine(None, None, judge, row, "lo ka su ra", VOCAB, branch=3, keep=2, depth=2) == "lo ka su mi"


def test_token_edit_distance_counts_token_operations():
    assert P.token_edit_distance("a b c", "a x c") == 1 and P.token_edit_distance("a b", "a b c d") == 2


def test_selfplay_config_refuses_unknown_arm_and_iteration_zero():
    with pytest.raises(ValueError, match="arm must be one of"):
        SelfPlayConfig(arm="random").check("selfplay")
    with pytest.raises(ValueError, match="iteration must be >= 1"):
        SelfPlayConfig(iteration=0).check("selfplay")
