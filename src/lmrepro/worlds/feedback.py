"""Answers about entities with programmatic quality oracles, feedback templates, preference pairs, and
criterion-conditioned preferences with reversals (used by: coh, implicit_reward, context_pref).

Entities have `n_attributes` attributes (color, city, food, pet, job, tool) with seeded values. Three views:

1. Fact reports (coh, implicit_reward). Query ``tell me about <name>``; an answer is a list of attribute
   statements ``<attribute> is <value> ;`` ending with ``.`` (`render_answer` / `parse_answer`, exact inverses).
   - `quality(world, name, answer)` = (#correct - 2 * #wrong) / n_attributes, the coh oracle (None if the answer
     is not in the answer language).
   - `fact_score(world, name, answer)` = #correct - #wrong, and format compliance, the implicit_reward oracle.
   - `noisy_answer(.., k_correct, m_wrong)` states exactly k true and m false facts (distinct attributes).
   - `preference_pairs`: (chosen, rejected) with a strictly higher `quality` for chosen (ties are dropped).
   - `single_fact_pairs`: chosen = the true full answer; rejected = the same answer with exactly one value
     replaced by a wrong one; `diff_token` is the index of the only differing token.
   - `description_corpus`: every fact of every entity (fine-tuning and held-out entities alike) stated exactly
     `exposures` times in varied sentence frames: held-out entities' facts are known only from this text.
   - `FEEDBACK` templates (coh's "a good answer", "a bad answer", comparisons) in world words.
2. Styled answers (context_pref). A style is 5 bits over `STYLES` (brevity, formality, fact, humor, science);
   `styled_answer` renders the same entity under a style, and `style_of` reads the bits back exactly.
   - Criteria: per style and polarity, `n_paraphrases` phrasings, positive ("prefer short answers") and
     negative ("avoid long answers": the same preference stated through its opposite).
   - `prefers(criterion, a, b)`: the oracle; for every criterion the opposite-polarity criterion reverses it
     (RPR), and a pair that does not differ on the criterion's style has no preference (never generated).
   - `rpr_pairs`: answer pairs differing on >= `min_style_diff` styles, each with a criterion and its
     reversal; `profile_prefers` scores pairs under a user profile (weights over criteria).
- A pure function of (config, seed): the same seed gives byte-identical worlds, corpora and pairs.
- Paper scale: `load_rpr` (microsoft/rpr) and `load_comparisons` (Anthropic/hh-rlhf and the like) read the real
  datasets into the `rpr_pairs` / `preference_pairs` row schemas.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from lmrepro.worlds.lexicon import make_words

ATTRIBUTES = ("color", "city", "food", "pet", "job", "tool")
VALUES = {
    "color": ("red", "blue", "green", "yellow", "black", "white", "purple", "orange"),
    "food": ("bread", "rice", "soup", "cheese", "apples", "fish", "beans", "cake"),
    "pet": ("cat", "dog", "parrot", "rabbit", "horse", "goat", "turtle", "hamster"),
    "job": ("baker", "farmer", "teacher", "doctor", "painter", "sailor", "miner", "judge"),
    "tool": ("hammer", "brush", "spoon", "saw", "needle", "ladder", "rope", "knife"),
}
FRAMES = ("the {attribute} of {name} is {value} .", "{name} has {value} as {attribute} .",
          "as for {name} , the {attribute} is {value} .")
FEEDBACK = {"good": "a good answer :", "bad": "a bad answer :",
            "better": "the first answer is better than the second :",
            "worse": "the first answer is worse than the second :"}
STYLES = ("brevity", "formality", "fact", "humor", "science")
# Criterion phrasings per style: (prefers bit 1, prefers bit 0).
CRITERIA = {
    "brevity": (("prefer short answers", "keep answers brief", "fewer words are better"),
                ("prefer long answers", "give detailed answers", "more words are better")),
    "formality": (("prefer formal answers", "use a polite register", "be formal"),
                  ("prefer casual answers", "use a relaxed register", "be casual")),
    "fact": (("prefer answers with facts", "state concrete facts", "include a fact"),
             ("prefer vague answers", "stay general", "leave facts out")),
    "humor": (("prefer funny answers", "add a joke", "be playful"),
              ("prefer serious answers", "no jokes", "be sober")),
    "science": (("prefer technical answers", "use precise terms", "sound scientific"),
                ("prefer plain answers", "use everyday words", "sound simple")),
}


@dataclass
class FeedbackWorldConfig:
    n_entities: int = 300
    n_heldout: int = 100         # entities kept out of fine-tuning data (facts only in `description_corpus`)
    n_attributes: int = 5        # attributes per entity (the first n of ATTRIBUTES)
    n_cities: int = 8
    exposures: int = 3           # times each fact is stated in the description corpus
    n_paraphrases: int = 3       # criterion phrasings per style and polarity (<= 3)
    min_style_diff: int = 3      # context_pref: answers of a pair differ on at least this many styles

    def check(self, where: str = "feedback") -> None:
        if not 2 <= self.n_attributes <= len(ATTRIBUTES):
            raise ValueError(f"{where}.n_attributes must be in [2, {len(ATTRIBUTES)}], got {self.n_attributes}")
        if not 0 <= self.n_heldout < self.n_entities:
            raise ValueError(f"{where}.n_heldout must be in [0, n_entities), got {self.n_heldout}")
        if not 1 <= self.n_paraphrases <= 3:
            raise ValueError(f"{where}.n_paraphrases must be in [1, 3], got {self.n_paraphrases}")
        if not 1 <= self.min_style_diff <= len(STYLES):
            raise ValueError(f"{where}.min_style_diff must be in [1, {len(STYLES)}], got {self.min_style_diff}")
        if self.exposures < 1:
            raise ValueError(f"{where}.exposures must be >= 1, got {self.exposures}")


@dataclass
class FeedbackWorld:
    entities: dict[str, dict[str, str]]
    values: dict[str, tuple[str, ...]]
    finetune: list[str]
    heldout: list[str]

    @property
    def attributes(self) -> list[str]:
        return list(self.values)

    def vocabulary(self) -> list[str]:
        words = set(self.entities) | {v for vals in self.values.values() for v in vals} | set(self.values)
        for text in [*FRAMES, *FEEDBACK.values(), "tell me about is ; .", "the answer is about"]:
            words |= {w for w in text.split() if not w.startswith("{")}
        for pair in CRITERIA.values():
            words |= {w for phrases in pair for p in phrases for w in p.split()}
        words |= {"indeed", "yeah", "specifically", "haha", "something", "avoid"}
        return sorted(words)


def build_world(cfg: FeedbackWorldConfig, seed: int) -> FeedbackWorld:
    cfg.check()
    rng = random.Random(f"feedback-world-{seed}")
    names = make_words(rng, cfg.n_entities, syllables=(2, 3))
    cities = tuple(make_words(rng, cfg.n_cities, syllables=(3, 3), exclude=set(names)))
    values = {a: (cities if a == "city" else VALUES[a]) for a in ATTRIBUTES[: cfg.n_attributes]}
    entities = {n: {a: rng.choice(v) for a, v in values.items()} for n in names}
    heldout = sorted(rng.sample(names, cfg.n_heldout))
    finetune = [n for n in names if n not in set(heldout)]
    return FeedbackWorld(entities, values, finetune, heldout)


# ---- 1. fact reports ------------------------------------------------------------------------------------------
def query(name: str) -> str:
    return f"tell me about {name}"


def render_answer(facts: list[tuple[str, str]]) -> str:
    return " ".join(f"{a} is {v} ;" for a, v in facts) + " ."


def parse_answer(world: FeedbackWorld, text: str) -> list[tuple[str, str]] | None:
    """The facts of an answer in the answer language, else None (also for a repeated attribute)."""
    tokens = text.split()
    if not tokens or tokens[-1] != "." or (len(tokens) - 1) % 4:
        return None
    facts = []
    for i in range(0, len(tokens) - 1, 4):
        attr, is_, value, semi = tokens[i:i + 4]
        if attr not in world.values or is_ != "is" or semi != ";" or value not in world.values[attr]:
            return None
        facts.append((attr, value))
    return facts if len({a for a, _ in facts}) == len(facts) else None


def quality(world: FeedbackWorld, name: str, answer: str) -> float | None:
    facts = parse_answer(world, answer)
    if facts is None:
        return None
    right = sum(world.entities[name][a] == v for a, v in facts)
    return (right - 2 * (len(facts) - right)) / len(world.values)


def fact_score(world: FeedbackWorld, name: str, answer: str) -> dict:
    """implicit_reward's oracle: +1 per correct fact, -1 per wrong fact; a non-compliant answer scores 0."""
    facts = parse_answer(world, answer)
    if facts is None:
        return {"score": 0, "compliant": False}
    right = sum(world.entities[name][a] == v for a, v in facts)
    return {"score": right - (len(facts) - right), "compliant": True}


