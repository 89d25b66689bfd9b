"""A `ci`-scale run of every paper through Snakemake: outputs, claims.json, metrics.json and MLflow runs exist and
are well-formed; an edit to one stage's code or config reruns only what depends on it."""
import base64
import json
from pathlib import Path

import pytest

from tests import browser
from tests.conftest import PAPERS, make_workdir, planned_jobs, run_snakemake

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ci_runs(ci_all):
    return ci_all


@pytest.mark.parametrize("slug", PAPERS)
def test_paper_outputs_and_claims(ci_runs, slug):
    root = ci_runs / "results" / "ci" / slug
    claims = json.loads((root / "claims.json").read_text())
    assert claims["paper"] == slug and claims["scale"] == "ci" and claims["seeds"]
    for claim in claims["claims"]:
        assert {"id", "statement", "observed", "op", "threshold", "holds"} <= set(claim)
        assert isinstance(claim["holds"], bool) or (claim["agg"] == "report" and claim["holds"] is None)
    assert (root / "plot.png").stat().st_size > 1000
    assert (root / "curves.csv").read_text().startswith("seed,curve,step,value")
    stage_files = list((root / "runs").rglob("*.json"))
    assert stage_files, "no per-stage metrics.json files"
    for path in stage_files:
        if path.parent.name.startswith("seed") or path.parent == root / "runs":
            record = json.loads(path.read_text())
            if "stage" in record:
                assert record["paper"] == slug and record["scale"] == "ci" and isinstance(record["metrics"], dict)


@pytest.mark.parametrize("slug", PAPERS)
def test_every_job_is_an_mlflow_run_with_tags(ci_runs, slug):
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{ci_runs / 'mlflow.db'}")
    experiment = client.get_experiment_by_name(slug)
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id], max_results=1000)
    names = [r.info.run_name for r in runs]
    assert any(n.startswith("report/ci/") for n in names)
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)  # arms named apart
    for run in runs:
        assert {"paper", "scale", "stage", "seed", "git_commit", "data_hash"} <= set(run.data.tags)
        assert run.data.tags["paper"] == slug and run.data.tags["scale"] == "ci"
        assert run.info.status == "FINISHED"
    curves = [r for r in runs if r.data.tags["stage"].startswith(("pretrain", "train"))]
    if curves:
        history = client.get_metric_history(curves[0].info.run_id, "train/loss")
        assert len(history) >= 2 and len({m.step for m in history}) == len(history)


def test_summary_lists_every_paper(ci_runs):
    summary = (ci_runs / "results" / "ci" / "summary.md").read_text()
    for slug in PAPERS:
        assert f"| {slug} |" in summary


REPORT_NAVIGATION = """<script>
function clickText(t) {{
  const els = [...document.querySelectorAll('a,td,label,span,div')].filter(e => e.textContent.trim() === t);
  if (els.length) els[els.length - 1].click();
}}
setTimeout(() => clickText('Results'), 1000);
setTimeout(() => clickText('papers'), 2000);
setTimeout(() => clickText('{slug}'), 3000);
setTimeout(() => clickText('{figure}'), 3500);
setTimeout(() => document.querySelector('a[iconname=eye]').click(), 4000);
</script>"""


def test_snakemake_report_shows_every_papers_plot_and_claims(ci_runs, tmp_path):
    report = ci_runs / "results" / "ci" / "report.html"
    run_snakemake(ci_runs, "--report", str(report), "--config", "scale=ci", "--", "all")
    html = report.read_text()
    for slug in PAPERS:  # each paper's claims table and plot are embedded (as data URIs)
        claims = json.loads((ci_runs / "results" / "ci" / slug / "claims.json").read_text())
        table = base64.b64encode((ci_runs / "results" / "ci" / slug / "claims.html").read_bytes()).decode()
        assert table in html, f"{slug}: claims table missing from the report"
        assert base64.b64encode((ci_runs / "results" / "ci" / slug / "plot.png").read_bytes()).decode() in html
        assert claims["claims"][0]["id"] in base64.b64decode(table).decode()
    for slug, figure in [(PAPERS[0], "claims"), (PAPERS[-1], "plot")]:
        page = tmp_path / f"{slug}-{figure}.html"
        head, tail = html.rsplit("</body>", 1)
        page.write_text(head + REPORT_NAVIGATION.format(slug=slug, figure=figure) + "</body>" + tail)
        dom = browser.render(page.as_uri(), screenshot=browser.ARTIFACTS / f"report-ci-{slug}-{figure}.png")
        assert "Snakemake" in dom and f">{slug}</" in dom, f"report did not render the {slug} page"
        assert ('<iframe' in dom) if figure == "claims" else ('<img' in dom), f"{slug} {figure} not shown"


def test_edit_reruns_only_affected_jobs(ci_runs):
    assert "Nothing to be done" in run_snakemake(ci_runs, "-n", "--config", "scale=ci", "--", "all").stdout
    module = ci_runs / "src" / "lmrepro" / "papers" / "meco" / "evaluate.py"
    original = module.read_text()
    module.write_text(original + "# an edit\n")  # content, not just mtime: Snakemake checks input checksums
    jobs = planned_jobs(run_snakemake(ci_runs, "-n", "--config", "scale=ci", "--", "all").stdout)
    assert set(jobs) == {"meco_evaluate", "meco_report", "summary", "all"}, jobs
    module.write_text(original)
    config = ci_runs / "config" / "papers" / "meco.yaml"
    original_config = config.read_text()
    config.write_text(original_config.replace("  evaluate:\n    batch_size: 256", "  evaluate:\n    batch_size: 128"))
    jobs = planned_jobs(run_snakemake(ci_runs, "-n", "--config", "scale=ci", "--", "all").stdout)
    config.write_text(original_config)  # the session's other tests read this run as it was
    assert "meco_pretrain" not in jobs and "meco_evaluate" in jobs, jobs
    assert not any(j.startswith(("sami", "wechsel")) for j in jobs), jobs


def _stage_records(workdir) -> dict[str, bytes]:
    """Every JSON record a job wrote (metrics.json files, claims.json), by path relative to the workdir."""
    return {str(p.relative_to(workdir)): p.read_bytes()
            for root in ("results", "data") for p in sorted((workdir / root / "ci").rglob("*.json"))}


def test_same_seed_byte_identical_other_seed_differs(ci_runs, tmp_path_factory):
    again = make_workdir(tmp_path_factory.mktemp("ci-again"))
    run_snakemake(again, "-c2", "--config", "scale=ci", "--", "all")
    first, second = _stage_records(ci_runs), _stage_records(again)
    assert first.keys() == second.keys() and len(first) > 20
    changed = [path for path in first if first[path] != second[path]]
    assert not changed, f"same seed, different bytes: {changed[:5]}"
    other = make_workdir(tmp_path_factory.mktemp("ci-seed1"))
    run_snakemake(other, "-c2", "--config", "scale=ci", "seed=1", "--", "meco")
    meco_seed1 = json.loads((other / "results/ci/meco/runs/seed1/evaluate.json").read_text())["metrics"]
    meco_seed0 = json.loads(first["results/ci/meco/runs/seed0/evaluate.json"])["metrics"]
    assert meco_seed1 != meco_seed0
