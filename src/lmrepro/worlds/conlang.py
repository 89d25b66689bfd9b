"""One seeded world rendered in English and in a constructed language TGT (used by: wechsel, lexical_specialization).

The world is a set of lemmas (nouns, verbs, adjectives) with seeded latent "meaning" vectors and Zipf-like
frequencies. A sentence is an event: a verb, a subject and an object chosen by their fit to the verb's subject
and object roles, optional adjectives chosen by their fit to each noun, and an optional oblique phrase (with /
near / in + a noun fitting the verb's third role). Both languages render events drawn from this one distribution,
so word co-occurrence statistics (and hence distributional word vectors) are shared up to noise, while the
surface forms and grammar differ:

    EN : the sink likes a calm chicken near the pot .
    TGT: lebalu muke zagafa-ke sizi-vo fazeka boda      (one event in both; hyphens added here only)
         sink   calm chicken-ACC pot-NEAR likes  <final particle>

Structure guaranteed (tested in tests/test_worlds_conlang.py):
- English lemmas are real English words (nouns, verbs in the 3rd person singular, adjectives) from the lists
  below; `n_nouns`, `n_verbs`, `n_adjs` take the first ones of a seeded shuffle.
- TGT gives every lemma a new CV-syllable word form. TGT is SOV, has no articles, marks case by suffixes on
  the noun (nominative unmarked, so the bare lemma is the subject form; accusative and one oblique case per
  English preposition) and ends sentences with a particle. No TGT surface form (lemma, inflected form, suffix
  or particle) equals any English surface form, and all TGT surface forms are distinct from each other.
- English and TGT streams are sampled independently (`sample_sentences` with different seeds): they are not
  translations of each other.
- A lemma-level TGT<->EN dictionary covers every content lemma; exactly `round(dict_exposed_frac * n)` entries
  (a seeded subset) are marked exposed (Wiktionary-like partial coverage); the rest are held out for evaluation.
- The world seed fixes lemmas, meanings, frequencies and English; `language_seed` fixes the TGT language (forms,
  suffixes, dictionary exposure), so one English world can carry several target languages.
- `tgt_consonants` / `tgt_vowels` set TGT's sound inventory (default: lexicon's), so several target languages of
  one world can differ in phonotactics; `tables["meaning"]` holds each lemma's latent meaning vector.
- A pure function of (config, seed, language_seed): the same seeds give a byte-identical world and streams.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from lmrepro.worlds.lexicon import CONSONANTS, VOWELS, make_words

EN_NOUNS = """
dog cat horse cow pig sheep goat bird fish mouse rabbit fox wolf bear deer lion tiger monkey snake frog duck goose
owl eagle crow bee ant spider worm whale shark crab turtle camel zebra donkey mule chicken hen lamb calf puppy kitten
man woman boy girl child baby king queen farmer doctor teacher student soldier sailor pilot baker cook driver nurse
judge priest thief guard hunter fisher miner painter singer dancer writer poet merchant trader clerk lawyer banker
tailor smith carpenter builder gardener shepherd knight prince princess friend neighbor stranger guest
house room door window wall roof floor table chair bed desk lamp clock mirror shelf box bag basket bottle cup glass
plate bowl spoon fork knife pan pot kettle oven stove sink towel blanket pillow carpet curtain candle key lock rope
chain hammer nail axe shovel ladder bucket brush broom needle thread button coat shirt hat shoe boot glove scarf
sock dress belt necklace apple bread cheese butter milk egg meat rice bean corn wheat potato carrot onion garlic
pepper salt sugar honey cake soup tea coffee wine beer juice water pie cookie grape lemon orange banana cherry peach
pear plum melon nut tree flower grass leaf root branch seed forest river lake sea ocean beach island mountain hill
valley field garden farm road street bridge path tunnel cave rock stone sand mud snow rain wind storm cloud sky sun
moon star fire smoke ice city town village castle tower church school library market shop bank office hospital
prison station harbor airport factory mill barn stable tent hut palace temple museum theater kitchen cellar attic
garage car bus train ship boat plane bicycle wagon cart truck book letter map picture paper pen pencil coin ticket
card gift toy ball drum flute violin piano guitar bell flag sword shield bow arrow computer phone radio camera
engine wheel machine horn feather blade jar barrel
""".split()
EN_VERBS = """
sees chases likes loves hates finds takes gives brings carries holds pushes pulls throws catches kicks hits bites
eats drinks cooks bakes buys sells steals hides keeps builds breaks fixes cleans washes paints draws writes reads
opens closes fills empties follows leads helps meets visits calls watches hears smells touches feeds guards hunts
fears greets teaches attacks protects rescues admires praises blames trusts forgets remembers wants needs owns
borrows lends sends receives drops lifts moves shakes wraps cuts burns digs plants grows picks counts measures
weighs tests checks marks names serves invites ignores avoids forgives obeys warns joins leaves enters crosses
climbs studies examines describes photographs collects
""".split()
EN_ADJS = """
big small old young new tall short long wide narrow heavy light dark bright red blue green yellow black white brown
gray pink purple golden silver hot cold warm cool wet dry soft hard sweet sour bitter fresh rotten clean dirty rich
poor happy sad angry calm brave shy proud quiet loud fast slow strong weak kind cruel wise foolish lazy busy famous
strange lucky clever gentle wild tame fierce noisy empty full round flat sharp smooth rough thick thin deep
shallow cheap expensive ugly pretty beautiful huge tiny hungry thirsty sick healthy tired sleepy friendly lonely
honest polite rude funny serious ancient modern simple fancy plain elegant
""".split()
EN_ARTICLES = ("the", "a")
EN_PREPS = ("with", "near", "in")  # one TGT oblique case suffix each
EN_FINAL = "."
POS = ("noun", "verb", "adj")


@dataclass
class ConlangConfig:
    n_nouns: int = 300
    n_verbs: int = 100
    n_adjs: int = 100
    latent_dim: int = 16  # dimension of the lemmas' latent meaning vectors
    beta: float = 3.0  # sharpness of selectional preferences (fit = exp(beta * cosine-ish score))
    zipf_a: float = 0.7  # lemma frequency ~ rank^-zipf_a within each part of speech
    role_corr: float = 1.0  # correlation of a verb's subject / object / oblique preferences
    p_adj: float = 0.3  # probability that a noun gets an adjective
    p_oblique: float = 0.5  # probability of an oblique phrase (EN preposition / TGT case suffix)
    dict_exposed_frac: float = 0.6  # share of lemma-level dictionary entries exposed (spec: 60%)
    tgt_syllables: tuple[int, int] = (2, 3)
    tgt_consonants: str = CONSONANTS  # TGT phonotactics (lexical_specialization gives each language its own)
    tgt_vowels: str = VOWELS

    def check(self, where: str) -> None:
        for name, limit in (("n_nouns", len(EN_NOUNS)), ("n_verbs", len(EN_VERBS)), ("n_adjs", len(EN_ADJS))):
            if not 2 <= getattr(self, name) <= limit:
                raise ValueError(f"{where}.{name} must be in [2, {limit}], got {getattr(self, name)}")
        if not 0.0 < self.dict_exposed_frac < 1.0:
            raise ValueError(f"{where}.dict_exposed_frac must be in (0, 1), got {self.dict_exposed_frac}")


@dataclass
class ConlangWorld:
    en: list[str]  # English form of each lemma (nouns, then verbs, then adjectives)
    tgt: list[str]  # TGT form of each lemma (bare form = nominative for nouns)
    pos: list[str]  # "noun" | "verb" | "adj" per lemma
    exposed: list[bool]  # dictionary entry exposed (True) or held out (False)
    suffixes: dict[str, str]  # case -> TGT suffix: "acc" and one per English preposition
    final: str  # TGT sentence-final particle
    cfg: ConlangConfig
    # latent structure (numpy): role vectors and frequencies used by `sample_sentences`
    tables: dict = field(repr=False, default_factory=dict)

    def index(self, pos: str) -> list[int]:
        return [i for i, p in enumerate(self.pos) if p == pos]

    def dictionary(self, exposed_only: bool = True) -> list[tuple[str, str]]:
        """(English, TGT) lemma pairs; by default only the exposed ones."""
        return [(e, t) for e, t, x in zip(self.en, self.tgt, self.exposed) if x or not exposed_only]

    def surface_forms(self, lang: str) -> set[str]:
        """Every whitespace token that `lang` ("en" | "tgt") can produce."""
        if lang == "en":
            return {*self.en, *EN_ARTICLES, *EN_PREPS, EN_FINAL}
        nouns = [self.tgt[i] for i in self.index("noun")]
        return {*self.tgt, *(n + s for n in nouns for s in self.suffixes.values()), self.final}


def _tgt_lexicon(rng: random.Random, n: int, syllables: tuple[int, int], english: set[str],
                 phonotactics: dict[str, str] | None = None):
    """Suffixes, final particle and lemma forms such that every TGT surface form is new and distinct."""
    phonotactics = phonotactics or {}
    affixes = make_words(rng, 5, (1, 1), exclude=english, **phonotactics)
    suffixes = dict(zip(("acc", *EN_PREPS), affixes[:4]))
    final = make_words(rng, 1, (2, 2), exclude=english | set(affixes), **phonotactics)[0]
    taken = english | set(affixes) | {final}
    forms: list[str] = []
    while len(forms) < n:
        (word,) = make_words(rng, 1, syllables, exclude=taken, **phonotactics)
        surface = {word, *(word + s for s in suffixes.values())}
        if surface & taken:  # an inflected form would collide: draw another
            taken.add(word)
            continue
        forms.append(word)
        taken |= surface
    return forms, suffixes, final


def _choice_table(role: np.ndarray, items: np.ndarray, logf: np.ndarray, beta: float):
    """Row-wise cumulative distributions p(item | row) ∝ f(item) * exp(beta * <role_row, item> / sqrt(d))."""
    logits = beta * role @ items.T / np.sqrt(items.shape[1]) + logf[None, :]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return np.cumsum(p, axis=1)


def build_world(cfg: ConlangConfig, seed: int, language_seed: int | None = None) -> ConlangWorld:
    """The world of `seed` (lemmas, meanings, frequencies, English forms) with the TGT language of
    `language_seed` (word forms, suffixes, dictionary exposure; default: `seed`). One world can thus be given
    several target languages, as the paper transfers one English GPT-2 to several languages."""
    rng = random.Random(seed)
    nouns, verbs, adjs = (rng.sample(lst, k) for lst, k in ((EN_NOUNS, cfg.n_nouns), (EN_VERBS, cfg.n_verbs),
                                                              (EN_ADJS, cfg.n_adjs)))
    en = [*nouns, *verbs, *adjs]
    pos = ["noun"] * len(nouns) + ["verb"] * len(verbs) + ["adj"] * len(adjs)
    nrng = np.random.default_rng(rng.getrandbits(64))

    lrng = random.Random(f"{seed}:{seed if language_seed is None else language_seed}")
    english = {*EN_NOUNS, *EN_VERBS, *EN_ADJS, *EN_ARTICLES, *EN_PREPS, EN_FINAL}
    tgt, suffixes, final = _tgt_lexicon(lrng, len(en), cfg.tgt_syllables, english,
                                        {"consonants": cfg.tgt_consonants, "vowels": cfg.tgt_vowels})
    n_exposed = round(cfg.dict_exposed_frac * len(en))
    exposed_ids = set(lrng.sample(range(len(en)), n_exposed))
    exposed = [i in exposed_ids for i in range(len(en))]

    d = cfg.latent_dim

    def zipf_logf(n: int) -> np.ndarray:
        ranks = nrng.permutation(n) + 1.0
        return -cfg.zipf_a * np.log(ranks)

    z_noun = nrng.standard_normal((cfg.n_nouns, d))
    z_adj = nrng.standard_normal((cfg.n_adjs, d))
    z_shared = nrng.standard_normal((cfg.n_verbs, d))
    z_verb = {role: np.sqrt(cfg.role_corr) * z_shared
              + np.sqrt(1 - cfg.role_corr) * nrng.standard_normal((cfg.n_verbs, d)) for role in ("subj", "obj", "obl")}
    logf = {"noun": zipf_logf(cfg.n_nouns), "verb": zipf_logf(cfg.n_verbs), "adj": zipf_logf(cfg.n_adjs)}
    tables = {
        "verb_cdf": np.cumsum(np.exp(logf["verb"]) / np.exp(logf["verb"]).sum()),
        **{f"{role}_cdf": _choice_table(z_verb[role], z_noun, logf["noun"], cfg.beta)
           for role in ("subj", "obj", "obl")},
        "adj_cdf": _choice_table(z_noun, z_adj, logf["adj"], cfg.beta),
        # each lemma's latent meaning (nouns, verbs, adjectives): a graded gold similarity within a part of speech
        "meaning": np.concatenate([z_noun, z_shared, z_adj]),
    }
    return ConlangWorld(en, tgt, pos, exposed, suffixes, final, cfg, tables)


def _draw(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF sampling: row i of a 2-D `cdf` (or the 1-D `cdf`) at uniform u[i]."""
    if cdf.ndim == 1:
        return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    return np.minimum((cdf < u[:, None]).sum(axis=1), cdf.shape[1] - 1)


