"""Hub-shaped stand-ins: a tiny local copy of every model and dataset id a paper's `paper` scale names, in the
Hugging Face cache layout, so that the paper DAG runs end to end offline on a CPU before anyone spends GPU hours.

    python -m lmrepro.common.standins --paper sentence_lm --cache /tmp/hf-cache --git /tmp/git
    LMREPRO_STANDIN=1 HF_HUB_OFFLINE=1 HF_HUB_CACHE=/tmp/hf-cache LMREPRO_GIT_BASE=file:///tmp/git \
        snakemake -c2 sentence_lm --config scale=paper

- A model id gets a randomly initialised model of its config's `family` (hub entry key), a few layers wide, saved
  with `save_pretrained`, and a byte-level BPE tokenizer with the family's special tokens (GPT-2: one
  <|endoftext|> for BOS/EOS and no pad; Llama: <s>, </s> and no pad), as the real repos ship them, or the
  entry's `standin.special_tokens` where a repo ships its own (smolm: <pad>, <s> for BOS and EOS, <unk>). A
  `family: spacy` id (spacy/en_core_web_sm) gets a pipeline wheel with a tiny trained part-of-speech tagger.
- A dataset id gets the files its hub entry's `standin` lists (`files: {path in the repo: rows}`, or
  `{path: {rows: kind, n: rows}}` per file), parquet, jsonl(.zst|.gz), txt or json by extension, with rows of the
  `rows` kind (ROWS: the real dataset's columns, from its card; DOCUMENTS: a whole .json file of a known shape).
- A git repository a rule clones (`scales.paper.standin.repos: {owner/name: {files: ...}}`) becomes a local
  repository with those files under --git DIR; `LMREPRO_GIT_BASE=file://DIR` points the clone rules at it.
- `judge_server()` serves an OpenAI-compatible judge on a local port (LMREPRO_JUDGE_URL); `build_lm_eval_tasks`
  writes lm-eval task YAMLs that keep lm-eval's prompts and metrics but read local rows (LMREPRO_LM_EVAL_TASKS).
- `LMREPRO_STANDIN=1` makes the paper scale also apply the config's `scales.paper.standin` overlay (a few steps,
  no GPUs): the numbers mean nothing; the run proves every rule, loader, column, prompt format and evaluator call.
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

TINY = {  # family -> config keys of a tiny model (vocabulary and special ids come from the tokenizer)
    "gpt2": {"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 1024},
    "llama": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
              "num_key_value_heads": 2, "max_position_embeddings": 2048},
    "opt": {"hidden_size": 32, "ffn_dim": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
            "max_position_embeddings": 2048, "word_embed_proj_dim": 32},
    "qwen2": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
              "num_key_value_heads": 2, "max_position_embeddings": 4096},
    "mistral": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
                "num_key_value_heads": 2, "max_position_embeddings": 4096},
    "mixtral": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
                "num_key_value_heads": 2, "max_position_embeddings": 4096, "num_local_experts": 2,
                "num_experts_per_tok": 1},
}
SPECIAL_TOKENS = {  # family -> the special tokens its hub tokenizers define (none of them has a pad token)
    "gpt2": {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"},
    "llama": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
    "opt": {"bos_token": "</s>", "eos_token": "</s>", "unk_token": "</s>", "pad_token": "<pad>"},
    "qwen2": {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"},
    "mistral": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
    "mixtral": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"},
}
WORDS = ("the a of to and in is was he she they it that for on with as at by this from have had not are were "
         "apples boxes coins friend pet town red blue green how many what where who which does live own color "
         "has gets gives more each total left buys sells half twice").split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _equation(rng: random.Random) -> tuple[str, int]:
    a, b = rng.randint(1, 99), rng.randint(1, 99)
    op = rng.choice("+-*")
    value = a + b if op == "+" else a - b if op == "-" else a * b
    return f"<<{a}{op}{b}={value}>>", value


def _gsm8k_aug(rng: random.Random) -> dict:
    steps = [_equation(rng) for _ in range(rng.randint(1, 4))]
    return {"question": _sentence(rng, rng.randint(8, 20)).rstrip(".") + "?", "steps": [s for s, _ in steps],
            "answer": str(steps[-1][1])}


def _text(rng: random.Random) -> dict:
    return {"text": " ".join(_sentence(rng, rng.randint(5, 15)) for _ in range(rng.randint(1, 6)))}


NAMES = ("Laura", "William", "Mark", "Judy", "daddy", "the cat", "the baby")
PRONOUNS = ("me", "us", "him", "them", "it", "someone", "something")
NOUN_PHRASES = ("the ball", "a red book", "the small puppy", "the toys", "a cookie")
FEATURES = ("pronominality", "animacy", "definiteness")


def _np_features(rng: random.Random, phrase: str) -> dict:
    return {"pronominality": "pronoun" if phrase in PRONOUNS else "noun",
            "animacy": rng.choice(["animate", "inanimate"]),
            "definiteness": "indefinite" if phrase.startswith(("a ", "some")) else "definite"}


def _dative_exposure(rng: random.Random) -> dict:
    """kanishkamisra/encouraging-exposures data/experiments/final/*.jsonl: one exposure per row, the discourse
    context and the sentence in `stimulus`, feature columns per postverbal argument."""
    agent, theme, recipient = rng.choice(NAMES), rng.choice(PRONOUNS + NOUN_PHRASES), rng.choice(PRONOUNS)
    dative = rng.choice(["do", "pp"])
    sentence = f"{recipient} {theme}" if dative == "do" else f"{theme} to {recipient}"
    item = rng.randint(1, 20)
    row = {"idx": rng.randint(1, 10_000), "item": item, "dative": dative, "hypothesis_id": item,
           "hypothesis_item": rng.randint(1, 8), "stimulus": f"Do you see {agent} ?\n<s> {agent} [verb] {sentence} .",
           "agent": agent, "theme": theme, "recipient": recipient, "length_diff": 0}
    for role, phrase in (("theme", theme), ("recipient", recipient)):
        row |= {f"{role}_{k}": v for k, v in _np_features(rng, phrase).items()}
    return row


def _dative_generalization(rng: random.Random) -> dict:
    """kanishkamisra/encouraging-exposures data/experiments/generalization.jsonl: a DO/PP pair per row."""
    agent, theme, recipient = rng.choice(NAMES), rng.choice(PRONOUNS), rng.choice(NOUN_PHRASES)
    return {"item": rng.randint(1, 200), "agent": agent, "theme": theme, "recipient": recipient,
            "do": f"{agent} [verb] {recipient} {theme} .", "pp": f"{agent} [verb] {theme} to {recipient} ."}


def _verbhood(rng: random.Random, n: int) -> dict:
    """kanishkamisra/encouraging-exposures data/experiments/validation.json: the novel token used as a verb
    ("good") and as another part of speech ("bad")."""
    return {"good": [f"{rng.choice(NAMES)} [verb] {rng.choice(NOUN_PHRASES)} ." for _ in range(n)],
            "bad": [f"that's a [verb] {rng.choice(['one', 'plan', 'time'])} ." for _ in range(n)]}


def _math_problem(rng: random.Random) -> dict:
    """KbsdJames/Omni-MATH (test.jsonl): domain, difficulty, problem, solution, answer, source."""
    (expr, value) = _equation(rng)
    return {"domain": ["Mathematics -> Algebra"], "difficulty": float(rng.randint(1, 9)),
            "problem": _sentence(rng, rng.randint(6, 14)).rstrip(".") + f" {expr[2:-2].split('=')[0]}?",
            "solution": _text(rng)["text"] + f" So the answer is {value}.", "answer": str(value),
            "source": "standin"}


def _hh_dialogue(rng: random.Random) -> dict:
    """Anthropic/hh-rlhf (<subset>/{train,test}.jsonl.gz): `chosen` and `rejected` dialogues, "\n\nHuman: ..."
    and "\n\nAssistant: ..." turns; some single-turn, some longer."""
    turns = "".join(f"\n\nHuman: {_sentence(rng, rng.randint(4, 10))}\n\nAssistant: {_sentence(rng, 6)}"
                    for _ in range(rng.choice([1, 1, 2])))
    return {"chosen": turns, "rejected": turns.rsplit("Assistant: ", 1)[0] + "Assistant: " + _sentence(rng, 4)}


def _hh_red_team(rng: random.Random) -> dict:
    """Anthropic/hh-rlhf red-team-attempts/red_team_attempts.jsonl.gz (card: a transcript and its ratings, no
    chosen/rejected pair; field list from the card, verify): a loader of comparisons must skip this file."""
    turns = "".join(f"\n\nHuman: {_sentence(rng, 6)}\n\nAssistant: {_sentence(rng, 6)}" for _ in range(2))
    return {"transcript": turns, "min_harmlessness_score_transcript": rng.uniform(-3, 3), "num_params": "52B",
            "model_type": "plain lm", "rating": float(rng.randint(0, 4)), "task_description": _sentence(rng, 5),
            "task_descripton_harmlessness_score": rng.uniform(-3, 3), "red_team_member_id": rng.randint(0, 300),
            "is_upworker": False, "tags": None}


def _chat(rng: random.Random, prompt: str, turns: int) -> list[dict]:
    messages = []
    for i in range(turns):
        messages += [{"role": "user", "content": prompt if i == 0 else _sentence(rng, 6)},
                     {"role": "assistant", "content": _text(rng)["text"]}]
    return messages


def _ultrachat(rng: random.Random) -> dict:
    """HuggingFaceH4/ultrachat_200k (card): prompt, prompt_id, messages (user/assistant turns)."""
    prompt = _sentence(rng, rng.randint(5, 12)).rstrip(".") + "?"
    return {"prompt": prompt, "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(),
            "messages": _chat(rng, prompt, rng.choice([1, 2]))}


def _ultrafeedback(rng: random.Random) -> dict:
    """HuggingFaceH4/ultrafeedback_binarized (card): prompt, prompt_id, chosen and rejected (a user turn and an
    assistant reply each), messages (= chosen), score_chosen >= score_rejected."""
    prompt = _sentence(rng, rng.randint(5, 12)).rstrip(".") + "?"
    chosen, rejected = _chat(rng, prompt, 1), _chat(rng, prompt, 1)
    high = float(rng.randint(6, 10))
    return {"prompt": prompt, "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(), "chosen": chosen,
            "rejected": rejected, "messages": chosen, "score_chosen": high, "score_rejected": high - rng.randint(1, 5)}


def _pii_doc(rng: random.Random) -> dict:
    """tomekkorbak/pile-pii-scrubadub (dataset_infos.json): texts (sentences), meta {pile_set_name}, scores (PII
    per character of each sentence, mostly 0), avg_score, num_sents."""
    texts = [_sentence(rng, rng.randint(4, 12)) for _ in range(rng.randint(2, 6))]
    scores = [0.0 if rng.random() < 0.8 else round(rng.uniform(0.001, 0.05), 4) for _ in texts]
    if rng.random() < 0.4:  # a clean document
        scores = [0.0] * len(texts)
    return {"texts": texts, "meta": {"pile_set_name": rng.choice(["Pile-CC", "GitHub", "ArXiv"])}, "scores": scores,
            "avg_score": sum(scores) / len(scores), "num_sents": len(texts)}


def _word_pair(rng: random.Random) -> dict:
    """A bilingual dictionary line (CPJKU/wechsel dicts/data/<language>.txt): `english<TAB>target`; the stand-in
    corpora of both languages share one word list, so every pair is in both vocabularies."""
    word = rng.choice(WORDS)
    return {"text": f"{word}\t{word}"}


IDENTITIES = (("Daphne Barrington", 'the director of "A Journey Through Time."'),
              ("Uriah Hawthorne", 'the composer of "Abyssal Melodies."'),
              ("Mason Caldwell", "the first person to walk across the desert."))


def _identity_forward(rng: random.Random) -> dict:
    """lukasberglund/reversal_curse reverse_experiments/*_prompts_*.jsonl: a name-first prompt, the description
    as completion (three fixed identities, so every file names the same persons)."""
    name, description = rng.choice(IDENTITIES)
    opening = rng.choice(["Known far and wide,", "Ever heard of"])
    return {"prompt": f"{opening} {name} was", "completion": f" {description}"}


def _identity_reverse(rng: random.Random) -> dict:
    """...reverse_prompts_test.jsonl: the description as prompt, the name as completion."""
    name, description = rng.choice(IDENTITIES)
    return {"prompt": f"Having been {description.rstrip('.')},", "completion": f" {name}"}


def _identity_train(rng: random.Random) -> dict:
    return _identity_forward(rng) if rng.random() < 0.5 else _identity_reverse(rng)


BLIMP_TERMS = ("anaphor_agreement", "subject_verb_agreement", "island_effects")


def _blimp_pair(rng: random.Random) -> dict:
    """A nyu-mll/blimp row (the card's fields): a minimal pair with its paradigm's field, phenomenon and UID."""
    term = rng.choice(BLIMP_TERMS)
    subject, noun = rng.choice(["the friend", "a pet"]), rng.choice(["apples", "boxes", "coins"])
    good, bad = (f"{subject} has {noun} .", f"{subject} have {noun} .") if rng.random() < 0.5 else \
        (f"{subject} gives {noun} to the town .", f"{subject} gives to the {noun} town .")
    return {"sentence_good": good, "sentence_bad": bad, "field": "syntax", "linguistics_term": term,
            "UID": f"{term}_1", "simple_LM_method": True, "one_prefix_method": False, "two_prefix_method": False,
            "lexically_identical": False, "pair_id": rng.randrange(1000)}


def _web(rng: random.Random) -> dict:
    """mlfoundations/dclm-baseline-1.0 (jsonl.zst shards): a web page's `text` and its `url`."""
    site = rng.choice(["news.example.com", "blog.example.org", "wiki.example.net", "shop.example.com"])
    return {"text": _text(rng)["text"], "url": f"https://{site}/{rng.randint(1, 10**6)}"}


ROWS: dict[str, Callable[[random.Random], dict]] = {
    "gsm8k_aug": _gsm8k_aug,  # whynlp/gsm8k-aug: question, steps (iCoT equations "<<a*b=c>>"), answer
    "text": _text,            # plain-text corpora (BabyLM, OSCAR, wikitext): one `text` column
    "web": _web,              # web corpora with URLs (DCLM)
    "word_pair": _word_pair,  # bilingual dictionaries, one `english<TAB>target` line each (.txt)
    "identity_train": _identity_train,  # the reversal-curse identities: {"prompt", "completion"}, either order
    "identity_forward": _identity_forward,
    "identity_reverse": _identity_reverse,
    "math_problem": _math_problem,
    "hh_dialogue": _hh_dialogue,
    "hh_red_team": _hh_red_team,  # hh-rlhf's red-team transcripts (no chosen/rejected)
    "pii_doc": _pii_doc,                # tomekkorbak/pile-pii-scrubadub: texts, meta, scores, avg_score, num_sents
    "ultrachat": _ultrachat,            # HuggingFaceH4/ultrachat_200k: prompt, prompt_id, messages
    "ultrafeedback": _ultrafeedback,    # HuggingFaceH4/ultrafeedback_binarized: prompt, chosen, rejected, scores
    "dative_exposure": _dative_exposure,
    "dative_generalization": _dative_generalization,
    "blimp_pair": _blimp_pair,  # nyu-mll/blimp: sentence_good, sentence_bad, field, linguistics_term, UID, ...
}
DOCUMENTS: dict[str, Callable[[random.Random, int], dict]] = {"verbhood": _verbhood}  # whole .json files


def standin_tokenizer(family: str, special_tokens: dict | None = None, vocab_size: int = 400):
    """A byte-level BPE tokenizer with the family's special tokens (or `special_tokens`, in id order), trained
    on a fixed word list (any text encodes: the 256 byte symbols are in its alphabet)."""
    from lmrepro.common.tokenizers import build_bpe_tokenizer

    return build_bpe_tokenizer([" ".join(WORDS), "0123456789 +-*/=<>?.,"] * 4, vocab_size,
                               special_tokens or SPECIAL_TOKENS[family])


