"""KID's knowledge structures (paper Sec. 3.1-3.2; official KIDPolicy.update_knowledge, scripts/build_trie.py).

- `KnowledgeTrie`: the external knowledge trie, a sorted key set with `keys(prefix)` as `marisa_trie.Trie.keys`
  (character prefixes: "mira" also finds "miran ..." keys, as the official trie does);
- `trie_keys`: one key per triple, "subject_entities object_entities" (lemmatised lowercase nouns: the world's
  names are already lowercase lemmas);
- `local_memory`: the NOUN/PROPN words of the current text (prompt + generation), deduplicated in order of first
  appearance, FIFO-capped at `capacity` (0 keeps all, as the official code);
- `query_knowledge`: the words of every trie key with a memory entity as prefix, expanded for `hops` hops;
- `bm25_scores`: Okapi BM25 (Lucene's non-negative idf), the small-scale stand-in for DPR.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter

CONTENT_TAGS = ("NOUN", "PROPN")


class KnowledgeTrie:
    def __init__(self, keys):
        self._keys = sorted(set(keys))

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self, prefix: str = "") -> list[str]:
        """Every key that starts with `prefix` (all keys for ""), in sorted order."""
        lo = bisect.bisect_left(self._keys, prefix)
        hi = lo
        while hi < len(self._keys) and self._keys[hi].startswith(prefix):
            hi += 1
        return self._keys[lo:hi]


def trie_keys(triples: list[dict]) -> list[str]:
    """Official build_trie: one "subject object" string per triple (here the entities are the words already)."""
    return [f"{t['subject']} {t['object']}".lower() for t in triples]


def local_memory(words: list[str], pos_tags: dict[str, str], capacity: int = 0) -> list[str]:
    """The NOUN/PROPN words of the text, lowercased, first appearance order; the oldest leave beyond `capacity`."""
    memory: list[str] = []
    for w in words:
        w = w.lower()
        if pos_tags.get(w) in CONTENT_TAGS and w not in memory:
            memory.append(w)
            if capacity and len(memory) > capacity:
                memory.pop(0)
    return memory


def query_knowledge(trie: KnowledgeTrie, memory: list[str], hops: int = 1) -> list[str]:
    """Official update_knowledge: the words of all keys with prefix e for e in memory; the next hop queries those
    words. Distinct words in order of first retrieval."""
    found: dict[str, None] = {}
    frontier = list(memory)
    for _ in range(hops):
        words = [w for e in frontier for key in trie.keys(e) for w in key.split(" ")]
        found.update(dict.fromkeys(words))
        frontier = words
    return list(found)


def bm25_scores(query: list[str], docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> list[float]:
    """Okapi BM25 score of every document for the query words; idf = log(1 + (N - n + 0.5) / (n + 0.5))."""
    if not docs:
        raise ValueError("bm25_scores: no documents")
    n_docs = len(docs)
    avg_len = sum(map(len, docs)) / n_docs
    df = Counter(w for d in docs for w in set(d))
    idf = {w: math.log(1.0 + (n_docs - df[w] + 0.5) / (df[w] + 0.5)) for w in set(query)}
    scores = []
    for d in docs:
        tf = Counter(d)
        norm = k1 * (1.0 - b + b * len(d) / avg_len) if avg_len else k1
        scores.append(sum(idf[w] * tf[w] * (k1 + 1.0) / (tf[w] + norm) for w in query if tf[w]))
    return scores
