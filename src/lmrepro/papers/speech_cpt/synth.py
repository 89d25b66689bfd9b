"""Stage synth (spec DAG 1 and 4): the speech world's text, spoken by espeak-ng, and the shared CTC vocabulary.

    lmrepro stage speech_cpt.synth --scale small --seed 0 --out data=data/small/speech_cpt/seed0/audio \
        --out metrics=data/small/speech_cpt/seed0/synth.json          (ci: --scale ci; paper: the same toy world)

Languages (spec Small scale): TGT ("Sakhalin") words of CV syllables (lmrepro.worlds.lexicon); REL ("Hokkaido")
keeps `rel_shared_frac` of TGT's words and replaces the rest by fresh words of the same sounds; SIM
("Japanese-like") is an unrelated lexicon over its own CV inventory; the multilingual pool reads English words
(lmrepro.worlds.conlang's nouns) in en/de/es/fr/it voices. Each set draws its utterances (2-3 words) and speakers
(voice, pitch, speed) from its own seeded stream; every utterance is synthesised once (lmrepro.common.speech) and
kept as float32 16 kHz samples, one safetensors file per set, with its transcript in a jsonl file beside it.
The vocabulary (vocab.json, Wav2Vec2CTCTokenizer's format) holds the characters of every labeled set, "|" for the
word boundary and <pad> = id 0, the CTC blank.
"""
from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import numpy as np

from lmrepro.common import io
from lmrepro.common.seeding import derive_seed
from lmrepro.common.speech import synthesize
from lmrepro.common.stage import Stage
from lmrepro.worlds.conlang import EN_NOUNS
from lmrepro.worlds.lexicon import make_words

from lmrepro.papers.speech_cpt.params import LexiconConfig, SetsConfig, SetSpec

LABELED_SETS = ("tgt_labeled", "rel_labeled", "sim_labeled", "tgt_test")
PAD, UNK, DELIMITER = "<pad>", "<unk>", "|"


def lexicons(cfg: LexiconConfig, seed: int) -> dict[str, list[str]]:
    """The four languages' word lists: REL shares round(rel_shared_frac * n) of TGT's words (same sounds)."""
    rng = random.Random(derive_seed(seed, "lexicon"))
    tgt = make_words(rng, cfg.n_words, tuple(cfg.syllables), consonants=cfg.consonants, vowels=cfg.vowels)
    n_shared = round(cfg.rel_shared_frac * cfg.n_words)
    own = make_words(rng, cfg.n_words - n_shared, tuple(cfg.syllables), exclude=set(tgt),
                     consonants=cfg.consonants, vowels=cfg.vowels)
    rel = rng.sample(tgt, n_shared) + own
    sim = make_words(rng, cfg.n_words, tuple(cfg.syllables), exclude=set(tgt) | set(rel),
                     consonants=cfg.sim_consonants, vowels=cfg.sim_vowels)
    pool = sorted(set(EN_NOUNS))
    return {"tgt": tgt, "rel": rel, "sim": sim, "pool": pool}


def utterances(name: str, spec: SetSpec, words: list[str], cfg: LexiconConfig, seed: int) -> list[dict]:
    """`spec.n` utterances of one set: text (2-3 words) and speaker (voice, pitch, speed), from the set's stream."""
    rng = random.Random(derive_seed(seed, "set", name))
    return [{"text": " ".join(rng.choice(words) for _ in range(rng.randint(*cfg.words_per_utterance))),
             "lang": spec.lang, "voice": rng.choice(spec.voices), "pitch": rng.randint(*spec.pitch),
             "speed": rng.randint(*spec.speed)} for _ in range(spec.n)]


def build_vocab(texts: list[str]) -> dict[str, int]:
    """Wav2Vec2CTCTokenizer's vocab: <pad> (the CTC blank) = 0, then the sorted characters with " " written as the
    word delimiter "|", then <unk>."""
    chars = sorted({DELIMITER if c == " " else c for text in texts for c in text} - {DELIMITER})
    return {PAD: 0, DELIMITER: 1, **{c: i + 2 for i, c in enumerate(chars)}, UNK: len(chars) + 2}


def save_set(path, waves: list[np.ndarray]) -> None:
    """One set's audio: the utterances concatenated ("audio", float32) and their boundaries ("offsets", n + 1)."""
    from safetensors.numpy import save_file

    offsets = np.cumsum([0] + [len(w) for w in waves]).astype(np.int64)
    audio = np.concatenate(waves).astype(np.float32) if waves else np.zeros(0, np.float32)
    save_file({"audio": audio, "offsets": offsets}, str(path))


def main() -> None:
    with Stage.from_argv("speech_cpt", "synth") as st:
        lex_cfg: LexiconConfig = st.params("lexicon")
        sets: SetsConfig = st.params("sets")
        rate = st.params("audio").sample_rate
        words = lexicons(lex_cfg, st.seed)
        rows = {f.name: utterances(f.name, getattr(sets, f.name), words[getattr(sets, f.name).lang], lex_cfg, st.seed)
                for f in fields(SetsConfig)}

        # espeak-ng runs as a subprocess per utterance: a thread per core keeps both busy
        with ThreadPoolExecutor(max_workers=max(1, st.threads or 1)) as pool:
            waves = {name: list(pool.map(lambda r: synthesize(r["text"], voice=r["voice"], speed=r["speed"],
                                                              pitch=r["pitch"], sample_rate=rate), set_rows))
                     for name, set_rows in rows.items()}

        vocab = build_vocab([r["text"] for name in LABELED_SETS for r in rows[name]])
        with io.atomic_dir(st.out("data")) as tmp:
            for name in rows:
                save_set(tmp / f"{name}.safetensors", waves[name])
                io.write_jsonl(tmp / f"{name}.jsonl", rows[name])
            (tmp / "vocab.json").write_text(json.dumps(vocab, indent=1))
            (tmp / "lexicons.json").write_text(json.dumps(words, indent=1))

        tgt_chars = {c for r in rows["tgt_test"] for c in r["text"]}
        metrics = {"vocab_size": len(vocab), "tgt_words": len(words["tgt"]),
                   "rel_shared_words": len(set(words["rel"]) & set(words["tgt"]))}
        for name, set_rows in rows.items():
            seconds = [len(w) / rate for w in waves[name]]
            metrics[f"{name}_n"] = len(set_rows)
            metrics[f"{name}_hours"] = sum(seconds) / 3600
            metrics[f"{name}_mean_s"] = float(np.mean(seconds)) if seconds else 0.0
        for name in ("rel_labeled", "sim_labeled"):  # spec Pitfalls: per-language vocab coverage of TGT's chars
            chars = {c for r in rows[name] for c in r["text"]}
            metrics[f"{name}_covers_tgt_chars"] = len(chars & tgt_chars) / len(tgt_chars)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