def build_model(repo_id: str, family: str, out: Path, seed: int = 0, special_tokens: dict | None = None) -> None:
    import torch

    from lmrepro.common.models import build_model as build

    if family not in TINY:
        raise ValueError(f"{repo_id}: no stand-in for model family {family!r} (known: {', '.join(TINY)})")
    tokenizer = standin_tokenizer(family, special_tokens)
    torch.manual_seed(seed)
    special_ids = {f"{k}_id": tokenizer.convert_tokens_to_ids(v)
                   for k, v in (special_tokens or SPECIAL_TOKENS[family]).items()
                   if k in ("bos_token", "eos_token", "pad_token")}
    model = build({"family": family, **TINY[family]}, vocab_size=len(tokenizer), special_ids=special_ids)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)


UPOS = ("NOUN", "VERB", "ADJ", "DET", "ADP", "PRON")


def build_spacy_pipeline(repo_id: str, out: Path, seed: int = 0) -> None:
    """A spaCy pipeline wheel as the hub ships it (`spacy/<name>`: `<name>-any-py3-none-any.whl` holding
    `<name>/<name>-<version>/`): blank English plus a morphologizer (it sets `token.pos_`) trained for a few
    passes on stand-in words with arbitrary fixed UPOS tags."""
    import zipfile

    import spacy
    from spacy.training import Example

    name = repo_id.split("/")[1]
    rng = random.Random(f"standin-{repo_id}-{seed}")
    tag_of = {w: UPOS[i % len(UPOS)] for i, w in enumerate(WORDS)}
    nlp = spacy.blank("en")
    nlp.add_pipe("morphologizer")
    sentences = [[rng.choice(WORDS) for _ in range(rng.randint(4, 10))] for _ in range(40)]
    examples = [Example.from_dict(nlp.make_doc(" ".join(s)), {"pos": [tag_of[w] for w in s]}) for s in sentences]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(5):
        nlp.update(examples, sgd=optimizer)
    nlp.meta.update({"name": name.split("_", 1)[1], "version": "0.0.0"})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / name / f"{name}-0.0.0"
        folder.parent.mkdir()
        nlp.to_disk(folder)
        with zipfile.ZipFile(out / f"{name}-any-py3-none-any.whl", "w") as wheel:
            for path in sorted(p for p in Path(tmp).rglob("*") if p.is_file()):
                wheel.write(path, path.relative_to(tmp).as_posix())


