"""cross_dative: the Learner (novel-token init, embedding-only learning, best-epoch re-run), sentence scoring
against minicons, the stimuli design, and the scores/statistics."""
import random

import numpy as np
import pandas as pd
import pytest
import torch

from lmrepro.common.models import build_model
from lmrepro.papers.cross_dative import learner as L
from lmrepro.papers.cross_dative import stats as S
from lmrepro.papers.cross_dative.gen_corpus import world_grammar
from lmrepro.papers.cross_dative.expose import validation_sets
from lmrepro.papers.cross_dative.gen_stimuli import (exposure_features, repo_alignment, repo_stimuli,
                                                     world_stimuli)
from lmrepro.papers.cross_dative.params import AnalysisConfig, ExposureConfig, StimuliConfig
from lmrepro.papers.cross_dative.score import score_table, seed_metrics
from lmrepro.worlds.grammar import GrammarConfig

SPEC = {"family": "opt", "num_hidden_layers": 1, "hidden_size": 16, "word_embed_proj_dim": 16, "ffn_dim": 32,
        "num_attention_heads": 2, "max_position_embeddings": 32, "dropout": 0.0, "attention_dropout": 0.0}


@pytest.fixture(scope="module")
def grammar():
    return world_grammar(GrammarConfig(), 0)


@pytest.fixture()
def lm(grammar):
    tok = grammar.tokenizer()
    torch.manual_seed(0)
    model = build_model(SPEC, vocab_size=len(tok), special_ids={"pad_token_id": tok.pad_token_id,
                                                                 "bos_token_id": tok.bos_token_id,
                                                                 "eos_token_id": tok.eos_token_id}).eval()
    return model, tok


@pytest.fixture(scope="module")
def stimuli(grammar):
    return world_stimuli(grammar, StimuliConfig(n_generalization=12, n_validation=4, n_instances=2), 0)


def test_gaussian_row_moments():
    g = torch.Generator().manual_seed(0)
    rows = torch.randn(500, 4, generator=g) @ torch.tensor([[2.0, 0, 0, 0], [0.5, 1, 0, 0], [0, 0, 0.3, 0],
                                                            [0, 0, 0, 1]]) + 3.0
    draws = torch.stack([L.gaussian_row(rows, 1.0, g) for _ in range(4000)]).double()
    mu = rows.double().mean(0)
    sigma = ((rows.double() - mu).T @ (rows.double() - mu)) / len(rows)  # 1/n normaliser, as the official code
    assert torch.allclose(draws.mean(0), mu, atol=0.08)
    assert torch.allclose(torch.cov(draws.T), sigma, atol=0.15)
    tiny = L.gaussian_row(rows, 1e-5, g)
    assert (tiny.double() - mu).abs().max() < 0.02  # 1e-5 * Sigma: practically the mean embedding


def test_add_novel_token_and_init(lm):
    model, tok = lm
    n = model.get_input_embeddings().weight.shape[0]
    new_id = L.add_novel_token(model, tok, "[verb]")
    assert new_id == n and model.get_input_embeddings().weight.shape[0] == n + 1
    assert tok("she [verb] it .", add_special_tokens=False)["input_ids"][1] == new_id
    row = L.init_novel_row(model, new_id, 1e-5, torch.Generator().manual_seed(1))
    old = model.get_input_embeddings().weight[:new_id].detach()
    assert torch.allclose(row, old.mean(0), atol=0.05) and L.tied_output(model)
    with pytest.raises(ValueError, match="already"):
        L.add_novel_token(model, tok, "[verb]")


def test_sentence_logprobs_match_minicons(lm, stimuli):
    from minicons import scorer

    model, tok = lm
    new_id = L.add_novel_token(model, tok, "[verb]")
    L.init_novel_row(model, new_id, 1e-5, torch.Generator().manual_seed(1))
    texts = [p[f] for p in stimuli[1][:6] for f in ("DO", "PO")] + ["she [verb] ."]
    ours = L.sentence_logprobs(model, tok, texts, batch_size=5)
    peer = scorer.IncrementalLMScorer(model, tokenizer=tok, device="cpu")
    theirs = peer.sequence_score(texts, bos_token=True)
    assert np.allclose(ours, theirs, atol=1e-4)
    ids, mask = L.encode(tok, texts[:1])
    logp, _ = L.token_logprobs(model, ids, mask)
    peer_tokens = peer.token_score(texts[:1], bos_token=True)[0]
    assert np.allclose(logp[0].tolist(), [s for _, s in peer_tokens[1:]], atol=1e-4)


