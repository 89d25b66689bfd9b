"""The arithmetic world (rmt): sums are right, labels align, traces hold true prefix sums with counted repeats,
the tokenizer round-trips, and the corpus is a fast pure function of (config, seed)."""
import json
import time

import pytest

from lmrepro.worlds import arithmetic as W

CFG = W.ArithmeticWorldConfig()


def corpus(seed, n_docs=2000, n_traces=4000):
    docs = W.sample_docs(CFG, n_docs, seed)
    return docs, W.sample_traces(CFG, docs, n_traces, seed + 1)


def test_same_seed_byte_identical_other_seed_differs():
    a, b, c = corpus(3), corpus(3), corpus(4)
    assert W.to_jsonl(a[0]) + W.to_jsonl(a[1]) == W.to_jsonl(b[0]) + W.to_jsonl(b[1])
    assert W.to_jsonl(a[0]) != W.to_jsonl(c[0])


def test_small_corpus_builds_fast():
    t0 = time.perf_counter()
    docs, traces = corpus(0)  # the small scale's sizes (config/papers/rmt.yaml: 2000 docs, 4000 traces)
    tok = W.build_tokenizer(CFG)
    W.to_jsonl(docs), W.to_jsonl(traces), tok
    assert time.perf_counter() - t0 <= 2.0


def test_every_sum_is_correct_and_labels_align():
    docs, _ = corpus(0, n_docs=300, n_traces=1)
    for doc in docs:
        tokens = doc["text"].split()
        assert len(tokens) == len(doc["labels"]) == CFG.lines_per_doc * CFG.line_len
        for k in range(0, len(tokens), CFG.line_len):
            a, p1, b, p2, c, eq, tens, units, end = tokens[k:k + CFG.line_len]
            assert (p1, p2, eq, end) == ("+", "+", "=", ";")
            assert int(tens) * 10 + int(units) == int(a) + int(b) + int(c)
            assert doc["labels"][k:k + CFG.line_len] == ["random", "low", "random", "low", "random", "low",
                                                         "compute", "compute", "low"]


def test_operands_are_uniform_digits():
    docs, _ = corpus(0, n_docs=1000, n_traces=1)
    ops = [t for d in docs for t, lab in zip(d["text"].split(), d["labels"]) if lab == "random"]
    counts = [ops.count(str(d)) / len(ops) for d in range(10)]
    assert max(counts) < 0.12 and min(counts) > 0.08


def test_trace_partial_sums_are_true_prefix_sums_and_repeats_are_counted():
    docs, traces = corpus(1, n_docs=200, n_traces=2000)
    by_id = {d["id"]: d for d in docs}
    seen_repeats = set()
    for tr in traces:
        tokens = by_id[tr["doc_id"]]["text"].split()
        context = tokens[:tr["position"]]
        assert tr["context"] == " ".join(context) and tr["answer"] == tokens[tr["position"]]
        line = context[len(context) - len(context) % CFG.line_len:]
        ops = [int(x) for x in line[0:5:2]]
        prefix = [sum(ops[:i + 1]) for i in range(len(ops))]
        expected = ["p0"] if not ops else [f"p{s}" for s in (prefix[1:] if len(prefix) > 1 else prefix)]
        assert tr["think"][:tr["n_useful"]] == expected
        assert tr["n_useful"] in (1, 2)
        assert tr["n_repeats"] == len(tr["think"]) - tr["n_useful"]
        assert tr["think"][tr["n_useful"]:] == [expected[-1]] * tr["n_repeats"]
        seen_repeats.add(tr["n_repeats"])
        assert W.parse_completion(tr["text"].split()[len(context):]) == (tr["think"], [tr["answer"]])
    assert seen_repeats == set(range(CFG.min_repeats, CFG.max_repeats + 1))


def test_sum_digit_trace_determines_the_answer():
    # the last useful partial sum of a sum-digit position is the full sum: the scratchpad makes it computable
    docs, traces = corpus(2, n_docs=200, n_traces=2000)
    for tr in traces:
        if tr["label"] == "compute":
            s = int(tr["think"][tr["n_useful"] - 1][1:])
            line_pos = tr["position"] % CFG.line_len
            assert tr["answer"] == str(s // 10 if line_pos == 6 else s % 10)


@pytest.mark.parametrize("completion, parsed", [
    (["<think>", "p3", "</think>", "<ans>", "7"], (["p3"], ["7"])),
    (["p3", "p3", "</think>", "<ans>", "1", "2"], (["p3", "p3"], ["1", "2"])),
    (["<think>", "</think>", "<ans>", "7"], ([], ["7"])),
    (["<think>", "p3", "<ans>", "7"], None),                       # missing </think>
    (["<think>", "p3", "</think>", "7"], None),                    # missing <ans>
    (["<think>", "p3", "</think>", "<ans>"], None),                # empty answer
    (["<think>", "p3", "</think>", "<ans>", "7", "<ans>", "8"], None),  # duplicated delimiter
    (["<think>", "p3", "</think>", "</think>", "<ans>", "7"], None),
    (["<think>", "p3", "</think>", "p3", "<ans>", "7"], None),     # text between the delimiters
    ([], None),
])
def test_parse_completion(completion, parsed):
    assert W.parse_completion(completion) == parsed


def test_tokenizer_round_trip_and_closed_vocabulary():
    tok = W.build_tokenizer(CFG)
    docs, traces = corpus(0, n_docs=50, n_traces=200)
    for text in [d["text"] for d in docs] + [t["text"] for t in traces]:
        ids = tok(text, add_special_tokens=False)["input_ids"]
        assert tok.unk_token_id not in ids
        assert tok.decode(ids) == text
    assert len(tok) == 4 + len(W.vocabulary(CFG))


def test_hf_dataset_schema():
    docs, traces = corpus(0, n_docs=20, n_traces=20)
    ds = W.to_hf_dataset(traces)
    assert set(ds.column_names) == {"doc_id", "position", "context", "think", "n_useful", "n_repeats", "answer",
                                    "label", "text"}
    assert json.loads(W.to_jsonl(docs).splitlines()[0]).keys() == {"id", "text", "labels"}
    assert W.to_hf_dataset(docs)[0]["labels"] == docs[0]["labels"]


def test_bad_config_is_rejected():
    with pytest.raises(ValueError, match="n_operands"):
        W.ArithmeticWorldConfig(n_operands=4).check("world")
    with pytest.raises(ValueError, match="min_repeats"):
        W.ArithmeticWorldConfig(min_repeats=3, max_repeats=1).check("world")


def test_paper_loader_reads_omni_math_rows_into_the_docs_schema(tmp_path):
    rows = [{"domain": ["Algebra"], "difficulty": 3.0, "problem": f"Find x{i}.", "solution": f"x{i} = {i}.",
             "answer": str(i), "source": "t"} for i in range(5)]
    (tmp_path / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    docs = W.load_paper_docs(str(tmp_path), 3, seed=0)
    assert len(docs) == 3 and all(d.keys() == {"id", "text", "labels"} and d["labels"] is None for d in docs)
    assert docs == W.load_paper_docs(str(tmp_path), 3, seed=0)
    assert {d["text"] for d in docs} <= {f"Find x{i}.\n\nx{i} = {i}." for i in range(5)}
    (tmp_path / "test.jsonl").write_text(json.dumps({"question": "q"}) + "\n")
    with pytest.raises(KeyError, match="problem"):
        W.load_paper_docs(str(tmp_path), 1, seed=0)
    with pytest.raises(FileNotFoundError):
        W.load_paper_docs(str(tmp_path / "missing"), 1, seed=0)