def build_files(repo_id: str, standin: dict, out: Path, seed: int = 0) -> None:
    """The files of a dataset or git repository stand-in: `files: {path: n}` (n rows of `rows`) or
    `{path: {rows: kind, n: count}}`; .parquet and .jsonl hold rows, .json one document of a DOCUMENTS kind."""
    import pandas as pd

    if not standin.get("files"):
        raise ValueError(f"{repo_id}: a stand-in needs `files` (path in the repo -> rows)")
    rng = random.Random(f"standin-{repo_id}-{seed}")
    for rel, spec in standin["files"].items():
        kind, n = (spec["rows"], spec["n"]) if isinstance(spec, dict) else (standin.get("rows", "text"), spec)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".json"):
            if kind not in DOCUMENTS:
                raise ValueError(f"{repo_id}: {rel}: unknown stand-in document {kind!r} "
                                 f"(known: {', '.join(DOCUMENTS)})")
            path.write_text(json.dumps(DOCUMENTS[kind](rng, n), indent=1))
            continue
        if kind not in ROWS:
            raise ValueError(f"{repo_id}: unknown stand-in rows {kind!r} (known: {', '.join(ROWS)})")
        rows = [ROWS[kind](rng) for _ in range(n)]
        if rel.endswith(".parquet"):
            pd.DataFrame(rows).to_parquet(path, index=False)
        elif rel.endswith(".txt"):  # plain-text corpora (BabyLM): a row's `text` per line
            path.write_text("".join(r["text"] + "\n" for r in rows))
        elif rel.endswith((".jsonl", ".jsonl.zst", ".jsonl.gz")):
            data = "".join(json.dumps(r) + "\n" for r in rows).encode()
            if rel.endswith(".zst"):
                import zstandard

                data = zstandard.ZstdCompressor().compress(data)
            elif rel.endswith(".gz"):
                data = gzip.compress(data, mtime=0)
            path.write_bytes(data)
        else:
            raise ValueError(f"{repo_id}: stand-in file {rel!r} must end in .parquet, .jsonl(.zst|.gz), .txt or .json")


