"""Languages over one shared world of events: English and constructed languages built from explicit rules, each
with a lexicon, a renderer, an analyzer (the renderer's exact inverse), a grammar book, bilingual dictionaries,
parallel and code-switched text, language-specific facts and a tokenizer (used by: camlang, chocollama, lsk,
multilingual_cpt, mella, lexical_specialization; wechsel keeps its older distributional `conlang` world).

An event is a clause: agent, verb, patient, optional recipient (ditransitive verbs), an optional colour
adjective on the patient, number (sg/pl) of agent and patient, polarity, tense, evidentiality and mood
(statement or yes/no question). A `LanguageSpec` is a set of grammar rules:

    order          SVO | SOV | VSO | V2   (V2: a past-tense adverb comes first and the verb second)
    articles       a definite article before every noun (English "the")
    case           accusative / dative suffixes on nouns (else word order and a dative preposition)
    harmony        2-way vowel harmony: a suffix's vowel agrees with the stem's last vowel (a/e)
    negation       prefix on the verb (else a particle before the verb)
    verb suffixes  tense (past) and evidentiality (hearsay) suffixes (else adverbs)
    plural         reduplication of the noun (else the suffix -s)
    question       a clause-initial particle (English: "is it true that")
    cognates       round(p_cognate * n) lemmas derived from English by sound changes (a lemma the changes leave
                   English, e.g. apple, gets a fresh form instead)
    synonyms       extra forms per concept (0..max_synonyms)

Structure guaranteed (tested in tests/test_worlds_languages.py):
- `analyze(lang, render(lang, event)) == event` for every event and language: the analyzer is rule-based and
  exact, and every surface form of a language maps back to one lemma and feature bundle.
- Distinct concepts never share a form within a language (synonyms included); constructed forms never equal an
  English word; cognates are derived from the English lemma by the language's sound changes.
- `dictionary(lang, coverage, seed)` holds exactly round(coverage * n_concepts) (form -> English) lemma pairs.
- `grammar_book(lang)` states every rule the renderer applies, as rule objects and as text.
- `code_switch` replaces exactly the sampled content words; `bilingual_document` alternates X and English.
- `fact_languages`: with `p_home_only`, a fact is stated only in its home language; otherwise in every language.
- Everything is a pure function of (specs, config, seed): byte-identical output for the same seed.
Left out so far: per-culture proper names (lsk), images (mella), paper-scale corpus loaders (each paper's
real corpora differ: Dutch CPT data, multilingual web text, dictionaries).
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from lmrepro.worlds.lexicon import make_words

CATEGORIES = {  # noun categories: the topic label of a sentence is its agent's category
    "animal": "dog cat horse cow bird fish mouse fox wolf bear duck goat".split(),
    "person": "farmer doctor teacher baker sailor child king queen judge nurse singer guard".split(),
    "food": "apple bread cheese egg cake soup rice pear plum melon grape honey".split(),
    "object": "box bag cup plate spoon knife lamp key rope hammer book letter".split(),
    "place": "house school market garden bridge castle tower church farm river island village".split(),
    "vehicle": "car bus train ship boat plane wagon cart truck bicycle sled raft".split(),
    "plant": "tree flower rose oak pine fern moss reed vine bush lily palm".split(),
}
VERBS = "sees likes takes finds holds carries pushes pulls watches helps follows cleans".split()
DITRANSITIVE = "gives shows sends brings hands offers".split()
COLORS = "red blue green yellow black white".split()
# English marks with words what a constructed language may mark with affixes (same keys as AFFIX_KEYS).
EN_FUNCTION = {"dat": "to", "neg": "never", "past": "before", "hearsay": "reportedly", "question": "is it true that",
               "article": "the", "final": "."}
TENSES, EVIDENTIALS, MOODS = ("present", "past"), ("direct", "hearsay"), ("statement", "question")
# Sound changes for cognates: applied in order to the English lemma (chocollama's "English-related" NL*).
# The last changes map the affix consonants away, so a cognate is always a valid stem.
SOUND_CHANGES = (("th", "d"), ("sh", "s"), ("ch", "z"), ("c", "z"), ("ee", "ie"), ("oo", "oe"), ("y", "ij"),
                 ("k", "g"), ("n", "m"), ("h", ""), ("f", "v"), ("j", "d"), ("w", "v"), ("x", "s"), ("q", "g"))
AFFIX_KEYS = ("acc", "dat", "neg", "past", "hearsay", "question", "article", "final")
AFFIX_CONSONANTS = "knhfjwxq"  # one per affix / function word; stems never use these


@dataclass
class LanguageSpec:
    name: str
    order: str = "SOV"
    articles: bool = False
    case: bool = True
    harmony: bool = True
    negation_prefix: bool = True
    verb_suffixes: bool = True
    plural_reduplication: bool = True
    p_cognate: float = 0.0
    max_synonyms: int = 0
    consonants: str = "bdglmprstvz"  # of stems (affix consonants are dropped from it)
    vowels: str = "aeiou"

    def check(self, where: str = "language") -> None:
        if self.order not in ("SVO", "SOV", "VSO", "V2"):
            raise ValueError(f"{where}.order must be SVO, SOV, VSO or V2, got {self.order!r}")
        if not 0.0 <= self.p_cognate <= 1.0:
            raise ValueError(f"{where}.p_cognate must be in [0, 1], got {self.p_cognate}")
        if self.max_synonyms < 0:
            raise ValueError(f"{where}.max_synonyms must be >= 0")
        if not {"a", "e"} <= set(self.vowels) <= set("aeiou"):
            raise ValueError(f"{where}.vowels must be a subset of aeiou containing a and e, got {self.vowels!r}")


ENGLISH = LanguageSpec("en", order="SVO", articles=True, case=False, harmony=False, negation_prefix=False,
                       verb_suffixes=False, plural_reduplication=False)


@dataclass
class Language:
    spec: LanguageSpec
    forms: dict[str, list[str]]          # concept (English lemma) -> forms, the first is the default
    function: dict[str, str]             # rule morphemes and function words: "acc", "dat", "neg", ...
    cognates: set[str] = field(default_factory=set)
    _parse: dict[str, tuple] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class LanguagesConfig:
    nouns_per_category: int = 12
    n_verbs: int = 12
    n_ditransitive: int = 6
    p_recipient: float = 0.3    # share of events with a ditransitive verb and a recipient
    p_color: float = 0.3
    p_plural: float = 0.2
    p_negated: float = 0.2
    p_past: float = 0.3
    p_hearsay: float = 0.2
    p_question: float = 0.1

    def check(self, where: str = "languages") -> None:
        if not 2 <= self.nouns_per_category <= 12 or not 2 <= self.n_verbs <= len(VERBS):
            raise ValueError(f"{where}: nouns_per_category must be in [2, 12] and n_verbs in [2, {len(VERBS)}]")
        if not 1 <= self.n_ditransitive <= len(DITRANSITIVE):
            raise ValueError(f"{where}.n_ditransitive must be in [1, {len(DITRANSITIVE)}]")
        for name in ("p_recipient", "p_color", "p_plural", "p_negated", "p_past", "p_hearsay", "p_question"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{where}.{name} must be in [0, 1], got {getattr(self, name)}")

    def nouns(self) -> list[str]:
        return [n for words in CATEGORIES.values() for n in words[: self.nouns_per_category]]

    def verbs(self) -> list[str]:
        return VERBS[: self.n_verbs] + DITRANSITIVE[: self.n_ditransitive]

    def concepts(self) -> list[str]:
        return self.nouns() + self.verbs() + COLORS


def category(noun: str) -> str:
    return next(c for c, words in CATEGORIES.items() if noun in words)


def _cognate(word: str) -> str:
    for old, new in SOUND_CHANGES:
        word = word.replace(old, new)
    return word + ("e" if word[-1] not in "aeiou" else "")


def english_plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def english_verb_plural(verb: str) -> str:
    """Agreement with a plural subject: sees -> see, watches -> watch, carries -> carry."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes")):
        return verb[:-2]
    return verb[:-1]


