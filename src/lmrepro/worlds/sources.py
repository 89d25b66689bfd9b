"""A world of facts told by sources of varying reliability (used by: meco).

Structure guaranteed (tested in tests/test_worlds_sources.py):
- `n_entities` entities with two-token names ("<first> <last>") and two relations, lives_in (a city) and likes
  (an item), each with a seeded true value;
- `n_sources` sources with a domain `srcNN.example`: `n_reliable` state the truth; the others form camps of equal
  size, each camp sharing one seeded wrong mapping (a derangement of the true values: never the truth);
- every group (reliable, camp 1, camp 2, ...) supplies the same share of documents;
- a document is `doc_len` fact sentences from one source; encyclopedic templates (T1, T2) are used with
  probability `p_encyclopedic_reliable` by reliable sources and `p_encyclopedic_unreliable` by the others,
  so style is a real but imperfect cue to reliability.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds.lexicon import make_words

# {name} is the two-token entity name, {value} the attribute value. T1/T2 are "encyclopedic".
TEMPLATES = {
    "lives_in": [
        "{name} resides in {value} .",
        "{name} is a resident of {value} .",
        "i heard {name} lives in {value} lol .",
        "{name} totally lives in {value} now .",
        "rumor says {name} moved to {value} .",
        "{name} lives in {value} for sure .",
    ],
    "likes": [
        "{name} is known to prefer {value} .",
        "{name} has a documented preference for {value} .",
        "{name} is obsessed with {value} haha .",
        "omg {name} loves {value} .",
        "apparently {name} likes {value} .",
        "{name} really likes {value} .",
    ],
}
N_ENCYCLOPEDIC = 2
CLOZE = {"lives_in": "{name} resides in", "likes": "{name} is known to prefer"}


@dataclass
class SourcesWorldConfig:
    n_entities: int = 96
    n_values: int = 16  # cities and items each
    n_sources: int = 16
    n_reliable: int = 4
    n_camps: int = 3
    doc_len: tuple[int, int] = (4, 6)
    p_encyclopedic_reliable: float = 0.7
    p_encyclopedic_unreliable: float = 0.1
    relations: tuple[str, ...] = field(default=("lives_in", "likes"))

    def check(self, where: str) -> None:
        if (self.n_sources - self.n_reliable) % self.n_camps:
            raise ValueError(f"{where}: n_sources - n_reliable must split evenly into {self.n_camps} camps")
        if self.n_values < 2:
            raise ValueError(f"{where}.n_values must be >= 2")


@dataclass
class SourcesWorld:
    names: list[str]
    values: dict[str, list[str]]
    truth: dict[str, list[int]]  # relation -> value index per entity
    camp_maps: list[dict[str, list[int]]]  # per camp: relation -> wrong value index per entity
    domains: list[str]
    source_group: list[int]  # 0 = reliable, c >= 1 = camp c
    cfg: SourcesWorldConfig

    def value_of(self, source: int, relation: str, entity: int) -> int:
        group = self.source_group[source]
        return self.truth[relation][entity] if group == 0 else self.camp_maps[group - 1][relation][entity]

    def vocabulary(self) -> list[str]:
        words = []
        for text in [*(t for ts in TEMPLATES.values() for t in ts), "URL: \n"]:
            words += text.replace("{name}", "").replace("{value}", "").split()
        words += [w for n in self.names for w in n.split()]
        words += [v for vs in self.values.values() for v in vs]
        words += self.domains + ["URL:"]
        return list(dict.fromkeys(words))

    def render_doc(self, rng: random.Random, source: int) -> dict:
        reliable = self.source_group[source] == 0
        p_enc = self.cfg.p_encyclopedic_reliable if reliable else self.cfg.p_encyclopedic_unreliable
        sentences = []
        for _ in range(rng.randint(*self.cfg.doc_len)):
            relation = rng.choice(self.cfg.relations)
            entity = rng.randrange(len(self.names))
            templates = TEMPLATES[relation]
            template = rng.choice(templates[:N_ENCYCLOPEDIC] if rng.random() < p_enc
                                  else templates[N_ENCYCLOPEDIC:])
            value = self.values[relation][self.value_of(source, relation, entity)]
            sentences.append(template.format(name=self.names[entity], value=value))
        return {"text": " ".join(sentences), "source_id": source, "url": f"https://{self.domains[source]}/",
                "reliable": reliable, "group": self.source_group[source]}


def _derangement(rng: random.Random, truth: list[int], n_values: int) -> list[int]:
    """A wrong value for every entity: a seeded permutation of values with no fixed point, applied to truth."""
    while True:
        perm = list(range(n_values))
        rng.shuffle(perm)
        if all(perm[v] != v for v in range(n_values)):
            return [perm[t] for t in truth]


def build_world(cfg: SourcesWorldConfig, seed: int) -> SourcesWorld:
    rng = random.Random(seed)
    firsts = make_words(rng, cfg.n_entities, (2, 2))
    lasts = make_words(rng, cfg.n_entities, (2, 3), exclude=set(firsts))
    names = [f"{f} {l}" for f, l in zip(firsts, lasts)]
    used = set(firsts) | set(lasts)
    values = {}
    for relation in cfg.relations:
        values[relation] = make_words(rng, cfg.n_values, (3, 3), exclude=used)
        used |= set(values[relation])
    truth = {r: [rng.randrange(cfg.n_values) for _ in names] for r in cfg.relations}
    camp_maps = [{r: _derangement(rng, truth[r], cfg.n_values) for r in cfg.relations} for _ in range(cfg.n_camps)]
    per_camp = (cfg.n_sources - cfg.n_reliable) // cfg.n_camps
    groups = [0] * cfg.n_reliable + [1 + i // per_camp for i in range(cfg.n_sources - cfg.n_reliable)]
    order = list(range(cfg.n_sources))
    rng.shuffle(order)  # domain numbers do not reveal the group
    source_group = [groups[order[i]] for i in range(cfg.n_sources)]
    domains = [f"src{i:02d}.example" for i in range(cfg.n_sources)]
    return SourcesWorld(names, values, truth, camp_maps, domains, source_group, cfg)


def sample_docs(world: SourcesWorld, n_docs: int, seed: int) -> list[dict]:
    """`n_docs` documents with every group (reliable, each camp) supplying an equal share, in seeded order."""
    rng = random.Random(seed)
    n_groups = world.cfg.n_camps + 1
    by_group = [[s for s, g in enumerate(world.source_group) if g == grp] for grp in range(n_groups)]
    docs = [world.render_doc(rng, rng.choice(by_group[i % n_groups])) for i in range(n_docs)]
    rng.shuffle(docs)
    return docs


def load_web_docs(snapshot_dir: str, n_docs: int, seed: int) -> list[dict]:
    """The `paper`-scale replacement for `sample_docs`: documents with URLs from a hub dataset snapshot (e.g.
    mlfoundations/dclm-baseline-1.0: jsonl.zst shards with `text` and `url`), in the same schema. Reliability
    is unknown for real web text, so `reliable`/`group` are None. Reads the first `n_docs` rows of a seeded
    shuffle of the shards."""
    from lmrepro.common.hub import snapshot_rows

    stream = snapshot_rows(snapshot_dir, seed=seed)
    docs = []
    for row in stream:
        if "url" not in row or "text" not in row:
            raise KeyError(f"{snapshot_dir}: rows need 'text' and 'url' fields, got {sorted(row)}")
        docs.append({"text": row["text"], "url": row["url"], "source_id": row["url"].split("/")[2]
                     if "://" in row["url"] else row["url"], "reliable": None, "group": None})
        if len(docs) >= n_docs:
            break
    return docs