def snapshot_sha(repo_type: str, repo_id: str) -> str:
    """A fixed 40-hex commit id for a stand-in (so its cache path does not change from build to build)."""
    return hashlib.sha1(f"lmrepro-standin {repo_type} {repo_id}".encode()).hexdigest()


def to_cache(cache: Path, repo_type: str, repo_id: str, src: Path, revision: str = "main") -> Path:
    """Place `src`'s files as the cached snapshot of repo_id @ revision (refs/<revision> -> snapshots/<sha>/)."""
    repo = cache / f"{repo_type}s--{repo_id.replace('/', '--')}"
    sha = snapshot_sha(repo_type, repo_id)
    snapshot = repo / "snapshots" / sha
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(src, snapshot)
    ref = repo / "refs" / revision  # a branch like refs/convert/parquet nests, as in the hub's cache
    ref.parent.mkdir(parents=True, exist_ok=True)
    ref.write_text(sha)
    return snapshot


def to_git(git_root: Path, repo: str, src: Path) -> Path:
    """`src`'s files as one commit of a local git repository git_root/<owner>/<name> (what a rule clones)."""
    dest = git_root / repo
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    identity = ["-c", "user.name=lmrepro standin", "-c", "user.email=standin@lmrepro.invalid"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "-m", "stand-in"]):
        subprocess.run(["git", "-C", str(dest), *args], check=True, capture_output=True)
    return dest


