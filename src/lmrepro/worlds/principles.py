"""A world of entities to describe, a clause grammar, and principles with programmatic checkers (used by: sami).

Structure guaranteed (tested in tests/test_worlds_principles.py):
- `n_entities` entities, each a one-token name with five attributes: species, color, size, home (a place name)
  and friend (another entity); every word is a single whitespace-free token, so a word-level tokenizer covers
  the world exactly (`PrinciplesWorld.vocabulary()`).
- Query: ``describe <name>``. Response grammar (`parse` accepts exactly this language):
      response := [MARKER] clause ( "and" clause )* "."
      clause   := "it is a" SPECIES | "it is" COLOR | "it is" SIZE | "it lives in" HOME | "its friend is" NAME
  with each attribute at most once (so 1-5 clauses).
- Three binary principles, each with an antithesis and a checker on the response text:
      P1 brevity:  thesis "<= 2 clauses"            antithesis ">= 4 clauses"
      P2 color:    thesis "mentions its color"      antithesis "never mentions a color"
      P3 register: thesis "polite marker present"   antithesis "no polite marker"
  A constitution is one choice (thesis or antithesis) per principle: 2^3 = 8 constitutions, rendered as a
  numbered list of 3-token principle sentences (every prompt has the same length). `n_heldout` of them (a
  seeded complementary pair, so each held-out pair contains every thesis and antithesis once) are held out of
  training.
- `sample_response(.., bits)`: the *weak* base-LM habit the pretraining corpus teaches: each principle of the
  constitution is obeyed with probability `p_obey`, otherwise its feature is drawn from the unconditioned habit
  (`n_clauses_habit` weights, `p_color_habit`, `p_polite_habit`). Facts stated are always true.
- A pure function of (config, seed): same seed, byte-identical world and corpora.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lmrepro.worlds.lexicon import make_words

ATTRIBUTES = ("species", "color", "size", "home", "friend")
CLAUSE = {"species": "it is a {}", "color": "it is {}", "size": "it is {}", "home": "it lives in {}",
          "friend": "its friend is {}"}
SPECIES = ("cat", "dog", "fox", "owl", "bear", "frog", "hare", "crow", "deer", "wolf", "mole", "swan")
COLORS = ("red", "blue", "green", "yellow", "black", "white", "purple", "orange")
SIZES = ("tiny", "small", "big", "huge")
MARKER = "kindly"
# Principle sentences: (thesis, antithesis) per principle, 3 tokens each.
PRINCIPLES = (
    ("answer in brief", "answer at length"),        # P1 brevity
    ("mention its color", "never mention color"),   # P2 color
    ("use polite words", "use plain words"),        # P3 register
)
PRINCIPLE_NAMES = ("brevity", "color", "register")
FUNCTION_WORDS = ("constitution", ":", "query", "describe", "answer", "and", ".", "1", "2", "3", "it", "is", "a",
                  "lives", "in", "its", "friend")


@dataclass
class PrinciplesWorldConfig:
    n_entities: int = 320
    n_homes: int = 12
    n_heldout: int = 2  # held-out constitutions (a complementary pair)
    # Each principle is obeyed with prob p_obey, else the feature follows the unconditioned habit. The spec's
    # 0.65 with a uniform habit gives a base whose *greedy* answers already obey ~0.96 of principles (the argmax
    # of a 0.8-likely behaviour is that behaviour), leaving no headroom; a habit that no brevity setting
    # satisfies (3 clauses), that usually mentions color and is usually plain, with p_obey = 0.45, gives greedy
    # base adherence ~0.62, the spec's intended ~0.65 (calibrated on the base model only, before any SAMI run).
    p_obey: float = 0.45
    n_clauses_habit: tuple[float, ...] = (0.0, 0.0, 1.0, 0.0, 0.0)  # weights of 1..5 clauses, unconditioned
    p_color_habit: float = 0.8
    p_polite_habit: float = 0.2
    p_unconditioned: float = 0.2  # share of corpus rows with no constitution (plain "query: .. answer: ..")

    def check(self, where: str) -> None:
        if self.n_heldout not in (0, 2):
            raise ValueError(f"{where}.n_heldout must be 0 or 2 (one complementary pair), got {self.n_heldout}")
        if len(self.n_clauses_habit) != 5 or min(self.n_clauses_habit) < 0 or sum(self.n_clauses_habit) <= 0:
            raise ValueError(f"{where}.n_clauses_habit must be 5 non-negative weights (1..5 clauses)")
        for name in ("p_obey", "p_color_habit", "p_polite_habit", "p_unconditioned"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1]")
        if self.n_entities < 4:
            raise ValueError(f"{where}.n_entities must be >= 4")


Bits = tuple[int, int, int]  # per principle: 1 = thesis, 0 = antithesis


def all_constitutions() -> list[Bits]:
    return [(a, b, c) for a in (1, 0) for b in (1, 0) for c in (1, 0)]


def principle_sentences(bits: Bits) -> list[str]:
    return [PRINCIPLES[p][0 if bits[p] else 1] for p in range(3)]


def render_constitution(bits: Bits, order: tuple[int, ...] = (0, 1, 2)) -> str:
    """'1 answer in brief . 2 mention its color . 3 use polite words .' with principles in `order`."""
    parts = [f"{i + 1} {PRINCIPLES[p][0 if bits[p] else 1]} ." for i, p in enumerate(order)]
    return " ".join(parts)


def prompt_text(bits: Bits | None, name: str, order: tuple[int, ...] = (0, 1, 2)) -> str:
    query = f"query : describe {name} answer :"
    return query if bits is None else f"constitution : {render_constitution(bits, order)} {query}"


@dataclass
class PrinciplesWorld:
    names: list[str]
    attrs: list[dict[str, str]]  # per entity: attribute -> value word
    homes: list[str]
    train_constitutions: list[Bits]
    heldout_constitutions: list[Bits]
    cfg: PrinciplesWorldConfig = field(repr=False)

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {"names": self.names, "attrs": self.attrs, "homes": self.homes,
                "train_constitutions": [list(c) for c in self.train_constitutions],
                "heldout_constitutions": [list(c) for c in self.heldout_constitutions], "config": asdict(self.cfg)}

    @classmethod
    def from_json(cls, d: dict) -> "PrinciplesWorld":
        cfg = d["config"]
        cfg = PrinciplesWorldConfig(**{**cfg, "n_clauses_habit": tuple(cfg["n_clauses_habit"])})
        return cls(d["names"], d["attrs"], d["homes"], [tuple(c) for c in d["train_constitutions"]],
                   [tuple(c) for c in d["heldout_constitutions"]], cfg)

    def vocabulary(self) -> list[str]:
        words = list(FUNCTION_WORDS) + [MARKER]
        for thesis, anti in PRINCIPLES:
            words += thesis.split() + anti.split()
        words += list(SPECIES) + list(COLORS) + list(SIZES) + self.homes + self.names
        return list(dict.fromkeys(words))

    # -- generation -------------------------------------------------------------------------------------------
    def sample_response(self, rng: random.Random, entity: int, bits: Bits | None) -> str:
        """One response for `entity` under constitution `bits` (None: the unconditioned habit)."""
        cfg = self.cfg

        def obey() -> bool:
            return bits is not None and rng.random() < cfg.p_obey

        if obey():
            n = rng.choice((1, 2)) if bits[0] else rng.choice((4, 5))
        else:
            n = rng.choices(range(1, 6), weights=cfg.n_clauses_habit)[0]
        color = bool(bits[1]) if obey() else rng.random() < cfg.p_color_habit
        polite = bool(bits[2]) if obey() else rng.random() < cfg.p_polite_habit
        others = [a for a in ATTRIBUTES if a != "color"]
        n = min(n, 4) if not color else n  # 5 clauses need the color clause
        chosen = rng.sample(others, n - 1 if color else n) + (["color"] if color else [])
        rng.shuffle(chosen)
        clauses = " and ".join(CLAUSE[a].format(self.attrs[entity][a]) for a in chosen)
        return f"{MARKER + ' ' if polite else ''}{clauses} ."

    # -- checking ---------------------------------------------------------------------------------------------
    def parse(self, response: str) -> dict | None:
        """{"polite": bool, "clauses": [(attribute, value), ...]} if `response` is in the grammar, else None."""
        toks = response.split()
        polite = bool(toks) and toks[0] == MARKER
        if polite:
            toks = toks[1:]
        if len(toks) < 2 or toks[-1] != ".":
            return None
        clauses, seen = [], set()
        for chunk in " ".join(toks[:-1]).split(" and "):
            attr = self._clause_attr(chunk.split())
            if attr is None or attr[0] in seen:
                return None
            seen.add(attr[0])
            clauses.append(attr)
        return {"polite": polite, "clauses": clauses}

    def _clause_attr(self, w: list[str]) -> tuple[str, str] | None:
        if len(w) == 4 and w[:3] == ["it", "is", "a"] and w[3] in SPECIES:
            return ("species", w[3])
        if len(w) == 3 and w[:2] == ["it", "is"] and w[2] in COLORS:
            return ("color", w[2])
        if len(w) == 3 and w[:2] == ["it", "is"] and w[2] in SIZES:
            return ("size", w[2])
        if len(w) == 4 and w[:3] == ["it", "lives", "in"] and w[3] in self.homes:
            return ("home", w[3])
        if len(w) == 4 and w[:3] == ["its", "friend", "is"] and w[3] in self._name_set:
            return ("friend", w[3])
        return None

    def __post_init__(self) -> None:
        self._name_set = set(self.names)


def features(response: str) -> dict:
    """Surface features the checkers read (defined on any string, grammatical or not)."""
    toks = response.split()
    n_clauses = sum(1 for i, t in enumerate(toks) if t in ("it", "its") and (i == 0 or toks[i - 1] in ("and", MARKER)))
    return {"n_clauses": n_clauses, "color": any(t in COLORS for t in toks), "polite": MARKER in toks}


def check(response: str, bits: Bits) -> list[bool]:
    """Per principle: does `response` satisfy the thesis (bit 1) or the antithesis (bit 0) the constitution asks?"""
    f = features(response)
    p1 = f["n_clauses"] <= 2 and f["n_clauses"] >= 1 if bits[0] else f["n_clauses"] >= 4
    p2 = f["color"] if bits[1] else not f["color"]
    p3 = f["polite"] if bits[2] else not f["polite"]
    return [bool(p1), bool(p2), bool(p3)]


def adherence(response: str, bits: Bits) -> float:
    """Fraction of the constitution's principles the response satisfies (0, 1/3, 2/3 or 1)."""
    return sum(check(response, bits)) / 3.0