def similarity(a: str, b: str) -> float:
    """Graded concept similarity (lexical_specialization): 1 same concept, 0.5 same noun category, else 0."""
    if a == b:
        return 1.0
    nouns = {n for words in CATEGORIES.values() for n in words}
    return 0.5 if a in nouns and b in nouns and category(a) == category(b) else 0.0


def build_language(spec: LanguageSpec, cfg: LanguagesConfig, seed: int) -> Language:
    """A language's lexicon and morphemes (English: the identity lexicon); a pure function of (spec, cfg, seed).

    Affixes and function words take their consonants from AFFIX_CONSONANTS and stems never do, so no stem, however
    inflected, can be mistaken for another (the analyzer's exactness rests on this).
    """
    spec.check(spec.name)
    cfg.check()
    concepts = cfg.concepts()
    if spec.name == "en":
        return _index(Language(spec, {c: [c] for c in concepts}, dict(EN_FUNCTION)))
    rng = random.Random(f"language-{spec.name}-{seed}")
    english = set(concepts) | {english_plural(c) for c in concepts} | \
        {w for v in EN_FUNCTION.values() for w in v.split()}
    stem_consonants = "".join(c for c in spec.consonants if c not in AFFIX_CONSONANTS)
    # acc and dat first, so a camlang-like language gets -ka / -na (harmony: -ke / -ne)
    function = {key: consonant + "a" for key, consonant in zip(AFFIX_KEYS, AFFIX_CONSONANTS)}
    taken = english | set(function.values())
    forms, cognates = {}, set()
    as_cognate = set(rng.sample(concepts, round(spec.p_cognate * len(concepts))))
    for concept in concepts:
        cognate = _cognate(concept) if concept in as_cognate else None
        if cognate and cognate not in taken:
            first = cognate
            cognates.add(concept)
        else:
            first = make_words(rng, 1, syllables=(2, 3), exclude=taken, consonants=stem_consonants,
                               vowels=spec.vowels)[0]
        extra = make_words(rng, rng.randint(0, spec.max_synonyms), syllables=(2, 3), exclude=taken | {first},
                           consonants=stem_consonants, vowels=spec.vowels)
        forms[concept] = [first, *extra]
        taken |= set(forms[concept])
    return _index(Language(spec, forms, function, cognates))