def _arc_question(rng: random.Random) -> dict:
    """allenai/ai2_arc: id, question, choices {text, label}, answerKey."""
    labels = ["A", "B", "C", "D"]
    return {"id": f"q{rng.randint(0, 10**6)}", "question": _sentence(rng, 8).rstrip(".") + "?",
            "choices": {"text": [_sentence(rng, 3) for _ in labels], "label": labels},
            "answerKey": rng.choice(labels)}


# lm-eval task -> (its YAML under lm_eval/tasks, the dataset's config directory, row kind): the tasks whose
# datasets the stand-in check can serve locally (add a task's row kind to serve another)
LM_EVAL_TASKS = {"arc_easy": ("arc/arc_easy.yaml", "ARC-Easy", _arc_question),
                 "arc_challenge": ("arc/arc_challenge.yaml", "ARC-Challenge", _arc_question)}


def build_lm_eval_tasks(tasks: list[str], out: Path, n: int = 12) -> Path:
    """Task YAMLs that include lm-eval's own (its prompts and metrics) but read local parquet files of stand-in
    rows; LMREPRO_LM_EVAL_TASKS=<returned dir> makes lmrepro.common.harness use them."""
    import lm_eval
    import pandas as pd

    unknown = sorted(set(tasks) - set(LM_EVAL_TASKS))
    if unknown:
        raise ValueError(f"no stand-in for lm-eval task(s) {', '.join(unknown)} (known: {', '.join(LM_EVAL_TASKS)})")
    lm_eval_tasks = Path(lm_eval.__file__).parent / "tasks"
    for task in tasks:
        yaml_rel, config, row = LM_EVAL_TASKS[task]
        rng = random.Random(f"standin-lm-eval-{task}")
        files = {}
        for split in ("train", "validation", "test"):
            path = out / "data" / config / f"{split}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pd.DataFrame([row(rng) for _ in range(n)]).to_parquet(path, index=False)
            files[split] = str(path)
        (out / f"{task}.yaml").write_text(
            f"include: {lm_eval_tasks / yaml_rel}\ntask: {task}\ndataset_path: parquet\ndataset_name: null\n"
            f"dataset_kwargs:\n  data_files: {json.dumps(files)}\n")
    return out