def noisy_answer(world: FeedbackWorld, name: str, k_correct: int, m_wrong: int, rng: random.Random) -> str:
    if k_correct + m_wrong > len(world.values) or min(k_correct, m_wrong) < 0:
        raise ValueError(f"k_correct + m_wrong must be in [0, {len(world.values)}], got {k_correct} + {m_wrong}")
    attrs = rng.sample(world.attributes, k_correct + m_wrong)
    truth = world.entities[name]
    facts = [(a, truth[a]) if i < k_correct else (a, rng.choice([v for v in world.values[a] if v != truth[a]]))
             for i, a in enumerate(attrs)]
    rng.shuffle(facts)
    return render_answer(facts)


def true_answer(world: FeedbackWorld, name: str) -> str:
    return render_answer([(a, world.entities[name][a]) for a in world.attributes])


def preference_pairs(world: FeedbackWorld, names: list[str], n: int, seed: int) -> list[dict]:
    """Rows {"name", "prompt", "chosen", "rejected", "q_chosen", "q_rejected"} with q_chosen > q_rejected."""
    rng = random.Random(f"feedback-pairs-{seed}")
    rows, n_attr = [], len(world.values)
    while len(rows) < n:
        name = rng.choice(names)
        answers = []
        for _ in range(2):
            total = rng.randint(1, n_attr)
            k = rng.randint(0, total)
            answers.append(noisy_answer(world, name, k, total - k, rng))
        q = [quality(world, name, a) for a in answers]
        if q[0] == q[1]:
            continue
        hi = int(q[1] > q[0])
        rows.append({"name": name, "prompt": query(name), "chosen": answers[hi], "rejected": answers[1 - hi],
                     "q_chosen": q[hi], "q_rejected": q[1 - hi]})
    return rows


