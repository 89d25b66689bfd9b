"""The tool-use world (tl_training): executor semantics and error signatures, exact query and teacher-error
shares, systematic teacher errors that always fail, and the call checker on hand-built calls."""
import json
import random
import time

import pytest

from lmrepro.worlds import tools as W

CFG = W.ToolWorldConfig()


@pytest.fixture(scope="module")
def world():
    return W.build_world(CFG, 0)


def test_same_seed_same_bytes_other_seed_differs():
    def dump(seed):
        world = W.build_world(CFG, seed)
        rows = W.sample_queries(world, CFG, 200, seed)
        return json.dumps([world.people, world.codes, rows, W.teacher_trajectories(world, CFG, rows, seed)])

    assert dump(3) == dump(3) and dump(3) != dump(4)


def test_twelve_tools_in_same_prefix_sibling_pairs_with_disjoint_params():
    assert len(W.TOOLS) == 12
    for tool in W.TOOLS:
        sib = W.TOOL_BY_NAME[W.sibling(tool.name)]
        assert W.sibling(sib.name) == tool.name and sib.name != tool.name
        assert tool.name[:7] == sib.name[:7]  # a shared prefix of at least "get_col"/"find_fr"/...
        assert not set(tool.params) & set(sib.params)


def test_executor_on_hand_built_calls(world):
    name, person = next(iter(world.people.items()))
    assert W.execute(world, f"get_color(person='{name}')") == (person["color"], None)
    assert W.execute(world, f"count_pets(owner='{name}')") == (str(sum(person["pets"].values())), None)
    assert W.execute(world, f"count_pets(owner='{name}', kind='cat')") == (str(person["pets"]["cat"]), None)
    out, err = W.execute(world, f"get_colour(person='{name}')")
    assert err == "unknown_tool" and "is not defined" in out
    out, err = W.execute(world, "weather_forecast(place='nowhere')")
    assert err == "missing_param" and "missing 1 required positional argument: 'days'" in out
    out, err = W.execute(world, f"get_age(person='{name}', name='{name}')")
    assert err == "unexpected_param" and "got an unexpected keyword argument 'name'" in out
    out, err = W.execute(world, "get_age(person='nobody')")
    assert err == "bad_value" and "Invalid API call" in out
    assert W.execute(world, "get_age(person=nobody)")[1] == "unknown_tool"  # not the call language


def test_render_and_parse_round_trip():
    call = W.render_call("weather_forecast", {"days": "3", "place": "kolo"})
    assert call == "weather_forecast(place='kolo', days='3')"
    assert W.parse_call(call) == ("weather_forecast", {"place": "kolo", "days": "3"})
    assert W.parse_call('get_age(person="x")') is None and W.parse_call("get_age(person='x'") is None


def test_queries_gold_calls_execute_and_sibling_share_is_exact(world):
    for share in (CFG.p_sibling, 0.5):
        rows = W.sample_queries(world, CFG, 400, 1, p_sibling=share)
        assert sum(r["sibling_listed"] for r in rows) == round(share * 400)
        for r in rows:
            assert W.execute(world, r["gold"]) == (r["answer"], None)
            assert r["gold_tool"] in r["tools"] and len(set(r["tools"])) == len(r["tools"])
            assert CFG.n_tools[0] <= len(r["tools"]) <= CFG.n_tools[1]
            assert (W.sibling(r["gold_tool"]) in r["tools"]) == r["sibling_listed"]


def test_teacher_errors_are_exact_systematic_and_always_fail(world):
    rows = W.sample_queries(world, CFG, 300, 2)
    episodes = W.teacher_trajectories(world, CFG, rows, 2)
    wrong = [e for e in episodes if e["teacher_error"]]
    assert len(wrong) == round(CFG.p_teacher_error * 300)
    assert {e["teacher_error"] for e in wrong} == set(W.TEACHER_ERRORS)
    for e in episodes:
        calls = [t for t in e["turns"] if t["role"] == "assistant" and "(" in t["content"]]
        feedback = [t for t in e["turns"] if t["role"] == "tool"]
        row = rows[e["query_index"]]
        assert calls[-1]["content"] == row["gold"] and feedback[-1]["error"] is None
        assert e["turns"][-1]["content"] == f"the answer is {row['answer']} ."
        if e["teacher_error"]:
            assert len(calls) == 2 and feedback[0]["error"] in W.ERROR_KINDS
            # the paper's string filter and the structured flag agree
            signature = W.ERROR_SIGNATURES[feedback[0]["error"]].split("{")[0]
            assert feedback[0]["content"].startswith(signature)
            if e["teacher_error"] == "sibling_tool":
                assert W.parse_call(calls[0]["content"])[0] == W.sibling(row["gold_tool"])
        else:
            assert len(calls) == 1