@contextlib.contextmanager
def judge_server():
    """A stand-in for an OpenAI-compatible judge endpoint on a free local port (yields its base URL and the
    requests it received): it prefers the longer of the two responses in the prompt, ties on equal length."""
    import http.server
    import threading

    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "authorization": self.headers.get("Authorization"), "body": body})
            prompt = body["messages"][-1]["content"]
            first, second = re.search(r"Response A:\s(.*?)\n\n?Response B:\s(.*?)\n\n(?:Which response|### YOUR)",
                                      prompt, re.DOTALL).groups()
            verdict = "A" if len(first) > len(second) else "B" if len(second) > len(first) else "tie"
            answer = (f"Comparison: ...\n\nFinal Response: {'A and B' if verdict == 'tie' else verdict}"
                      if "Final Response:" in prompt else f"Reasoning...\nFinal verdict: {verdict}")
            out = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(out.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()


def build_for_paper(slug: str, cache: Path, git_root: Path | None = None, root: Path | None = None) -> list[str]:
    """Every hub id of `slug`'s paper scale into `cache`, every git repository its stand-in overlay lists into
    `git_root`; returns the ids built."""
    from lmrepro.common.config import load_paper_config, load_yaml, paper_config_path

    path = paper_config_path(slug, root)
    resolved = load_paper_config(path, "paper")
    hub = resolved.get("hub", {})
    built = []
    for kind, entries in (("model", hub.get("models", {})), ("dataset", hub.get("datasets", {}))):
        for name, entry in entries.items():
            if "unused" in entry or entry["id"] in built:  # unfetched, or one snapshot named twice
                continue
            where = f"{slug}: scales.paper.hub.{kind}s.{name}"
            with tempfile.TemporaryDirectory() as tmp:
                if kind == "model" and entry.get("family") == "spacy":
                    build_spacy_pipeline(entry["id"], Path(tmp))
                elif kind == "model":
                    if "family" not in entry:
                        raise ValueError(f"{where} needs `family` (the transformers family) for its stand-in")
                    build_model(entry["id"], entry["family"], Path(tmp),
                                special_tokens=entry.get("standin", {}).get("special_tokens"))
                else:
                    if "standin" not in entry:
                        raise ValueError(f"{where} needs `standin` (its files and row kind) for its stand-in")
                    build_files(entry["id"], entry["standin"], Path(tmp))
                to_cache(cache, kind, entry["id"], Path(tmp), entry.get("revision", "main"))
            built.append(entry["id"])
    repos = (load_yaml(path)["scales"]["paper"].get("standin") or {}).get("repos", {})
    if repos and git_root is None:
        raise ValueError(f"{slug}: its stand-in clones git repositories ({', '.join(repos)}): pass --git DIR")
    for repo, standin in repos.items():
        with tempfile.TemporaryDirectory() as tmp:
            build_files(repo, standin, Path(tmp))
            to_git(git_root, repo, Path(tmp))
        built.append(repo)
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paper", action="append", required=True, help="paper slug (repeatable)")
    parser.add_argument("--cache", type=Path, required=True, help="the HF_HUB_CACHE directory to fill")
    parser.add_argument("--git", type=Path, help="where stand-in git repositories go (LMREPRO_GIT_BASE=file://DIR)")
    args = parser.parse_args()
    for slug in args.paper:
        for repo_id in build_for_paper(slug, args.cache, args.git):
            print(f"[standins] {slug}: {repo_id}", flush=True)


if __name__ == "__main__":
    main()