def _suffix(lang: Language, stem: str, key: str) -> str:
    morph = lang.function[key]
    if lang.spec.harmony:  # 2-way harmony: the suffix vowel is e after a stem whose last vowel is e or i, else a
        last = next(ch for ch in reversed(stem) if ch in "aeiou")
        morph = morph[:-1] + ("e" if last in "ei" else "a")
    return stem + morph


def noun_form(lang: Language, noun: str, plural: bool, case: str, synonym: int = 0) -> str:
    stem = lang.forms[noun][synonym % len(lang.forms[noun])]
    if plural:
        stem = stem + stem if lang.spec.plural_reduplication else english_plural(stem)
    return _suffix(lang, stem, case) if lang.spec.case and case in ("acc", "dat") else stem


def verb_form(lang: Language, verb: str, past: bool, hearsay: bool, negated: bool, synonym: int = 0,
              plural_subject: bool = False) -> str:
    stem = lang.forms[verb][synonym % len(lang.forms[verb])]
    if lang.spec.name == "en" and plural_subject:
        stem = english_verb_plural(stem)
    if lang.spec.verb_suffixes:
        stem = _suffix(lang, stem, "past") if past else stem
        stem = _suffix(lang, stem, "hearsay") if hearsay else stem
    return lang.function["neg"] + stem if negated and lang.spec.negation_prefix else stem


def _index(lang: Language) -> Language:
    """Every surface form -> what it means; a collision is a bug in the rules (so it raises)."""
    table: dict[str, tuple] = {}

    def add(form, meaning):
        if table.setdefault(form, meaning) != meaning:
            raise ValueError(f"{lang.name}: surface form {form!r} is ambiguous: {table[form]} vs {meaning}")

    nouns, verbs = [c for c in lang.forms if c in sum(CATEGORIES.values(), [])], \
        [c for c in lang.forms if c in VERBS + DITRANSITIVE]
    for noun in nouns:
        for s in range(len(lang.forms[noun])):
            for plural in (False, True):
                for case in ("nom", "acc", "dat") if lang.spec.case else ("nom",):
                    add(noun_form(lang, noun, plural, case, s), ("noun", noun, plural, case))
    marked = (False, True) if lang.spec.verb_suffixes else (False,)  # else separate words carry these
    negs = (False, True) if lang.spec.negation_prefix else (False,)
    for verb in verbs:
        for s in range(len(lang.forms[verb])):
            for past in marked:
                for hearsay in marked:
                    for neg in negs:
                        for plural_subject in (False, True):
                            add(verb_form(lang, verb, past, hearsay, neg, s, plural_subject),
                                ("verb", verb, past, hearsay, neg))
    for color in COLORS:
        for form in lang.forms[color]:
            add(form, ("color", color))
    for key, form in lang.function.items():
        if key != "question" or " " not in form:  # a multi-word marker is matched as a phrase by `analyze`
            add(form, ("function", key))
    lang._parse = table
    return lang