def test_exposure_loss_excludes_bos_and_padding(lm):
    model, tok = lm
    ids, mask = L.encode(tok, ["she gives him it .", "he ."])
    assert ids[0, 0] == tok.bos_token_id and mask[1].tolist() == [1, 1, 1, 0, 0, 0]
    logp, tmask = L.token_logprobs(model, ids, mask)
    assert tmask.sum() == 5 + 2
    expected = -(logp[0].sum() + logp[1, :2].sum()) / 7
    assert torch.allclose(L.exposure_loss(model, ids, mask), expected)


def test_exposure_run_changes_only_the_novel_row_and_reruns_to_best(lm, stimuli):
    model, tok = lm
    new_id = L.add_novel_token(model, tok, "[verb]")
    init = L.init_novel_row(model, new_id, 1e-5, torch.Generator().manual_seed(2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    exposures, _, validation = stimuli
    val = [v["text"] for v in validation if v["construction"] == "DO"]
    cfg = ExposureConfig(epochs=6, lr=5e-2)
    run = L.exposure_run(model, tok, new_id, init, [exposures[0]["text"]], val, [], cfg)
    after = model.state_dict()
    for key, value in after.items():
        if key in ("model.decoder.embed_tokens.weight", "lm_head.weight"):  # one tied tensor, two names
            assert torch.equal(value[:new_id], before[key][:new_id]), key
            assert not torch.equal(value[new_id], before[key][new_id])
        else:
            assert torch.equal(value, before[key]), key
    assert all(not p.requires_grad for n, p in model.named_parameters() if "embed_tokens" not in n)
    assert run["best_epoch"] == int(np.argmax(run["val"])) + 1 and len(run["val"]) == 6
    assert run["train_loss"][-1] < run["train_loss"][0]
    # the re-run reaches the same row as the first pass did at the best epoch (full batch, deterministic)
    best_row = model.get_input_embeddings().weight[new_id].detach().clone()
    first_pass = L.exposure_run(model, tok, new_id, init, [exposures[0]["text"]], val, [],
                                ExposureConfig(epochs=run["best_epoch"], lr=5e-2))
    assert torch.equal(first_pass["final_row"], best_row)


def test_validation_score_is_good_minus_bad_when_the_official_set_is_given(lm, stimuli):
    """The official verb-hood set ("diff"): mean log-prob of good minus bad; good == bad scores 0 every epoch."""
    model, tok = lm
    new_id = L.add_novel_token(model, tok, "[verb]")
    init = L.init_novel_row(model, new_id, 1e-5, torch.Generator().manual_seed(2))
    exposures, _, validation = stimuli
    val = [v["text"] for v in validation if v["construction"] == "DO"]
    run = L.exposure_run(model, tok, new_id, init, [exposures[0]["text"]], val, val, ExposureConfig(epochs=3, lr=5e-2))
    assert run["val"] == [0.0, 0.0, 0.0] and run["best_epoch"] == 1


def test_validation_sets_route_rows_by_construction_and_label():
    rows = [{"construction": "DO", "text": "a"}, {"construction": "any", "label": "good", "text": "g"},
            {"construction": "any", "label": "bad", "text": "b"}, {"construction": "intrans", "text": "i"}]
    sets = validation_sets(rows, {"DO", "PO"})
    assert sets == {"DO": (["a", "g"], ["b"]), "PO": (["g"], ["b"])}
    with pytest.raises(ValueError, match="no \\(good\\) sentences for construction\\(s\\) \\['intrans'\\]"):
        validation_sets(rows[:1], {"DO", "intrans"})
    with pytest.raises(ValueError, match="label must be"):
        validation_sets([{"construction": "DO", "label": "meh", "text": "x"}], {"DO"})


def test_repo_stimuli_read_files_shaped_like_the_official_ones(tmp_path):
    """Files with the official columns (the stand-in builder writes them as data/experiments/ holds them)."""
    from lmrepro.common.standins import build_files

    files = {"data/experiments/final/givenness_template_1.jsonl": {"rows": "dative_exposure", "n": 6},
             "data/experiments/generalization.jsonl": {"rows": "dative_generalization", "n": 5},
             "data/experiments/validation.json": {"rows": "verbhood", "n": 3}}
    build_files("kanishkamisra/encouraging-exposures", {"files": files}, tmp_path)
    exposures, generalization, validation = repo_stimuli(tmp_path, StimuliConfig(source="repo"))
    assert len(exposures) == 6 and {e["exposure"] for e in exposures} <= {"DO", "PO"}
    assert all("[verb]" in e["text"] and e["alignment"] in ("harmonic", "disharmonic", "mixed") for e in exposures)
    assert len(generalization) == 5 and all(" to " in g["PO"] for g in generalization)
    assert sorted({(v["construction"], v["label"]) for v in validation}) == [("any", "bad"), ("any", "good")]
    (tmp_path / "data/experiments/validation.json").write_text('{"do": ["x"], "pp": ["y"]}')
    with pytest.raises(ValueError, match="'good' and 'bad'"):
        repo_stimuli(tmp_path, StimuliConfig(source="repo"))


def test_stimuli_design(grammar, stimuli):
    exposures, generalization, validation = stimuli
    assert {(e["exposure"], e["alignment"]) for e in exposures} == {
        ("DO", "harmonic"), ("DO", "disharmonic"), ("PO", "harmonic"), ("PO", "disharmonic"), ("intrans", "control")}
    for e in exposures:
        words = e["text"].split()
        assert words.count("[verb]") == 1 and words[1] == "[verb]"
        if e["alignment"] == "harmonic":
            assert grammar.tag_of[words[2]] == "PRON"
        if e["alignment"] == "disharmonic":
            assert words[2] == "a" and len(words) >= 9
    firsts = {"DO": [], "PO": []}
    for p in generalization:
        do, po = p["DO"].split(), p["PO"].split()
        assert sorted(do) == sorted(w for w in po if w != "to") and "to" in po
        firsts["DO"].append(grammar.tag_of[do[2]] == "PRON")
        firsts["PO"].append(grammar.tag_of[po[2]] == "PRON")
        assert all(w in {"the", "this"} for w in do + po if grammar.tag_of.get(w) == "DET")
    assert sum(firsts["DO"]) == sum(firsts["PO"]) == len(generalization) // 2  # balanced first arguments
    nouns = world_stimuli(grammar, StimuliConfig(n_generalization=4, n_validation=2, n_instances=1,
                                                 generalization_args="nouns"), 0)[1]
    assert all(grammar.tag_of[p[f].split()[2]] == "DET" for p in nouns for f in ("DO", "PO"))
    gen_texts = {t for p in generalization for t in (p["DO"], p["PO"])}
    assert not gen_texts & {v["text"] for v in validation}
    assert world_stimuli(grammar, StimuliConfig(n_generalization=12, n_validation=4, n_instances=2), 0) == stimuli
    rec, th = exposure_features("PO", "disharmonic")
    assert th.animate and not th.definite and th.long and not rec.pronoun and rec.animate


def test_repo_alignment_on_the_official_schema():
    row = {"dative": "do", "recipient_pronominality": "pronoun", "recipient_animacy": "animate",
           "recipient_definiteness": "definite", "theme_pronominality": "noun", "theme_animacy": "inanimate",
           "theme_definiteness": "indefinite"}
    assert repo_alignment(row) == "harmonic"
    assert repo_alignment({**row, "dative": "pp"}) == "mixed"  # theme first: noun but prototypical animacy
    assert repo_alignment({**row, "dative": "pp", "theme_animacy": "animate"}) == "disharmonic"


def _run(exposure, alignment, before, best):
    gen = {s: {"DO": [v[0]] * 3, "PO": [v[1]] * 3} for s, v in (("before", before), ("best", best),
                                                                ("final", best))}
    return {"item": f"{exposure}_{alignment}", "exposure": exposure, "alignment": alignment, "instance": 0,
            "best_epoch": 1, "gen": gen}


def test_deltas_and_seed_metrics():
    runs = [_run("DO", "harmonic", (-5, -6), (-4.5, -5.0)), _run("DO", "disharmonic", (-5, -6), (-5, -5.8)),
            _run("PO", "harmonic", (-5, -6), (-4.6, -5.5)), _run("PO", "disharmonic", (-5, -6), (-4.9, -6)),
            _run("intrans", "control", (-5, -6), (-4.95, -5.9))]
    assert S.run_deltas(runs[0]) == pytest.approx({"DO": 0.5, "PO": 1.0})
    table = score_table(runs)
    m = seed_metrics(table, AnalysisConfig(n_boot=200), np.random.default_rng(0))
    assert m["delta_do"] == pytest.approx((1.0 + 0.2) / 2) and m["delta_po"] == pytest.approx((0.4 + 0.1) / 2)
    assert m["control_on_po"] == pytest.approx(0.1) and m["control_on_do"] == pytest.approx(0.05)
    assert m["do_minus_control"] == pytest.approx(0.5) and m["po_minus_control"] == pytest.approx(0.2)
    assert m["harmonic_minus_disharmonic"] == pytest.approx((1.0 + 0.4) / 2 - (0.2 + 0.1) / 2)
    assert m["harmonic_positive"] == 1.0 and m["asymmetry"] == pytest.approx(0.6 - 0.25)
    assert m["asymmetry_lo"] <= m["asymmetry"] <= m["asymmetry_hi"]
    assert S.alternate("DO") == "PO" and S.alternate("PO") == "DO"
    with pytest.raises(ValueError):
        S.alternate("intrans")


def test_bootstrap_diff_interval():
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 0.1, 50), rng.normal(0.0, 0.1, 50)
    diff, lo, hi = S.bootstrap_diff(a, b, 2000, 0.95, rng)
    assert lo < diff < hi and 0.9 < lo and hi < 1.1
    _, lo0, hi0 = S.bootstrap_diff(a, a + rng.normal(0, 0.1, 50), 2000, 0.95, rng)
    assert lo0 < 0.05 and hi0 > -0.05


def test_ols_matches_sklearn_with_seed_effects():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(1)
    n = 60
    table = pd.DataFrame({"alignment": rng.choice(["harmonic", "disharmonic"], n),
                          "exposure": rng.choice(["DO", "PO"], n), "seed": rng.choice([0, 1, 2], n)})
    X, names = S.design(table, seed_effects=True)
    assert names == ["intercept", "harmonic", "po_exposure", "seed1", "seed2"]
    y = X @ np.array([0.1, 0.3, -0.2, 0.05, -0.05]) + rng.normal(0, 0.01, n)
    fit = S.ols(X, y, names)
    ref = LinearRegression().fit(X[:, 1:], y)
    assert fit["intercept"]["coef"] == pytest.approx(ref.intercept_, abs=1e-10)
    assert [fit[k]["coef"] for k in names[1:]] == pytest.approx(list(ref.coef_), abs=1e-10)
    assert 0 < fit["harmonic"]["se"] < 0.01
    import statsmodels.api as sm

    ref_se = sm.OLS(y, X).fit().bse  # the conventional standard errors, from statsmodels
    assert [fit[k]["se"] for k in names] == pytest.approx(list(ref_se), rel=1e-8)


def _crossed_table(rng, n_seeds=10, n_items=35, harmonic_effect=0.3):
    """Exposure runs of every item on every seed, delta = 0.3 * harmonic - 0.2 * PO + seed and item intercepts."""
    rows = []
    seed_effect, item_effect = rng.normal(0, 0.2, n_seeds), rng.normal(0, 0.3, n_items)
    for s in range(n_seeds):
        for i in range(n_items):
            for exposure in ("DO", "PO"):
                harmonic = i % 2
                rows.append({"seed": s, "item": f"i{i}", "exposure": exposure,
                             "alignment": "harmonic" if harmonic else "disharmonic",
                             "delta_alt": harmonic_effect * harmonic - 0.2 * (exposure == "PO") + seed_effect[s]
                             + item_effect[i] + rng.normal(0, 0.1)})
    return pd.DataFrame(rows)


def test_mixed_model_recovers_planted_effects_and_its_variance_components():
    table = _crossed_table(np.random.default_rng(0))
    table = table.assign(harmonic=(table["alignment"] == "harmonic").astype(float),
                         po_exposure=(table["exposure"] == "PO").astype(float))
    fit = S.mixed_effects(table, "delta_alt", ["harmonic", "po_exposure"])
    assert fit["harmonic"]["coef"] == pytest.approx(0.3, abs=0.25)  # item intercepts (sd 0.3) blur it
    assert fit["po_exposure"]["coef"] == pytest.approx(-0.2, abs=0.02)  # within item and seed: sharp
    assert fit["item_var"] == pytest.approx(0.09, rel=0.6) and fit["seed_var"] == pytest.approx(0.04, rel=0.8)
    assert fit["scale"] == pytest.approx(0.01, rel=0.3)
    # items differ between harmonic and disharmonic, so the item effect must widen the harmonic SE over OLS's
    X, names = S.design(table, seed_effects=True)
    assert fit["harmonic"]["se"] > 3 * S.ols(X, table["delta_alt"].to_numpy(), names)["harmonic"]["se"]


def test_analysis_config_names_its_models():
    AnalysisConfig(model="mixed").check("analysis")
    with pytest.raises(ValueError, match="ols_seed_fixed, mixed"):
        AnalysisConfig(model="lme4").check("analysis")