def sample_events(world: ConlangWorld, n: int, seed: int) -> dict[str, np.ndarray]:
    """`n` events (lemma indices into the world's lists; -1 = absent), a pure function of (world, n, seed)."""
    cfg, t = world.cfg, world.tables
    rng = np.random.default_rng(seed)
    n_nouns, n_verbs = cfg.n_nouns, cfg.n_verbs
    verb = _draw(t["verb_cdf"], rng.random(n))
    subj = _draw(t["subj_cdf"][verb], rng.random(n))
    obj = _draw(t["obj_cdf"][verb], rng.random(n))
    obl = _draw(t["obl_cdf"][verb], rng.random(n))
    has_obl = rng.random(n) < cfg.p_oblique
    prep = rng.integers(0, len(EN_PREPS), n)
    subj_adj = _draw(t["adj_cdf"][subj], rng.random(n))
    obj_adj = _draw(t["adj_cdf"][obj], rng.random(n))
    subj_has_adj, obj_has_adj = rng.random(n) < cfg.p_adj, rng.random(n) < cfg.p_adj
    articles = rng.integers(0, len(EN_ARTICLES), (n, 3))
    adj0 = n_nouns + n_verbs
    return {
        "verb": verb + n_nouns, "subj": subj, "obj": obj,
        "obl": np.where(has_obl, obl, -1), "prep": prep,
        "subj_adj": np.where(subj_has_adj, subj_adj + adj0, -1),
        "obj_adj": np.where(obj_has_adj, obj_adj + adj0, -1),
        "articles": articles,
    }