def sample_events(cfg: LanguagesConfig, n: int, seed: int, agents: list[str] | None = None) -> list[dict]:
    """Events of the shared world; `agents` restricts the agent nouns (e.g. one culture's entities)."""
    cfg.check()
    rng = random.Random(f"language-events-{seed}")
    nouns, verbs = cfg.nouns(), cfg.verbs()
    ditrans = verbs[cfg.n_verbs:]
    events = []
    for _ in range(n):
        recipient = rng.random() < cfg.p_recipient
        agent = rng.choice(agents or nouns)
        events.append({
            "agent": agent, "verb": rng.choice(ditrans if recipient else verbs[: cfg.n_verbs]),
            "patient": rng.choice([x for x in nouns if x != agent]),
            "recipient": rng.choice(CATEGORIES["person"][: cfg.nouns_per_category]) if recipient else None,
            "color": rng.choice(COLORS) if rng.random() < cfg.p_color else None,
            "agent_pl": rng.random() < cfg.p_plural, "patient_pl": rng.random() < cfg.p_plural,
            "negated": rng.random() < cfg.p_negated, "tense": "past" if rng.random() < cfg.p_past else "present",
            "evidential": "hearsay" if rng.random() < cfg.p_hearsay else "direct",
            "mood": "question" if rng.random() < cfg.p_question else "statement"})
    return events


def render(lang: Language, event: dict, synonym: int = 0) -> str:
    s, f = lang.spec, lang.function
    art = [f["article"]] if s.articles else []
    past, hearsay = event["tense"] == "past", event["evidential"] == "hearsay"
    agent = art + [noun_form(lang, event["agent"], event["agent_pl"], "nom", synonym)]
    color = [lang.forms[event["color"]][0]] if event["color"] else []
    patient_noun = noun_form(lang, event["patient"], event["patient_pl"], "acc", synonym)
    patient = art + (color + [patient_noun] if s.order in ("SVO", "V2") else [patient_noun] + color)
    recipient = []
    if event["recipient"]:
        noun = noun_form(lang, event["recipient"], False, "dat", synonym)
        recipient = art + [noun] if s.case else [f["dat"]] + art + [noun]
    verb = [verb_form(lang, event["verb"], past, hearsay, event["negated"], synonym, event["agent_pl"])]
    if event["negated"] and not s.negation_prefix:
        verb = [f["neg"]] + verb
    adverbs = [] if s.verb_suffixes else ([f["hearsay"]] if hearsay else [])
    if s.order == "SVO":
        words = adverbs + agent + verb + patient + recipient + ([f["past"]] if past and not s.verb_suffixes else [])
    elif s.order == "SOV":
        words = adverbs + agent + recipient + patient + verb
    elif s.order == "VSO":
        words = verb + agent + patient + recipient + adverbs
    else:  # V2: a fronted past adverb pushes the subject after the verb
        lead = [f["past"]] if past and not s.verb_suffixes else []
        words = (lead + verb + agent if lead else agent + verb) + adverbs + patient + recipient
    if event["mood"] == "question":
        words = f["question"].split() + words
    return " ".join(words + [f["final"]])


def analyze(lang: Language, sentence: str) -> dict:
    """The event a sentence of `lang` expresses (exact inverse of `render`); ValueError on anything else."""
    tokens = sentence.split()
    event = {"agent": None, "verb": None, "patient": None, "recipient": None, "color": None, "agent_pl": False,
             "patient_pl": False, "negated": False, "tense": "present", "evidential": "direct", "mood": "statement"}
    question = lang.function["question"].split()
    if tokens[: len(question)] == question:
        event["mood"], tokens = "question", tokens[len(question):]
    nouns, dative_next, verb_seen = [], False, False
    for tok in tokens:
        meaning = lang._parse.get(tok)
        if meaning is None:
            raise ValueError(f"{lang.name}: unknown word {tok!r} in {sentence!r}")
        kind = meaning[0]
        if kind == "noun":
            _, noun, plural, case = meaning
            if dative_next:
                case, dative_next = "dat", False
            nouns.append((noun, plural, case, verb_seen))
        elif kind == "verb":
            _, event["verb"], past, hearsay, neg = meaning
            event["negated"] |= neg
            if lang.spec.verb_suffixes:
                event["tense"], event["evidential"] = ("past" if past else "present"), ("hearsay" if hearsay else "direct")
            verb_seen = True
        elif kind == "color":
            event["color"] = meaning[1]
        else:
            key = meaning[1]
            if key == "neg":
                event["negated"] = True
            elif key == "past":
                event["tense"] = "past"
            elif key == "hearsay":
                event["evidential"] = "hearsay"
            elif key == "dat":
                dative_next = True
    if lang.spec.case:
        roles = {case: (n, pl) for n, pl, case, _ in nouns}
        agent, patient, recipient = roles.get("nom"), roles.get("acc"), roles.get("dat")
    else:
        core = [(n, pl) for n, pl, case, _ in nouns if case != "dat"]
        recipient = next(((n, pl) for n, pl, case, _ in nouns if case == "dat"), None)
        agent, patient = core[0], core[1]
    if event["verb"] is None or agent is None or patient is None:
        raise ValueError(f"{lang.name}: not a clause: {sentence!r}")
    event["agent"], event["agent_pl"] = agent
    event["patient"], event["patient_pl"] = patient
    event["recipient"] = recipient[0] if recipient else None
    return event


