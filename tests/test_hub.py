"""lmrepro.common.hub offline: a snapshot comes out of a hub-shaped local cache with the safe-file filter, and a
repo missing from the cache is a clear error (no network is touched: HF_HUB_OFFLINE=1)."""
import os
import subprocess
import sys

import pytest

SHA = "0123456789abcdef0123456789abcdef01234567"


def fake_cache(root, repo_id: str, files: dict[str, str]):
    repo = root / f"models--{repo_id.replace('/', '--')}"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(SHA)
    for rel, text in files.items():
        blob = repo / "blobs" / rel.replace("/", "_")
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_text(text)
        link = repo / "snapshots" / SHA / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))  # the cache's layout: snapshot files link to blobs


def fetch(tmp_path, repo_id: str, *allow: str):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "lmrepro.common.hub", "--repo-id", repo_id, "--revision", "main",
                           *(f"--allow={glob}" for glob in allow), "--out", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True)


def fetched(tmp_path):
    out = tmp_path / "out"
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_offline_fetch_copies_the_allowed_files_out_of_the_cache(tmp_path):
    fake_cache(tmp_path / "cache", "acme/tiny", {"config.json": "{}", "model.safetensors": "w",
                                                 "pytorch_model.bin": "pickle", "sub/tokenizer.json": "t"})
    done = fetch(tmp_path, "acme/tiny")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert fetched(tmp_path) == ["SNAPSHOT", "config.json", "model.safetensors", "sub/tokenizer.json"]  # no pickles
    assert not (out / "config.json").is_symlink() and (out / "model.safetensors").read_text() == "w"


def test_allow_globs_fetch_only_their_slice_of_a_corpus_and_never_pickles(tmp_path):
    fake_cache(tmp_path / "cache", "acme/corpus", {"en/0000.parquet": "e", "fr/0000.parquet": "f",
                                                   "fr/weights.bin": "pickle", "README.md": "card"})
    done = fetch(tmp_path, "acme/corpus", "fr/*")
    assert done.returncode == 0, done.stderr
    assert fetched(tmp_path) == ["SNAPSHOT", "fr/0000.parquet"]


def test_offline_fetch_of_an_uncached_repo_names_it_and_writes_nothing(tmp_path):
    (tmp_path / "cache").mkdir()
    done = fetch(tmp_path, "acme/missing")
    assert done.returncode != 0 and "acme/missing @ main is not in the Hugging Face cache" in done.stderr
    assert not (tmp_path / "out").exists()


def test_default_fetch_keeps_every_shard_kind_snapshot_rows_reads(tmp_path):
    """A shard kind that snapshot_rows reads but the fetch filter drops would leave an empty snapshot (DCLM's
    jsonl.zst did)."""
    from huggingface_hub.utils import filter_repo_objects

    from lmrepro.common.hub import ALLOW

    shards = ["a/shard_0.jsonl", "a/shard_1.jsonl.zst", "a/shard_2.jsonl.gz", "a/shard_3.json.gz", "b/x.parquet"]
    assert list(filter_repo_objects(shards, allow_patterns=ALLOW)) == shards


def test_snapshot_lines_read_the_wikitext_and_babylm_layouts(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lmrepro.common.hub import snapshot_lines

    (tmp_path / "wikitext-103-raw-v1").mkdir()
    pq.write_table(pa.table({"text": [" = Head = ", "a b c", "", " d  e "]}),
                   tmp_path / "wikitext-103-raw-v1/train-00000.parquet")
    pq.write_table(pa.table({"text": ["held out"]}), tmp_path / "wikitext-103-raw-v1/test-00000.parquet")
    lines = snapshot_lines(tmp_path, 10, "text", "wikitext-103-raw-v1/train-*.parquet")
    assert lines == [("train-00000", "a b c"), ("train-00000", "d e")]
    with pytest.raises(FileNotFoundError, match="matching"):
        snapshot_lines(tmp_path, 10, "text", "nothing/*.parquet")
    (tmp_path / "10M").mkdir()  # BabyLM: one .txt per domain; `per_file` caps each domain, the stem names it
    (tmp_path / "10M/childes.txt").write_text("hi there\n\nwhat is it\nthird\n")
    (tmp_path / "10M/wikipedia.txt").write_text("Paris is a city .\n")
    assert snapshot_lines(tmp_path, 2, pattern="10M/*.txt", per_file=True) == [
        ("childes", "hi there"), ("childes", "what is it"), ("wikipedia", "Paris is a city .")]
