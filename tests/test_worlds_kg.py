"""The knowledge-graph world (preflexor): graph invariants, the held-out split (seen entities, unseen 2-hop paths),
retrieval, the teacher's and the corrupted reasoning, and the parser/grader on hand-built completions."""
import json
import random
from collections import Counter

import pytest

from lmrepro.worlds import kg as W

CFG = W.KGConfig(n_persons=40, n_towns=4, n_colors=3, corpus_lines=50, one_hop_train=True)
END = "<|/thinking|>"


@pytest.fixture(scope="module")
def kg():
    return W.build_graph(CFG, 0)


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        kg = W.build_graph(CFG, seed)
        return json.dumps([W.to_json(kg), W.corpus(kg, CFG, seed), W.question_split(kg, CFG, seed)])

    assert dump(3) == dump(3) and dump(3) != dump(4)


def test_graph_invariants(kg):
    friends = kg.edges["friend_of"]
    assert all(p != f for p, f in friends.items()) and sorted(friends.values()) == sorted(kg.entities["person"])
    assert sorted(kg.edges["owns"].values()) == sorted(kg.entities["pet"])  # one distinct pet per person
    assert set(kg.edges["color_of"]) == set(kg.entities["pet"])
    assert len(set(kg.vocabulary())) == len(kg.vocabulary())


def test_corpus_states_every_fact_equally_often(kg):
    cfg = W.KGConfig(n_persons=40, n_towns=4, n_colors=3, facts_per_line=4, corpus_lines=80)  # 320 = 2 x 160 facts
    lines = W.corpus(kg, cfg, 0)
    sentences = Counter(s.strip() + " ." for line in lines for s in line.split(" .") if s.strip())
    assert len(lines) == 80 and sentences == Counter({W.fact_text(*t): 2 for t in kg.triples()})


def test_held_out_questions_are_unseen_two_hop_paths_over_seen_entities(kg):
    train, held_out = W.question_split(kg, CFG, 0)
    seen = {(r["subject"], r["type"]) for r in train}
    assert held_out and all(r["type"] in W.QUESTIONS and (r["subject"], r["type"]) not in seen for r in held_out)
    assert len(held_out) == CFG.held_out_types * CFG.n_persons
    two_hop_subjects = {r["subject"] for r in train if r["type"] in W.QUESTIONS}
    assert two_hop_subjects == set(kg.entities["person"])
    one_hop = [r for r in train if r["type"] in W.ONE_HOP]
    assert len(one_hop) == len(kg.triples())  # every fact is asked as a single-fact question
    no_one_hop = W.question_split(kg, W.KGConfig(n_persons=40, n_towns=4, n_colors=3), 0)[0]
    assert all(r["type"] in W.QUESTIONS for r in no_one_hop)


def test_retrieve_and_teacher_follow_the_path(kg):
    row = {"subject": kg.entities["person"][0], "type": "friend_town", "question": "..."}
    friend = kg.edges["friend_of"][row["subject"]]
    town = kg.edges["lives_in"][friend]
    assert W.retrieve(kg, row) == [(row["subject"], "friend_of", friend), (friend, "lives_in", town)]
    thinking, answer = W.teacher_thinking(kg, row)
    assert thinking == f"{row['subject']} 's friend is {friend} . {friend} lives in {town} ." and answer == town
    parsed = W.parse_completion(kg, f"{thinking} {END} {answer}".split(), END)
    assert W.grade(kg, row, parsed) == {"valid": True, "faithful": True, "correct": True}


@pytest.mark.parametrize("qtype", [*W.QUESTIONS, *W.ONE_HOP])
def test_corrupted_reasoning_is_well_formed_and_wrong(kg, qtype):
    relation = (W.QUESTIONS | W.ONE_HOP)[qtype][0][0]
    subject = next(iter(kg.edges[relation]))
    row = {"subject": subject, "type": qtype, "question": "..."}
    thinking, answer = W.corrupted_thinking(kg, row, random.Random(0))
    grade = W.grade(kg, row, W.parse_completion(kg, f"{thinking} {END} {answer}".split(), END))
    assert grade == {"valid": True, "faithful": False, "correct": False}


def test_grader_on_malformed_completions(kg):
    row = {"subject": kg.entities["person"][1], "type": "pet_color", "question": "..."}
    thinking, answer = W.teacher_thinking(kg, row)
    unclosed = W.parse_completion(kg, f"{thinking} {answer}".split(), END)
    assert not unclosed["closed"] and W.grade(kg, row, unclosed)["valid"] is False
    one_fact = W.parse_completion(kg, f"{thinking.split(' . ')[0]} . {END} {answer}".split(), END)
    assert W.grade(kg, row, one_fact) == {"valid": False, "faithful": False, "correct": True}
    wrong_type = W.parse_completion(kg, f"{row['subject']} owns {row['subject']} . {END} {answer}".split(), END)
    assert wrong_type["facts"] == [None]
    two_words = W.parse_completion(kg, f"{thinking} {END} {answer} {answer}".split(), END)
    assert W.grade(kg, row, two_words) == {"valid": False, "faithful": True, "correct": False}


def test_config_check_names_the_field():
    with pytest.raises(ValueError, match="held_out_types"):
        W.KGConfig(held_out_types=4).check()
    with pytest.raises(ValueError, match="persons"):
        W.KGConfig(n_persons=2).check()