def grammar_book(lang: Language) -> tuple[list[dict], str]:
    """The language's rules as objects (machine-readable) and as the text a reader would learn them from."""
    s, f = lang.spec, lang.function
    rules = [{"tag": "word_order", "value": s.order}]
    if s.case:
        rules += [{"tag": "case", "case": "acc", "suffix": f["acc"], "harmony": s.harmony},
                  {"tag": "case", "case": "dat", "suffix": f["dat"], "harmony": s.harmony}]
    if s.negation_prefix:
        rules.append({"tag": "negation", "prefix": f["neg"]})
    if s.verb_suffixes:
        rules += [{"tag": "tense", "suffix": f["past"]}, {"tag": "evidentiality", "suffix": f["hearsay"]}]
    if s.plural_reduplication:
        rules.append({"tag": "plural", "rule": "reduplication"})
    rules.append({"tag": "question", "marker": f["question"]})
    text = {"word_order": "clauses are ordered {value} ({gloss}).",
            "case": "the {case} case is marked by the suffix -{suffix}{harm}.",
            "negation": "a negated verb takes the prefix {prefix}-.",
            "tense": "a past-tense verb takes the suffix -{suffix}.",
            "evidentiality": "a verb reported from hearsay takes the suffix -{suffix} (after any tense suffix).",
            "plural": "a plural noun is its stem said twice.",
            "question": "a yes/no question starts with {marker}."}
    gloss = {"SVO": "subject verb object", "SOV": "subject recipient object verb",
             "VSO": "verb subject object recipient", "V2": "the verb comes second"}[s.order]
    lines = [f"grammar of {lang.name}"]
    for rule in rules:
        harm = f" (its vowel a becomes e after a stem whose last vowel is e or i)" if rule.get("harmony") else ""
        lines.append(text[rule["tag"]].format(**rule, gloss=gloss, harm=harm))
    lines.append(f"every sentence ends with {f['final']}." + (f" nouns follow the article {f['article']}."
                                                             if s.articles else ""))
    return rules, "\n".join(lines)


def dictionary(lang: Language, coverage: float, seed: int) -> dict[str, str]:
    """A seeded partial lemma dictionary: form -> English, covering round(coverage * n_concepts) concepts."""
    rng = random.Random(f"language-dictionary-{lang.name}-{seed}")
    concepts = sorted(lang.forms)
    chosen = sorted(rng.sample(concepts, round(coverage * len(concepts))))
    return {form: c for c in chosen for form in lang.forms[c]}


def code_switch(lang: Language, other: Language, event: dict, p_word: float, rng: random.Random) -> tuple[str, int]:
    """`event` in `lang` with each content lemma rendered in `other` with prob p_word; (sentence, n switched)."""
    tokens, switched = render(lang, event).split(), 0
    for i, tok in enumerate(tokens):
        meaning = lang._parse[tok]
        if meaning[0] in ("noun", "verb", "color") and meaning[1] in other.forms and rng.random() < p_word:
            tokens[i] = other.forms[meaning[1]][0]
            switched += 1
    return " ".join(tokens), switched


def bilingual_document(x: Language, en: Language, events: list[dict]) -> str:
    """multilingual_cpt's bilingual document: every X sentence followed by its English translation."""
    return " ".join(f"{render(x, e)} {render(en, e)}" for e in events)


def fact_languages(facts: list[dict], languages: list[str], p_home_only: float, seed: int) -> list[list[str]]:
    """For facts with a "home" language: exactly round(p_home_only * n) are stated only at home, the rest in all."""
    rng = random.Random(f"language-facts-{seed}")
    only = set(rng.sample(range(len(facts)), round(p_home_only * len(facts))))
    return [[f["home"]] if i in only else list(languages) for i, f in enumerate(facts)]


def vocabulary(lang: Language) -> list[str]:
    return sorted(set(lang._parse) | set(lang.function["question"].split()))


def tokenizer(lang: Language):
    """A word-level tokenizer covering every surface form of the language."""
    from lmrepro.common.tokenizers import build_word_tokenizer

    return build_word_tokenizer(vocabulary(lang))


def to_json(lang: Language) -> dict:
    return {"spec": asdict(lang.spec), "forms": lang.forms, "function": lang.function,
            "cognates": sorted(lang.cognates)}
