"""`snakemake -n` plans every paper at every scale, including `paper` (hub snapshots, GPU resources)."""
import pytest

from lmrepro.common.registry import enabled_papers

from tests.conftest import PAPERS, REPO, make_workdir, planned_jobs, run_snakemake


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
    assert f"paper scale, {len(enabled_papers())} papers: ~" in proc.stderr  # the budget's total line


def test_bad_global_config_is_rejected_before_any_job():
    proc = run_snakemake(REPO, "-n", "--config", "scale=huge", check=False)
    assert proc.returncode != 0 and "scale" in (proc.stdout + proc.stderr)


@pytest.mark.parametrize("slug", PAPERS)
def test_report_rule_tracks_its_claims_and_panels(slug):
    """Editing a claim or a plot panel in the paper's config must rerun its report (a params change)."""
    rules = (REPO / "rules" / f"{slug}.smk").read_text()
    assert f'settings=report_settings("{slug}")' in rules, f"rules/{slug}.smk: report rule lacks report_settings"


def test_stages_shared_across_seeds_run_once_from_the_base_seed():
    """`shared_across_seeds` in a paper config: that stage runs once, with the base seed, and every seed reads it;
    at `paper` scale base_model() takes the hub snapshot instead, so our pretraining does not run."""
    proc = run_snakemake(REPO, "-n", "--forceall", "--config", "scale=small", "seed=10", "--", "sami", "wechsel")
    jobs = planned_jobs(proc.stdout)
    assert (jobs["sami_prep"], jobs["sami_pretrain_base"], jobs["sami_evaluate"]) == (1, 1, 3), jobs
    assert (jobs["wechsel_train_src_tokenizer"], jobs["wechsel_train_source_lm"], jobs["wechsel_prep"]) == (1, 1, 3)
    assert "sami/runs/seed10/base\n" in proc.stdout and "sami/runs/seed11/base\n" not in proc.stdout
    paper = planned_jobs(run_snakemake(REPO, "-n", "--forceall", "--config", "scale=paper", "--", "sami", "rmt",
                                       "cross_dative", "wechsel").stdout)
    for rule in ("sami_pretrain_base", "rmt_pretrain_base", "rmt_train_proxy", "cross_dative_pretrain_lm",
                 "wechsel_train_source_lm"):
        assert rule not in paper, f"{rule} planned at paper scale, where base_model() takes the hub snapshot"


def test_threads_per_stage_come_from_the_config(tmp_path):
    """`resources.<stage>.threads` sets a rule's threads, and the stage pins torch/BLAS to them (--threads)."""
    workdir = make_workdir(tmp_path / "wd")
    cfg = workdir / "config" / "papers" / "sami.yaml"
    cfg.write_text(cfg.read_text().replace("  evaluate: {runtime: 10, mem_mb: 2000}",
                                           "  evaluate: {runtime: 10, mem_mb: 2000, threads: 2}", 1))
    proc = run_snakemake(workdir, "-n", "-p", "--forceall", "--config", "scale=ci", "--", "sami")
    evaluate = [line for line in proc.stdout.splitlines() if "lmrepro stage sami.evaluate " in line]
    sami = [line for line in proc.stdout.splitlines() if "lmrepro stage sami.sami " in line]
    assert evaluate and "--threads 2" in evaluate[0], evaluate
    assert sami and "--threads 1" in sami[0], sami
