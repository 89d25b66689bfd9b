"""`make bench`'s quick mode: every benchmark still runs as papers are added (the dry-run benchmarks plan every
paper at every scale), and the suite reports each of its papers' wall time, stage profile and claims (quick: two
papers at ci; tests/test_e2e_ci runs every paper at ci)."""
import json
import subprocess
import sys

import yaml

from tests.conftest import REPO


def test_quick_bench_runs_every_benchmark(tmp_path):
    from bench.run import QUICK_PAPERS

    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--out", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    enabled = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["papers"]
    assert set(QUICK_PAPERS) <= set(enabled) and results["detail"]["workflow"]["dryrun_jobs"] > 0
    assert results["suite_scale"] == "ci"
    assert sorted(results["suite_wall_s"]) == sorted(QUICK_PAPERS)
    assert results["suite_total_s"] == sum(results["suite_wall_s"].values()) > 0
    suite = results["detail"]["workflow"]["suite"]
    for slug in QUICK_PAPERS:
        assert suite["stage_s"][slug], f"{slug}: no stage seconds parsed from its logs"
        assert suite["claims"][slug], f"{slug}: no claims"
    table = (tmp_path / "RESULTS.md").read_text()
    assert all(f"| {slug} |" in table for slug in QUICK_PAPERS)

    # re-measuring one paper replaces its entries only, and the totals follow
    before = results
    proc = subprocess.run([sys.executable, "bench/run.py", "--papers", "word_class", "--out", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    after = json.loads((tmp_path / "results.json").read_text())
    others = [slug for slug in QUICK_PAPERS if slug != "word_class"]
    assert all(after["suite_wall_s"][slug] == before["suite_wall_s"][slug] for slug in others)
    assert after["suite_wall_s"]["word_class"] != before["suite_wall_s"]["word_class"]
    assert after["suite_total_s"] == sum(after["suite_wall_s"].values())
    assert after["detail"]["workflow"]["suite"]["measured"]["word_class"]["utc"] >= \
        before["detail"]["workflow"]["suite"]["measured"]["word_class"]["utc"]
    assert after["dryrun_all_s"] == before["dryrun_all_s"]