def build_world(cfg: PrinciplesWorldConfig, seed: int) -> PrinciplesWorld:
    rng = random.Random(seed)
    names = make_words(rng, cfg.n_entities, (2, 2))
    homes = make_words(rng, cfg.n_homes, (3, 3), exclude=set(names))
    attrs = []
    for i in range(cfg.n_entities):
        friend = rng.randrange(cfg.n_entities - 1)
        attrs.append({"species": rng.choice(SPECIES), "color": rng.choice(COLORS), "size": rng.choice(SIZES),
                      "home": rng.choice(homes), "friend": names[friend + (friend >= i)]})
    consts = all_constitutions()
    heldout: list[Bits] = []
    if cfg.n_heldout:
        first = rng.choice(consts)
        heldout = [first, tuple(1 - b for b in first)]
    train = [c for c in consts if c not in heldout]
    return PrinciplesWorld(names, attrs, homes, train, heldout, cfg)


def sample_corpus(world: PrinciplesWorld, n_rows: int, seed: int, entities: list[int] | None = None,
                  constitutions: list[Bits] | None = None) -> list[dict]:
    """Pretraining rows {"prompt", "response", "bits"}: constitution-conditioned (principle order shuffled) with
    probability 1 - p_unconditioned, else unconditioned (bits None)."""
    rng = random.Random(seed)
    entities = list(range(len(world.names))) if entities is None else entities
    constitutions = constitutions or all_constitutions()
    rows = []
    for _ in range(n_rows):
        e = rng.choice(entities)
        if rng.random() < world.cfg.p_unconditioned:
            bits, order = None, (0, 1, 2)
        else:
            bits = rng.choice(constitutions)
            order = tuple(rng.sample(range(3), 3))
        rows.append({"prompt": prompt_text(bits, world.names[e], order),
                     "response": world.sample_response(rng, e, bits),
                     "bits": None if bits is None else list(bits), "order": list(order), "entity": e})
    return rows
