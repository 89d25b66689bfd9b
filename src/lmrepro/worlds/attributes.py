"""Sentences with three binary attributes, and in-context episodes that label sentences by one of them
(neurofeedback: the small-scale stand-in for ETHICS commonsense morality).

A sentence is "<person> <verb> the <object> in <place>":
- `moral`: the verb is a helping verb (1) or a harming one (0), the role the ETHICS label plays;
- `animate`: the object is a person (1) or an animal (0);
- `urban`: the place is a city (1) or a village (0).
`split_sentences` draws disjoint sets of distinct sentences (meta-training, the axis-fitting pool, the probe
sentences of the reporting episodes) and `episode` renders "s = y ;" pairs whose label is one attribute with a
random polarity, so that a model meta-trained on them must infer the labelling rule in context (`meta_episode`:
optionally some cued episodes that name their attribute).
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

PERSONS = ("anna", "ben", "carl", "dora", "emil", "fay", "gus", "hana", "ivan", "jade", "karl", "lena")
HELP_VERBS = ("helps", "feeds", "saves", "thanks", "hugs", "heals", "guides", "shelters", "comforts", "protects")
HARM_VERBS = ("hits", "robs", "kicks", "mocks", "bites", "cheats", "chases", "poisons", "scares", "betrays")
PEOPLE = ("child", "doctor", "farmer", "nurse", "baker", "pilot", "widow", "miner", "singer", "judge")
ANIMALS = ("cat", "dog", "horse", "goat", "rabbit", "duck", "sheep", "mouse", "pig", "fox")
CITIES = ("paris", "rome", "berlin", "madrid", "vienna", "prague", "oslo", "lisbon", "dublin", "athens")
VILLAGES = ("oakridge", "millbrook", "elmdale", "foxhollow", "ashford", "brookmere", "thornby", "willowby",
            "stonebury", "marshfield")
ATTRIBUTES = ("moral", "animate", "urban")
LABEL_TOKENS = ("0", "1")
SEPARATOR, END, CUE_END = "=", ";", ":"
UNCUED = "any"  # the cue of an episode whose rule is left to infer (the reporting prompts start with it too)


@dataclass
class AttributesConfig:
    n_words: int = field(default=10, metadata={"help": "words per attribute value (verbs, objects, places; <= 10)"})
    n_persons: int = field(default=12, metadata={"help": "subject names (<= 12)"})
    n_train: int = field(default=3000, metadata={"help": "meta-training sentences"})
    n_pool: int = field(default=600, metadata={"help": "sentences the axes are fitted on (disjoint from the rest)"})
    n_probe: int = field(default=600, metadata={"help": "sentences of the reporting episodes"})

    def check(self, where: str) -> None:
        if not 2 <= self.n_words <= 10 or not 1 <= self.n_persons <= len(PERSONS):
            raise ValueError(f"{where}: n_words must be in [2, 10] and n_persons in [1, {len(PERSONS)}]")
        total = self.n_persons * (2 * self.n_words) ** 3
        if self.n_train + self.n_pool + self.n_probe > total:
            raise ValueError(f"{where}: n_train + n_pool + n_probe exceeds the {total} distinct sentences")


def lexicon(cfg: AttributesConfig) -> dict[str, dict[int, tuple[str, ...]]]:
    k = cfg.n_words
    return {"moral": {1: HELP_VERBS[:k], 0: HARM_VERBS[:k]}, "animate": {1: PEOPLE[:k], 0: ANIMALS[:k]},
            "urban": {1: CITIES[:k], 0: VILLAGES[:k]}}


def vocabulary(cfg: AttributesConfig) -> list[str]:
    words = list(PERSONS[:cfg.n_persons])
    for values in lexicon(cfg).values():
        words += [*values[0], *values[1]]
    return [*words, "the", "in", SEPARATOR, END, CUE_END, UNCUED, *ATTRIBUTES, *LABEL_TOKENS]


def split_sentences(cfg: AttributesConfig, seed: int) -> dict[str, list[dict]]:
    """Disjoint `train` / `pool` / `probe` lists of distinct sentences {"text", "moral", "animate", "urban"}."""
    lex = lexicon(cfg)
    rng = random.Random(seed)
    slots = [[(w, v) for v in (0, 1) for w in lex[a][v]] for a in ATTRIBUTES]
    combos = list(itertools.product(PERSONS[:cfg.n_persons], *slots))
    picked = rng.sample(combos, cfg.n_train + cfg.n_pool + cfg.n_probe)
    rows = [{"text": f"{p} {verb} the {obj} in {place}", "moral": mv, "animate": av, "urban": uv}
            for p, (verb, mv), (obj, av), (place, uv) in picked]
    return {"train": rows[:cfg.n_train], "pool": rows[cfg.n_train:cfg.n_train + cfg.n_pool],
            "probe": rows[cfg.n_train + cfg.n_pool:]}


def episode(sentences: list[str], labels: list[int]) -> str:
    """"s1 = y1 ; s2 = y2 ; ..." (the label token follows the separator; the readout is at the separator)."""
    return " ".join(f"{s} {SEPARATOR} {LABEL_TOKENS[y]} {END}" for s, y in zip(sentences, labels, strict=True))


def meta_episode(rows: list[dict], n_pairs: int, rng: random.Random, cued_share: float = 0.0) -> str:
    """An episode of `n_pairs` random sentences labelled by one random attribute. With probability `cued_share`
    it is cued ("<attribute> : ..."), with the attribute's own polarity, so that the attributes become features
    the model computes (the analogue of pretraining making morality salient); otherwise uncued ("any : ...") with
    a random polarity, so that the rule must be inferred in context."""
    attribute, cued = rng.choice(ATTRIBUTES), rng.random() < cued_share
    flip = False if cued else rng.random() < 0.5
    chosen = rng.sample(rows, n_pairs)
    text = episode([r["text"] for r in chosen], [r[attribute] ^ flip for r in chosen])
    return f"{attribute if cued else UNCUED} {CUE_END} {text}"
