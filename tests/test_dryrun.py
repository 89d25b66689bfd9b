"""`snakemake -n` plans every paper at every scale, including `paper` (hub snapshots, GPU resources)."""
import pytest

from tests.conftest import PAPERS, REPO, planned_jobs, run_snakemake


@pytest.mark.parametrize("scale", ["ci", "small", "paper"])
def test_dry_run_all_papers(scale):
    proc = run_snakemake(REPO, "-n", "--forceall", "--config", f"scale={scale}", "--", *PAPERS, "all")
    jobs = planned_jobs(proc.stdout)
    for slug in PAPERS:
        assert any(rule.startswith(f"{slug}_") for rule in jobs), f"no {slug} jobs planned at {scale}"
    if scale == "paper":
        assert "hub_snapshot_model" in jobs or "hub_snapshot_dataset" in jobs


def test_paper_scale_plans_on_the_slurm_profile_and_asks_for_gpus():
    proc = run_snakemake(REPO, "-n", "--forceall", "--profile", "profiles/slurm", "--config", "scale=paper", "--",
                         *PAPERS)
    jobs = planned_jobs(proc.stdout)
    for slug in PAPERS:
        assert any(rule.startswith(f"{slug}_") for rule in jobs), f"no {slug} jobs planned on the slurm profile"
    assert "gpu=8" in proc.stdout  # meco's paper-scale pretraining


def test_bad_global_config_is_rejected_before_any_job():
    proc = run_snakemake(REPO, "-n", "--config", "scale=huge", check=False)
    assert proc.returncode != 0 and "scale" in (proc.stdout + proc.stderr)


@pytest.mark.parametrize("slug", PAPERS)
def test_report_rule_tracks_its_claims_and_panels(slug):
    """Editing a claim or a plot panel in the paper's config must rerun its report (a params change)."""
    rules = (REPO / "rules" / f"{slug}.smk").read_text()
    assert f'settings=report_settings("{slug}")' in rules, f"rules/{slug}.smk: report rule lacks report_settings"