def single_fact_pairs(world: FeedbackWorld, names: list[str], seed: int) -> list[dict]:
    """One pair per name: the true answer vs the same answer with one value wrong (at token `diff_token`)."""
    rng = random.Random(f"feedback-single-{seed}")
    rows = []
    for name in names:
        chosen = true_answer(world, name).split()
        i = rng.randrange(len(world.values))
        attr = world.attributes[i]
        rejected = list(chosen)
        rejected[4 * i + 2] = rng.choice([v for v in world.values[attr] if v != world.entities[name][attr]])
        rows.append({"name": name, "prompt": query(name), "chosen": " ".join(chosen),
                     "rejected": " ".join(rejected), "attribute": attr, "diff_token": 4 * i + 2})
    return rows


def description_corpus(world: FeedbackWorld, cfg: FeedbackWorldConfig, seed: int) -> list[str]:
    """Every fact of every entity exactly `cfg.exposures` times, frames rotating, in a seeded order."""
    rng = random.Random(f"feedback-descriptions-{seed}")
    lines = [FRAMES[(i + k) % len(FRAMES)].format(attribute=a, name=n, value=v)
             for i, (n, facts) in enumerate(world.entities.items()) for a, v in facts.items()
             for k in range(cfg.exposures)]
    rng.shuffle(lines)
    return lines