def render(world: ConlangWorld, events: dict[str, np.ndarray], lang: str) -> list[str]:
    """English (SVO, articles, prepositions) or TGT (SOV, case suffixes, final particle) sentences."""
    out = []
    ev = {k: v.tolist() for k, v in events.items()}
    for i in range(len(ev["verb"])):
        sa, oa, obl, prep = ev["subj_adj"][i], ev["obj_adj"][i], ev["obl"][i], EN_PREPS[ev["prep"][i]]
        if lang == "en":
            art = [EN_ARTICLES[a] for a in ev["articles"][i]]
            words = [art[0], *([world.en[sa]] if sa >= 0 else []), world.en[ev["subj"][i]], world.en[ev["verb"][i]],
                     art[1], *([world.en[oa]] if oa >= 0 else []), world.en[ev["obj"][i]]]
            if obl >= 0:
                words += [prep, art[2], world.en[obl]]
            words.append(EN_FINAL)
        elif lang == "tgt":
            words = [*([world.tgt[sa]] if sa >= 0 else []), world.tgt[ev["subj"][i]],
                     *([world.tgt[oa]] if oa >= 0 else []), world.tgt[ev["obj"][i]] + world.suffixes["acc"]]
            if obl >= 0:
                words.append(world.tgt[obl] + world.suffixes[prep])
            words += [world.tgt[ev["verb"][i]], world.final]
        else:
            raise ValueError(f"unknown language {lang!r} (en | tgt)")
        out.append(" ".join(words))
    return out


def lemma_counts(world: ConlangWorld, events: dict[str, np.ndarray]) -> list[int]:
    """How often each lemma occurs in a set of events (any case form)."""
    counts = np.zeros(len(world.en), dtype=np.int64)
    for key in ("verb", "subj", "obj", "obl", "subj_adj", "obj_adj"):
        ids = events[key][events[key] >= 0]
        np.add.at(counts, ids, 1)
    return counts.tolist()


def sample_sentences(world: ConlangWorld, lang: str, n: int, seed: int) -> tuple[list[str], list[int]]:
    """`n` sentences in `lang` from the world's event distribution, and the lemma counts behind them."""
    events = sample_events(world, n, seed)
    return render(world, events, lang), lemma_counts(world, events)
