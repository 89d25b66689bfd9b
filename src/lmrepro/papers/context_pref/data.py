"""context_pref's data views, shared by its stages: criteria paraphrase splits, RM inputs, profile texts.

- Paraphrases: each (style, polarity) criterion has `n_paraphrases` phrasings; training uses all but the last,
  tests use only the last, so a test context is never a string seen in training (spec: held-out paraphrases).
- RM input text: "<context> : <prompt> : <answer>", or "<prompt> : <answer>" when the context is not shown.
- A profile's context text: the criterion of its heaviest style (weights are distinct powers of two, so that
  style decides every pair that differs on it), in the held-out paraphrase.
"""
from __future__ import annotations

from lmrepro.worlds import feedback as W


def paraphrases(cfg: W.FeedbackWorldConfig) -> dict[tuple[str, int], list[str]]:
    """(style, polarity) -> its positive phrasings, in the world's order."""
    out: dict[tuple[str, int], list[str]] = {}
    for c in W.criteria(cfg):
        if not c["negative"]:
            out.setdefault((c["style"], c["polarity"]), []).append(c["text"])
    return out


def rephrase(criterion: dict, table: dict, split: str, pick: int = 0) -> dict:
    """The criterion in a train phrasing (the `pick`-th modulo the train ones) or in the held-out one; negative
    criteria have one phrasing and stay as they are."""
    if criterion["negative"]:
        return criterion
    texts = table[(criterion["style"], criterion["polarity"])]
    text = texts[-1] if split == "test" else texts[:-1][pick % (len(texts) - 1)]
    return {**criterion, "text": text}


def rm_text(context: str | None, prompt: str, answer: str) -> str:
    return f"{prompt} : {answer}" if context is None else f"{context} : {prompt} : {answer}"


def profile_text(profile: dict[str, float], table: dict) -> str:
    style = max(profile, key=lambda s: abs(profile[s]))
    return table[(style, int(profile[style] > 0))][-1]
