"""Fetch a Hugging Face hub snapshot (model or dataset) into data/hub/..., pinned to a revision.

    python -m lmrepro.common.hub --repo-id mistralai/Mistral-7B-v0.1 --revision main --repo-type model \
        --out data/hub/mistralai/Mistral-7B-v0.1

A shared DAG node: every paper naming the same id reuses the same directory. Only safetensors weights, configs,
tokenizer files and data files are downloaded (no pickled *.bin / *.pt weights). Needs network and, for gated
models, HF_TOKEN in the environment (never logged).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from lmrepro.common.io import atomic_dir

ALLOW = ["*.json", "*.safetensors", "*.model", "*.txt", "*.md", "*.parquet", "*.jsonl", "*.jsonl.gz", "*.arrow",
         "*.tiktoken", "*.py.txt"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo-id", required=True)
    parser.add_argument("--revision", default="main")
    parser.add_argument("--repo-type", choices=["model", "dataset"], default="model")
    parser.add_argument("--allow", action="append", default=None, help="glob(s) to fetch (default: safe files)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    from huggingface_hub import snapshot_download

    with atomic_dir(args.out) as tmp:
        snapshot_download(repo_id=args.repo_id, revision=args.revision, repo_type=args.repo_type,
                          local_dir=tmp, allow_patterns=args.allow or ALLOW)
        (Path(tmp) / "SNAPSHOT").write_text(f"{args.repo_type} {args.repo_id} @ {args.revision}\n")


if __name__ == "__main__":
    main()