def test_call_errors_flags_on_hand_built_calls():
    tools = ["count_pets", "count_pet_kinds", "get_age"]
    gold = "count_pets(owner='ana', kind='cat')"
    assert W.call_errors(gold, gold, tools) == set()
    assert W.call_errors("count_pets(kind='cat', owner='ana')", gold, tools) == set()
    assert W.call_errors("count pets", gold, tools) == {"unparsable"}
    assert W.call_errors("weather(city='x')", gold, tools) == {"unknown_tool"}  # not in the listed tools
    assert W.call_errors("count_pet_kinds(person='ana')", gold, tools) == {"wrong_tool"}
    assert W.call_errors("count_pets(owner='ana', kind='dog')", gold, tools) == {"wrong_value"}
    assert W.call_errors("count_pets(owner='ana')", gold, tools) == {"missing"}
    assert W.call_errors("count_pets(owner='ana', kind='cat', pet='x')", gold, tools) == {"hallucinated"}
    assert W.call_errors("count_pets(owner='ana')", "count_pets(owner='ana')", tools) == set()
    assert W.call_errors("count_pets(owner='ana', kind='cat')", "count_pets(owner='ana')", tools) == {"redundant"}
    assert W.call_errors("count_pets(kind='cat', x='1')", "count_pets(owner='ana')", tools) == \
        {"hallucinated", "redundant", "missing"}


def test_noisy_docs_keep_signatures_and_shuffle(world):
    tools = [t.name for t in W.TOOLS]
    clean, noisy = W.render_docs(tools), W.render_docs(tools, noisy=True, rng=random.Random(1))
    sig = lambda text: sorted(line.split(":")[0] for line in text.splitlines())  # noqa: E731
    assert sig(clean) == sig(noisy) and clean != noisy
    assert "def weather_forecast(place, days):" in clean and "def count_pets(owner, kind=None):" in clean


def test_bad_config_is_named():
    with pytest.raises(ValueError, match="n_tools"):
        W.ToolWorldConfig(n_tools=(1, 3)).check()
    with pytest.raises(ValueError, match="p_sibling"):
        W.ToolWorldConfig(p_sibling=1.5).check()


def test_small_corpus_under_two_seconds():
    start = time.perf_counter()
    world = W.build_world(CFG, 0)
    rows = W.sample_queries(world, CFG, 1200, 0)
    W.teacher_trajectories(world, CFG, rows, 0)
    W.sample_queries(world, CFG, 400, 1, p_sibling=0.5)
    assert time.perf_counter() - start < 2.0


def test_a_biased_teacher_errs_only_on_its_tools_always_in_their_own_way(world):
    cfg = W.ToolWorldConfig(teacher_bias_tools=3, p_bias_error=0.8)
    rows = W.sample_queries(world, cfg, 600, 5)
    biases = W.teacher_biases(cfg, 5)
    assert len(biases) == 3 and set(biases.values()) == set(W.TEACHER_ERRORS)
    episodes = W.teacher_trajectories(world, cfg, rows, 5)
    for e in episodes:
        assert e["teacher_error"] in (None, biases.get(rows[e["query_index"]]["gold_tool"]))
    biased = [e for e in episodes if rows[e["query_index"]]["gold_tool"] in biases]
    assert 0.7 < sum(e["teacher_error"] is not None for e in biased) / len(biased) < 0.9
    with pytest.raises(ValueError, match="teacher_bias_tools"):
        W.ToolWorldConfig(teacher_bias_tools=13).check()
