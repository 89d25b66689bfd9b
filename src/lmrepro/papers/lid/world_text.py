"""The synthetic-world text the tiny LM is pre-trained on (spec Small scale: the BabyAI colour/type lexicon, spatial
relations, how to act), standing in for GPT-2's web text. Held-out (colour, type) pairs occur here descriptively
(that is the knowledge the LM is meant to carry), never as instructions: no sentence starts with an instruction verb.

Three kinds of sentence, drawn uniformly: a random egocentric view as the policy reads it (`view_text`), a
relation between two objects, and a fact about acting. A pure function of (n_sentences, seed)."""
from __future__ import annotations

import random

from lmrepro.papers.lid.policy import view_text
from lmrepro.worlds import babyai

TYPES = ("key", "ball", "box")
RELATIONS = ("left of", "right of", "in front of", "behind", "next to", "far from")
FACTS = (
    "to pick up an object face it and use pickup .",
    "to reach an object turn until it is ahead and move forward .",
    "an object 1 steps ahead is the object you face .",
    "an object to the left comes ahead after you turn left .",
    "an object to the right comes ahead after you turn right .",
    "you can carry one object at a time .",
    "walls block the way and are not objects .",
)
OBJECT_IDS = {name: i for i, name in enumerate(babyai.OBJECTS)}


def random_view(rng: random.Random, n_objects: int) -> list[list[list[int]]]:
    """A 7x7 egocentric image (image[x][y]) with `n_objects` keys, balls or boxes on free cells."""
    image = [[[OBJECT_IDS["empty"], 0, 0] for _ in range(babyai.VIEW)] for _ in range(babyai.VIEW)]
    cells = [(x, y) for x in range(babyai.VIEW) for y in range(babyai.VIEW)
             if (x, y) != (babyai.AGENT_COLUMN, babyai.AGENT_ROW)]
    for x, y in rng.sample(cells, n_objects):
        image[x][y] = [OBJECT_IDS[rng.choice(TYPES)], rng.randrange(len(babyai.COLORS)), 0]
    return image


def sentence(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return view_text(random_view(rng, rng.randint(1, 6)), max_objects=6)
    if kind == 1:
        a, b = (f"{rng.choice(babyai.COLORS)} {rng.choice(TYPES)}" for _ in range(2))
        return f"the {a} is {rng.choice(RELATIONS)} the {b} ."
    return rng.choice(FACTS)


def world_sentences(n_sentences: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [sentence(rng) for _ in range(n_sentences)]