def write_world(world: FeedbackWorld, cfg: FeedbackWorldConfig, seed: int, out_dir) -> int:
    """A prep stage's world files: world.json (`read_world` reads it back), the description corpus as
    corpus.jsonl rows {"text"} (for `lmrepro.common.batches:sentence_batches`) and a word-level tokenizer/ over
    the world's vocabulary. Returns the corpus size."""
    import json
    from dataclasses import asdict
    from pathlib import Path

    from lmrepro.common.tokenizers import build_word_tokenizer

    out_dir = Path(out_dir)
    (out_dir / "world.json").write_text(json.dumps(asdict(world)))
    corpus = description_corpus(world, cfg, seed)
    (out_dir / "corpus.jsonl").write_text("".join(json.dumps({"text": line}) + "\n" for line in corpus))
    build_word_tokenizer(world.vocabulary()).save_pretrained(out_dir / "tokenizer")
    return len(corpus)


def add_answer_reports(out_dir, world: FeedbackWorld, names: list[str], times: int, seed: int) -> int:
    """Append each entity's answer-format report (its query, then its true answer) `times` times to the
    corpus.jsonl that `write_world` wrote, and shuffle the corpus (seeded): a base that has seen the answer format
    for those entities, as a real pretrained LM has seen chat text. Returns the corpus size."""
    import json
    import random
    from pathlib import Path

    path = Path(out_dir) / "corpus.jsonl"
    corpus = [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    corpus += [f"{query(n)} {true_answer(world, n)}" for n in names] * times
    random.Random(seed).shuffle(corpus)
    path.write_text("".join(json.dumps({"text": line}) + "\n" for line in corpus))
    return len(corpus)


def read_world(path) -> FeedbackWorld:
    import json
    from pathlib import Path

    return FeedbackWorld(**json.loads(Path(path).read_text()))


# ---- 2. styled answers and criteria ------------------------------------------------------------------------
def styled_answer(world: FeedbackWorld, name: str, style: tuple[int, ...]) -> str:
    """The same entity under a 5-bit style (1 = short, formal, factual, humorous, scientific)."""
    short, formal, factual, funny, science = style
    facts = world.attributes[:1] if short else world.attributes[:3]
    words = ["indeed" if formal else "yeah"]
    if science:
        words.append("specifically")
    for a in facts:
        words += [a, "is", world.entities[name][a] if factual else "something", ";"]
    if funny:
        words.append("haha")
    return " ".join(words + ["."])


def style_of(answer: str) -> tuple[int, ...]:
    tokens = answer.split()
    return (int(tokens.count(";") == 1), int(tokens[0] == "indeed"), int("something" not in tokens),
            int("haha" in tokens), int("specifically" in tokens))


def criteria(cfg: FeedbackWorldConfig) -> list[dict]:
    """Every criterion: {"style", "polarity" (1: prefers bit 1), "text", "negative" (stated via the opposite)}."""
    out = []
    for style, (thesis, antithesis) in CRITERIA.items():
        for polarity, phrases, opposite in ((1, thesis, antithesis), (0, antithesis, thesis)):
            for text in phrases[: cfg.n_paraphrases]:
                out.append({"style": style, "polarity": polarity, "text": text, "negative": False})
            out.append({"style": style, "polarity": polarity, "negative": True,
                        "text": "avoid " + opposite[0].split(" ", 1)[1]})
    return out


def prefers(criterion: dict, a: str, b: str) -> int:
    """1 if the criterion prefers answer a, 0 if b, -1 if a and b do not differ on its style."""
    i = STYLES.index(criterion["style"])
    bit_a, bit_b = style_of(a)[i], style_of(b)[i]
    if bit_a == bit_b:
        return -1
    return int(bit_a == criterion["polarity"])


def rpr_pairs(world: FeedbackWorld, cfg: FeedbackWorldConfig, names: list[str], n: int, seed: int,
              styles: tuple[str, ...] = STYLES, negative: bool = False) -> list[dict]:
    """Reasonable-preference-reversal rows: a pair, a criterion x preferring `a`, its reversal y preferring `b`.

    Row schema: {"prompt", "a", "b", "criterion_x": dict, "criterion_y": dict}; criteria are drawn among `styles`
    and are negative phrasings when `negative` (the adversarial test).
    """
    rng = random.Random(f"feedback-rpr-{seed}")
    pool = [c for c in criteria(cfg) if c["style"] in styles and c["negative"] == negative]
    rows = []
    while len(rows) < n:
        name = rng.choice(names)
        sa = tuple(rng.randint(0, 1) for _ in STYLES)
        flip = set(rng.sample(range(len(STYLES)), rng.randint(cfg.min_style_diff, len(STYLES))))
        sb = tuple(1 - bit if i in flip else bit for i, bit in enumerate(sa))
        a, b = styled_answer(world, name, sa), styled_answer(world, name, sb)
        x = rng.choice([c for c in pool if prefers(c, a, b) != -1] or [None])
        if x is None:
            continue
        if prefers(x, a, b) == 0:
            a, b = b, a
        y = rng.choice([c for c in pool if c["style"] == x["style"] and c["polarity"] != x["polarity"]])
        rows.append({"prompt": query(name), "a": a, "b": b, "criterion_x": x, "criterion_y": y})
    return rows


def profile_prefers(profile: dict[str, float], a: str, b: str) -> int:
    """A user profile weights styles (+w: prefers bit 1, -w: bit 0); 1 if it prefers a, 0 if b, -1 on a tie."""
    score = sum(w * (style_of(a)[STYLES.index(s)] - style_of(b)[STYLES.index(s)]) for s, w in profile.items())
    return -1 if score == 0 else int(score > 0)


def sample_profiles(n: int, seed: int) -> list[dict[str, float]]:
    """Seeded user profiles: distinct non-zero weights on every style, so no pair differing on a style ties."""
    rng = random.Random(f"feedback-profiles-{seed}")
    return [{s: rng.choice([-1, 1]) * w for s, w in zip(STYLES, rng.sample([1, 2, 4, 8, 16], len(STYLES)))}
            for _ in range(n)]


# ---- paper scale: the real datasets in the same row schemas ---------------------------------------------------
def load_rpr(snapshot_dir: str, split: str = "test", n: int | None = None) -> list[dict]:
    """microsoft/rpr rows as `rpr_pairs` rows: response_a is preferred under criteria_x, response_b under
    criteria_y. Real criteria are free text, so their style/polarity fields are None."""
    from lmrepro.common.hub import snapshot_rows

    rows = []
    for row in snapshot_rows(snapshot_dir, split=split):
        missing = {"prompt", "response_a", "response_b", "criteria_x", "criteria_y"} - set(row)
        if missing:
            raise KeyError(f"{snapshot_dir}: RPR rows need {sorted(missing)}, got {sorted(row)}")
        crit = lambda text: {"style": None, "polarity": None, "negative": None, "text": text}  # noqa: E731
        rows.append({"prompt": row["prompt"], "a": row["response_a"], "b": row["response_b"],
                     "criterion_x": crit(row["criteria_x"]), "criterion_y": crit(row["criteria_y"])})
        if n is not None and len(rows) >= n:
            break
    return rows


def load_comparisons(snapshot_dir: str, split: str = "train", n: int | None = None) -> list[dict]:
    """Anthropic/hh-rlhf-style rows (full `chosen` / `rejected` transcripts) as `preference_pairs` rows: the
    prompt is the transcript up to the last assistant turn, shared by both; oracle qualities are None."""
    from lmrepro.common.hub import snapshot_rows

    marker = "\n\nAssistant:"
    rows = []
    for row in snapshot_rows(snapshot_dir, split=split):
        if "chosen" not in row or "rejected" not in row:
            raise KeyError(f"{snapshot_dir}: comparison rows need 'chosen' and 'rejected', got {sorted(row)}")
        cut = row["chosen"].rfind(marker) + len(marker)
        prompt = row["chosen"][:cut]
        if cut < len(marker) or not row["rejected"].startswith(prompt):
            continue  # the two transcripts differ before the last assistant turn: not a clean pair
        rows.append({"name": None, "prompt": prompt, "chosen": row["chosen"][cut:].strip(),
                     "rejected": row["rejected"][cut:].strip(), "q_chosen": None, "q_rejected": None})
        if n is not None and len(rows) >= n:
            break
    return rows
