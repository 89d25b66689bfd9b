"""The LLM-as-judge client (lmrepro.common.judge) against a local stand-in of an OpenAI-compatible endpoint: the
prompt, the verdict parsing, the order swap, the key from the environment, off by default."""
import pytest

from lmrepro.common import judge as J
from lmrepro.common.standins import judge_server


def test_parse_verdict_takes_the_last_final_verdict():
    assert J.parse_verdict("A is long.\nFinal verdict: B") == "B"
    assert J.parse_verdict("final verdict: a ... on reflection Final Verdict: tie") == "tie"
    assert J.parse_verdict("I prefer A") is None


def test_judge_scores_both_orders_and_sends_the_key_only_in_the_header(monkeypatch):
    monkeypatch.setenv("JUDGE_KEY", "sk-test-123")
    items = [{"query": "q", "a": "a long answer", "b": "short", "rubric": "1. Be thorough."},
             {"query": "q", "a": "tiny", "b": "a longer answer", "rubric": "1. Be thorough."},
             {"query": "q", "a": "same", "b": "same", "rubric": "1. Be thorough."}]
    with judge_server() as (url, received):
        monkeypatch.setenv("LMREPRO_JUDGE_URL", url)
        cfg = J.JudgeConfig(enabled=True, base_url="https://unused.invalid/v1", model="judge-x", api_key_env="JUDGE_KEY")
        scores = J.judge_pairs(cfg, items)
    assert scores == [1.0, 0.0, 0.5]
    assert len(received) == 6 and {r["path"] for r in received} == {"/v1/chat/completions"}
    assert all(r["authorization"] == "Bearer sk-test-123" for r in received)
    assert all("sk-test-123" not in str(r["body"]) for r in received)
    assert received[0]["body"]["model"] == "judge-x" and received[0]["body"]["temperature"] == 0.0
    first, swapped = received[0]["body"]["messages"][0]["content"], received[1]["body"]["messages"][0]["content"]
    assert first.index("a long answer") < first.index("short") and swapped.index("short") < swapped.index("a long")


def test_judge_is_off_by_default_and_needs_its_key(monkeypatch):
    with pytest.raises(SystemExit, match="enabled is false"):
        J.judge_pairs(J.JudgeConfig(), [{"query": "q", "a": "x", "b": "y", "rubric": "r"}])
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    with pytest.raises(SystemExit, match="NO_SUCH_KEY"):
        J.judge_pairs(J.JudgeConfig(enabled=True, api_key_env="NO_SUCH_KEY"),
                      [{"query": "q", "a": "x", "b": "y", "rubric": "r"}])
