"""Fetch a Hugging Face hub snapshot (model or dataset) into data/hub/..., pinned to a revision.

    python -m lmrepro.common.hub --repo-id mistralai/Mistral-7B-v0.1 --revision main --repo-type model \
        --out data/hub/mistralai/Mistral-7B-v0.1

A shared DAG node: every paper naming the same id reuses the same directory. Only safetensors weights, configs,
tokenizer files and data files are downloaded (no pickled *.bin / *.pt weights). Needs network and, for gated
models, HF_TOKEN in the environment (never logged). With HF_HUB_OFFLINE=1 the snapshot comes from the local
Hugging Face cache (HF_HUB_CACHE; e.g. filled by a machine with network, or hub-shaped stand-ins), with the same
file filter, and a repo missing from the cache is a clear error.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from lmrepro.common.io import atomic_dir

ALLOW = ["*.json", "*.safetensors", "*.model", "*.txt", "*.md", "*.parquet", "*.jsonl", "*.jsonl.gz", "*.jsonl.zst",
         "*.json.gz", "*.arrow", "*.tiktoken", "*.py.txt"]  # every shard kind snapshot_rows reads
# Never fetched, even when a config's `allow` globs would match them: pickled weights and arrays.
PICKLED = ["*.bin", "*.pt", "*.pth", "*.pkl", "*.pickle", "*.ckpt", "*.joblib", "*.npy", "*.npz"]


def snapshot_rows(snapshot_dir: str, *, split: str | None = None, seed: int | None = None):
    """Stream the rows of a dataset snapshot's data files (jsonl[.zst|.gz], json.gz, parquet), shards in sorted
    order or a seeded shuffle; `split` keeps the files whose path mentions it (e.g. "test")."""
    import glob
    import random

    from datasets import load_dataset

    files = sorted(f for ext in ("jsonl", "jsonl.zst", "jsonl.gz", "json.gz", "parquet")
                   for f in glob.glob(f"{snapshot_dir}/**/*.{ext}", recursive=True))
    if split is not None:
        files = [f for f in files if split in Path(f).relative_to(snapshot_dir).as_posix()]
    if not files:
        raise FileNotFoundError(f"no jsonl/parquet shards{f' for split {split!r}' if split else ''} under "
                                f"{snapshot_dir}; fetch it with the hub_snapshot rule")
    if seed is not None:
        random.Random(seed).shuffle(files)
    kind = "parquet" if files[0].endswith(".parquet") else "json"
    yield from load_dataset(kind, data_files=files, split="train", streaming=True)


def snapshot_lines(directory: str | Path, n: int, text_field: str = "text", pattern: str = "**/*",
                   per_file: bool = False) -> list[tuple[str, str]]:
    """(file stem, line) for the first `n` non-empty records (of each file with `per_file`) of the parquet or txt
    files matching `pattern` in a dataset snapshot, files sorted; whitespace collapsed; wikitext heading lines
    (" = Title = ") skipped. The stem names the record's source (BabyLM: one .txt file per domain)."""
    out: list[tuple[str, str]] = []
    for path in sorted(p for p in Path(directory).glob(pattern) if p.is_file()):
        if not per_file and len(out) >= n:
            break
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows = pq.read_table(path, columns=[text_field]).column(text_field).to_pylist()
        elif path.suffix == ".txt":
            rows = path.read_text().splitlines()
        else:
            continue
        lines = [" ".join(r.split()) for r in rows if r and r.strip() and not r.strip().startswith("=")]
        out += [(path.stem, line) for line in lines[: n if per_file else n - len(out)]]
    if not out:
        raise FileNotFoundError(f"no text records (txt/parquet, field {text_field!r}) matching {pattern!r} under "
                                f"{directory}")
    return out


def fetch(repo_id: str, revision: str, repo_type: str, allow: list[str], out_dir: Path) -> None:
    """The snapshot's allowed files into `out_dir` (which exists and is empty): downloaded, or copied out of the
    local cache when HF_HUB_OFFLINE is set (snapshot_download ignores the cache when given a local_dir)."""
    import shutil

    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError
    from huggingface_hub.utils import filter_repo_objects

    if not constants.HF_HUB_OFFLINE:
        snapshot_download(repo_id=repo_id, revision=revision, repo_type=repo_type, local_dir=out_dir,
                          allow_patterns=allow, ignore_patterns=PICKLED)
        return
    try:
        cached = Path(snapshot_download(repo_id=repo_id, revision=revision, repo_type=repo_type,
                                        allow_patterns=allow, ignore_patterns=PICKLED))
    except LocalEntryNotFoundError as err:
        raise SystemExit(f"HF_HUB_OFFLINE is set and the {repo_type} {repo_id} @ {revision} is not in the Hugging "
                         f"Face cache {constants.HF_HUB_CACHE}: fetch it on a machine with network (same "
                         f"HF_HUB_CACHE) or unset HF_HUB_OFFLINE") from err
    files = [p.relative_to(cached).as_posix() for p in cached.rglob("*") if p.is_file()]
    for rel in filter_repo_objects(files, allow_patterns=allow, ignore_patterns=PICKLED):
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached / rel, out_dir / rel)  # follows the cache's symlinks into its blobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo-id", required=True)
    parser.add_argument("--revision", default="main")
    parser.add_argument("--repo-type", choices=["model", "dataset"], default="model")
    parser.add_argument("--allow", action="append", default=None, help="glob(s) to fetch (default: safe files); pickles never")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with atomic_dir(args.out) as tmp:
        fetch(args.repo_id, args.revision, args.repo_type, args.allow or ALLOW, Path(tmp))
        (Path(tmp) / "SNAPSHOT").write_text(f"{args.repo_type} {args.repo_id} @ {args.revision}\n")


if __name__ == "__main__":
    main()
