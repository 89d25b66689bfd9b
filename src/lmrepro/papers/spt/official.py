"""The paper scale's data: the reversal-curse identities of Berglund et al. (the official repository
lukasberglund/reversal_curse, data/reverse_experiments/june_version_7921032488), and their semantic chunks.

Files read (each line {"prompt", "completion"}): all_prompts_train.jsonl (every training sentence: name-first for
the p2d persons, description-first for the d2p persons, both for the rest), p2d_prompts_test.jsonl (forward
probes of the name-first persons: name -> description) and p2d_reverse_prompts_test.jsonl (their reverse probes:
description -> name, the reversal curse). A training sentence is prompt + completion.

Chunks (paper §3: an assistant LLM splits each sentence; spec pitfall: an entity split apart destroys the
benefit): `rule_chunks` cuts at punctuation and keeps every run of capitalised words (a name, a quoted title) in
one chunk; `segment` asks the LLM and keeps its split only when `valid_split` accepts it.
"""
from __future__ import annotations

import re
from pathlib import Path

from lmrepro.common.io import read_jsonl

TRAIN = "all_prompts_train.jsonl"
FORWARD_TEST, REVERSE_TEST = "p2d_prompts_test.jsonl", "p2d_reverse_prompts_test.jsonl"


def _capitalised(word: str) -> bool:
    core = word.strip("\"'“”‘’(),.;:!?")
    return bool(core) and core[0].isupper()


def entity_spans(words: list[str]) -> list[tuple[int, int]]:
    """[start, end) spans of runs of >= 2 capitalised words (names, titles): what no chunk boundary may cut."""
    spans, start = [], None
    for i, word in enumerate([*words, ""]):
        if word and _capitalised(word):
            start = i if start is None else start
            continue
        if start is not None and i - start >= 2:
            spans.append((start, i))
        start = None
    return spans


def rule_chunks(sentence: str) -> list[list[str]]:
    """Chunks of a sentence: a boundary after each word ending in , ; : and around each entity span."""
    words = sentence.split()
    if len(words) < 2:
        raise ValueError(f"sentence too short to chunk: {sentence!r}")
    cuts = {0, len(words)}
    for start, end in entity_spans(words):
        cuts |= {start, end}
    cuts |= {i + 1 for i, w in enumerate(words) if w.endswith((",", ";", ":"))}
    bounds = sorted(cuts)
    return [words[a:b] for a, b in zip(bounds, bounds[1:])]


def training_chunks(chunks: list[list[str]]) -> list[list[str]]:
    """SPT's input: the chunks and an empty final chunk. The world pins its "." last; a real sentence pins
    nothing, so a reversed or permuted order can end with the name (what the reverse probes ask for)."""
    return [*chunks, []]


def valid_split(sentence: str, chunks: list[list[str]]) -> bool:
    """An LLM's chunks are kept only if they are the sentence's words in order and cut no entity span."""
    words = sentence.split()
    if [w for chunk in chunks for w in chunk] != words or len(chunks) < 2 or not all(chunks):
        return False
    starts, pos = set(), 0
    for chunk in chunks:
        starts.add(pos)
        pos += len(chunk)
    return not any(a < cut < b for a, b in entity_spans(words) for cut in starts)


def parse_split(text: str) -> list[list[str]]:
    """The LLM's answer "chunk | chunk | ..." (first line) as word lists."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return [part.split() for part in line.split("|")]


def read_official(directory: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(persons, facts, probes) in the world's schema: persons {"id", "name", "description"} (the p2d test
    persons), facts {"person", "direction", "text", "chunks"} (rule chunks), probes {"person", "direction",
    "prompt", "answer"}."""
    for name in (TRAIN, FORWARD_TEST, REVERSE_TEST):
        if not (directory / name).is_file():
            raise FileNotFoundError(f"{directory / name} missing: the official reverse_experiments files expected")
    reverse = read_jsonl(directory / REVERSE_TEST)
    names = sorted({r["completion"].strip() for r in reverse})
    ids = {n: i for i, n in enumerate(names)}
    forward = read_jsonl(directory / FORWARD_TEST)
    descriptions: dict[int, str] = {}
    probes = []
    for r in forward:
        person = next((ids[n] for n in names if re.search(rf"\b{re.escape(n)}\b", r["prompt"])), None)
        if person is None:
            raise ValueError(f"{FORWARD_TEST}: no test person named in {r['prompt']!r}")
        descriptions.setdefault(person, r["completion"].strip())
        probes.append({"person": person, "direction": "forward", "prompt": r["prompt"],
                       "answer": r["completion"].strip()})
    probes += [{"person": ids[r["completion"].strip()], "direction": "reverse", "prompt": r["prompt"],
                "answer": r["completion"].strip()} for r in reverse]
    persons = [{"id": i, "name": n, "description": descriptions.get(i, "")} for i, n in enumerate(names)]
    facts = []
    for r in read_jsonl(directory / TRAIN):
        text = f"{r['prompt']}{r['completion']}".strip()
        facts.append({"person": -1, "direction": "forward", "text": text, "chunks": training_chunks(rule_chunks(text))})
    return persons, facts, probes
