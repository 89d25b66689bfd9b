"""Exposure, generalization and validation stimuli (spec: DAG `gen_stimuli`; Small scale / Exposure conditions).

    small/ci: lmrepro stage cross_dative.gen_stimuli --scale small --seed 0 \
                  --out data=data/small/cross_dative/seed0/stimuli --out metrics=.../gen_stimuli.json
    paper:    ... (stimuli.source=repo) --in repo=data/external/encouraging-exposures   (the official repo's
              data/experiments files, fetched at cluster setup)

Output directory (JSONL):
- exposures.jsonl: {"item", "exposure": DO|PO|intrans, "alignment": harmonic|disharmonic|mixed|control,
  "instance", "text", "features"}. World: per instance k, DO and PO exposures whose FIRST postverbal argument is
  harmonic (pronoun, definite, short, prototypical animacy: recipient animate / theme inanimate) or disharmonic
  (long indefinite noun of the other animacy); the second argument is a short definite noun of its role's
  prototypical animacy in both; plus the control, the novel verb in the intransitive frame.
- generalization.jsonl: {"pair", "DO", "PO"}: the same arguments (definite, short, animate recipient, inanimate
  theme) in both constructions, fixed across conditions (spec pitfall: length); `generalization_args: balanced`
  makes them neutral w.r.t. the exposure's first argument: pronoun-first in half of each construction's pairs.
- validation.jsonl: {"construction": DO|PO|intrans, "text"}: same-construction sentences with varied arguments,
  none of them a generalization sentence (best-epoch selection must not see the generalization set). Repo: the
  official verb-hood set for every exposure, {"construction": "any", "label": good|bad, "text"} (the novel token
  used as a verb / as another part of speech); its score is mean log-prob of good minus bad (official "diff").
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.cross_dative.gen_corpus import world_grammar
from lmrepro.papers.cross_dative.params import StimuliConfig
from lmrepro.worlds.grammar import GrammarConfig, NPFeatures, Verb

ROLE_ANIMATE = {"recipient": True, "theme": False}  # prototypical animacy
ANY_CONSTRUCTION = "any"  # a validation row that serves every exposure construction (the official set)


def first_argument(frame: str) -> tuple[str, str]:
    """(first, second) postverbal argument roles of a DO / PO dative."""
    return ("recipient", "theme") if frame == "DO" else ("theme", "recipient")


def exposure_features(frame: str, alignment: str) -> tuple[NPFeatures, NPFeatures]:
    """(recipient, theme) features of an exposure whose first postverbal argument is harmonic or disharmonic."""
    first, second = first_argument(frame)
    if alignment == "harmonic":
        first_np = NPFeatures(pronoun=True, definite=True, long=False, animate=ROLE_ANIMATE[first])
    elif alignment == "disharmonic":
        first_np = NPFeatures(pronoun=False, definite=False, long=True, animate=not ROLE_ANIMATE[first])
    else:
        raise ValueError(f"alignment must be 'harmonic' or 'disharmonic', got {alignment!r}")
    second_np = NPFeatures(pronoun=False, definite=True, long=False, animate=ROLE_ANIMATE[second])
    feats = {first: first_np, second: second_np}
    return feats["recipient"], feats["theme"]


def world_stimuli(grammar, cfg: StimuliConfig, seed: int) -> tuple[list[dict], list[dict], list[dict]]:
    verb = Verb(cfg.novel_token, cfg.novel_token, "dative", "to")  # uninflected, like the official "[verb]"
    subject = NPFeatures(pronoun=True)
    exposures = []
    for k in range(cfg.n_instances):
        for frame in ("DO", "PO"):
            for alignment in ("harmonic", "disharmonic"):
                rng = random.Random(derive_seed(seed, "exposure", frame, alignment, k))
                rec, th = exposure_features(frame, alignment)
                row = grammar.dative(rng, verb, frame, recipient=rec, theme=th, subject=subject)
                first = rec if frame == "DO" else th
                exposures.append({"item": f"{frame}_{alignment}_{k}", "exposure": frame, "alignment": alignment,
                                  "instance": k, "text": row["text"],
                                  "features": {"first_pronoun": first.pronoun, "first_definite": first.definite,
                                               "first_long": first.long,
                                               "first_prototypical": first.animate == (frame == "DO")}})
        rng = random.Random(derive_seed(seed, "exposure", "intrans", k))
        exposures.append({"item": f"intrans_control_{k}", "exposure": "intrans", "alignment": "control",
                          "instance": k, "text": grammar.intransitive(rng, verb, subject)["text"], "features": {}})
    pronouns = [(True, False), (False, True)] if cfg.generalization_args == "balanced" else [(False, False)]
    generalization, seen = [], set()
    for i in range(200 * cfg.n_generalization):
        rec_pron, th_pron = pronouns[len(generalization) % len(pronouns)]
        args = (NPFeatures(pronoun=rec_pron, definite=True, animate=True),
                NPFeatures(pronoun=th_pron, definite=True, animate=False))
        pair = {f: grammar.dative(random.Random(derive_seed(seed, "generalization", i)), verb, f, *args,
                                  subject=subject)["text"] for f in ("DO", "PO")}
        if pair["DO"] not in seen:
            seen.add(pair["DO"])
            generalization.append({"pair": len(generalization), **pair})
        if len(generalization) == cfg.n_generalization:
            break
    else:
        raise ValueError(f"could not draw {cfg.n_generalization} distinct generalization pairs from this lexicon")
    gen_texts = {t for p in generalization for t in (p["DO"], p["PO"])}
    validation = []
    for construction in ("DO", "PO", "intrans"):
        rng = random.Random(derive_seed(seed, "validation", construction))
        texts: list[str] = []
        for _ in range(200 * cfg.n_validation):
            if construction == "intrans":
                text = grammar.intransitive(rng, verb, NPFeatures(pronoun=rng.random() < 0.5,
                                                                   animate=rng.random() < 0.5))["text"]
            else:
                rec, th = (NPFeatures(pronoun=rng.random() < 0.5, definite=rng.random() < 0.5,
                                      long=rng.random() < 0.3, animate=a) for a in (True, False))
                text = grammar.dative(rng, verb, construction, rec, th, subject=subject)["text"]
            if text not in gen_texts and text not in texts:
                texts.append(text)
            if len(texts) == cfg.n_validation:
                break
        validation += [{"construction": construction, "text": t} for t in texts]
    return exposures, generalization, validation


def repo_alignment(row: dict) -> str:
    """harmonic / disharmonic / mixed from the official feature columns of the first postverbal argument."""
    frame = "DO" if row["dative"] == "do" else "PO"
    first, _ = first_argument(frame)
    prototypical = (row[f"{first}_animacy"] == "animate") == ROLE_ANIMATE[first]
    pron, definite = row[f"{first}_pronominality"] == "pronoun", row[f"{first}_definiteness"] == "definite"
    if pron and definite and prototypical:
        return "harmonic"
    if not pron and not definite and not prototypical:
        return "disharmonic"
    return "mixed"


def repo_stimuli(repo: Path, cfg: StimuliConfig) -> tuple[list[dict], list[dict], list[dict]]:
    def jsonl(rel: str) -> list[dict]:
        path = repo / rel
        if not path.is_file():
            raise FileNotFoundError(f"stimuli.source=repo: {path} not found (check out "
                                    f"kanishkamisra/encouraging-exposures and pass it as --in repo)")
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    exposures = []
    for row in jsonl(cfg.repo_exposures):
        missing = {"stimulus", "dative", "item", "hypothesis_item"} - set(row)
        if missing:
            raise ValueError(f"{cfg.repo_exposures}: row without {sorted(missing)}")
        frame = "DO" if row["dative"] == "do" else "PO"
        exposures.append({"item": f"{frame}_{row['item']}_{row['hypothesis_item']}", "exposure": frame,
                          "alignment": repo_alignment(row), "instance": row["hypothesis_item"],
                          "text": row["stimulus"], "features": {k: v for k, v in row.items() if k.endswith(
                              ("_pronominality", "_animacy", "_definiteness")) or k == "length_diff"}})
    generalization = [{"pair": i, "DO": r["do"], "PO": r["pp"]} for i, r in enumerate(jsonl(cfg.repo_generalization))]
    val = json.loads((repo / cfg.repo_validation).read_text())
    if not isinstance(val, dict) or set(val) != {"good", "bad"}:
        raise ValueError(f"{cfg.repo_validation}: expected the official mapping with 'good' and 'bad' sentence "
                         f"lists (the novel token used as a verb / not as a verb), got keys {sorted(val)}")
    validation = [{"construction": ANY_CONSTRUCTION, "label": label, "text": t} for label in ("good", "bad")
                  for t in val[label]]
    return exposures, generalization, validation


def main() -> None:
    with Stage.from_argv("cross_dative", "gen_stimuli") as st:
        cfg = st.params("stimuli", StimuliConfig)
        if cfg.source == "world":
            grammar = world_grammar(st.params("world", GrammarConfig), st.seed)
            exposures, generalization, validation = world_stimuli(grammar, cfg, st.seed)
        else:
            exposures, generalization, validation = repo_stimuli(st.inp("repo"), cfg)
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "exposures.jsonl", exposures)
            write_jsonl(tmp / "generalization.jsonl", generalization)
            write_jsonl(tmp / "validation.jsonl", validation)
        st.log_metrics({"n_exposures": len(exposures), "n_generalization": len(generalization),
                        "n_validation": len(validation)})
        for row in exposures[:5]:
            print(row["item"], "|", row["text"])
        print("generalization:", generalization[0])


if __name__ == "__main__":
    main()
