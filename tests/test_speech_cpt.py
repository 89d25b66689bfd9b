"""speech_cpt: the speech world (lexicons, utterances, vocabulary, audio files), the SSL objective fed to
Wav2Vec2ForPreTraining (masks, distractors, the spec's contrastive + diversity loss recomputed by hand and compared
with transformers' on identical tensors), per-group codebook perplexity (against the quantizer's summed value),
CTC labels and greedy decoding, and the condition table the claims read."""
import json

import numpy as np
import pytest
import torch

from lmrepro.common import config as cfglib
from lmrepro.papers.speech_cpt import synth
from lmrepro.papers.speech_cpt import wav2vec as W
from lmrepro.papers.speech_cpt.params import AudioConfig, LexiconConfig, RunConfig, SetSpec, SSLConfig
from lmrepro.papers.speech_cpt.score import condition_table

TINY = {"family": "wav2vec2", "conv_dim": [8, 8, 8, 8], "conv_kernel": [10, 8, 4, 4], "conv_stride": [5, 4, 4, 4],
        "conv_bias": True, "feat_extract_norm": "layer", "do_stable_layer_norm": True, "hidden_size": 16,
        "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32, "num_conv_pos_embeddings": 16,
        "num_conv_pos_embedding_groups": 2, "num_codevector_groups": 2, "num_codevectors_per_group": 8,
        "codevector_dim": 16, "proj_codevector_dim": 16, "mask_time_prob": 0.3, "mask_time_length": 3,
        "num_negatives": 5, "contrastive_logits_temperature": 0.1, "diversity_loss_weight": 0.1}


@pytest.fixture(scope="module")
def model():
    from lmrepro.common.models import build_model

    torch.manual_seed(0)
    return build_model(TINY).eval()


def waves(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(n).astype(np.float32) * 0.1 for n in lengths]


# -- the world ---------------------------------------------------------------------------------------------------
def test_lexicons_share_rel_fraction_and_keep_sim_apart():
    cfg = LexiconConfig(n_words=50, rel_shared_frac=0.7)
    lex = synth.lexicons(cfg, 3)
    assert len(set(lex["tgt"])) == len(set(lex["rel"])) == len(set(lex["sim"])) == 50
    assert len(set(lex["rel"]) & set(lex["tgt"])) == 35
    assert not set(lex["sim"]) & (set(lex["tgt"]) | set(lex["rel"]))
    assert set("".join(lex["sim"])) <= set(cfg.sim_consonants + cfg.sim_vowels)
    assert set("".join(lex["tgt"] + lex["rel"])) <= set(cfg.consonants + cfg.vowels)
    assert synth.lexicons(cfg, 3) == lex and synth.lexicons(cfg, 4) != lex


def test_utterances_respect_word_counts_and_speaker_ranges():
    cfg = LexiconConfig(words_per_utterance=(2, 3))
    spec = SetSpec(lang="tgt", n=200, voices=("fi", "fi+m3"), pitch=(55, 80), speed=(165, 190))
    rows = synth.utterances("tgt_test", spec, ["ba", "ku", "sepa"], cfg, 0)
    assert len(rows) == 200
    assert {len(r["text"].split()) for r in rows} == {2, 3}
    assert all(55 <= r["pitch"] <= 80 and 165 <= r["speed"] <= 190 for r in rows)
    assert {r["voice"] for r in rows} == {"fi", "fi+m3"}
    assert synth.utterances("tgt_test", spec, ["ba", "ku", "sepa"], cfg, 0) == rows
    assert synth.utterances("tgt_labeled", spec, ["ba", "ku", "sepa"], cfg, 0) != rows  # one stream per set


def test_vocab_has_blank_first_and_round_trips_through_the_ctc_tokenizer(tmp_path):
    vocab = synth.build_vocab(["ba kuse", "zo"])
    assert vocab["<pad>"] == 0 and vocab["|"] == 1 and vocab["<unk>"] == len(vocab) - 1
    assert sorted(vocab, key=vocab.get)[2:-1] == sorted("abeksuoz")
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    tok = W.ctc_tokenizer(tmp_path / "vocab.json")
    ids = tok("ba kuse").input_ids
    assert ids == [vocab[c] for c in "ba|kuse"]
    assert tok.decode(ids, group_tokens=False) == "ba kuse"
    # greedy CTC: repeats collapse, blanks separate real repeats and vanish
    frames = [vocab["z"], vocab["z"], 0, vocab["o"], 0, vocab["o"], vocab["|"], vocab["b"], vocab["a"], vocab["a"]]
    assert tok.decode(frames) == "zoo ba"


def test_ctc_labels_pad_with_ignore_index(tmp_path):
    (tmp_path / "vocab.json").write_text(json.dumps(synth.build_vocab(["ab c"])))
    tok = W.ctc_tokenizer(tmp_path / "vocab.json")
    labels = W.ctc_labels(tok, ["ab c", "a"])
    ids = tok.convert_tokens_to_ids
    assert labels.tolist() == [[ids(c) for c in "ab|c"], [ids("a")] + [-100] * 3]


def test_audio_sets_round_trip_through_safetensors(tmp_path):
    audio = waves([5, 0 + 1, 17])
    synth.save_set(tmp_path / "s.safetensors", audio)
    (tmp_path / "s.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in ("a", "b", "c")))
    loaded, rows = W.load_set(tmp_path, "s")
    assert [r["text"] for r in rows] == ["a", "b", "c"]
    for a, b in zip(audio, loaded):
        np.testing.assert_array_equal(a, b)
    (tmp_path / "s.jsonl").write_text(json.dumps({"text": "a"}) + "\n")
    with pytest.raises(ValueError, match="3 utterances but 1 transcripts"):
        W.load_set(tmp_path, "s")
    with pytest.raises(FileNotFoundError, match="rerun speech_cpt.synth"):
        W.load_set(tmp_path, "missing")


def test_feature_extractor_normalises_each_utterance():
    fe = W.feature_extractor(AudioConfig())
    batch = W.audio_inputs(fe, [np.arange(800, dtype=np.float32), np.ones(400, np.float32) * 3], 16000)
    first = batch["input_values"][0]
    assert abs(float(first.mean())) < 1e-4 and abs(float(first.std(unbiased=False)) - 1) < 1e-3
    assert batch["attention_mask"].sum(1).tolist() == [800, 400]


# -- the SSL objective -----------------------------------------------------------------------------------------
def test_masks_stay_inside_the_audio_and_negatives_are_masked_steps_of_the_same_utterance(model):
    fe = W.feature_extractor(AudioConfig())
    batch = W.audio_inputs(fe, waves([16000, 9000]), 16000)
    mask, negatives = W.masks_and_negatives(model, batch["attention_mask"], seed=5)
    frames = W.frame_mask(model, batch["attention_mask"])
    assert mask.any() and not (mask & ~frames).any()
    n_frames = mask.shape[1]
    assert negatives.shape == (*mask.shape, model.config.num_negatives)
    for b in range(2):
        for t in np.flatnonzero(mask[b].numpy()):
            flat = negatives[b, t].numpy()
            assert (flat // n_frames == b).all() and mask.flatten()[flat].all()
    again = W.masks_and_negatives(model, batch["attention_mask"], seed=5)
    assert torch.equal(again[0], mask) and torch.equal(again[1], negatives)


def test_contrastive_and_diversity_losses_match_the_spec_formula(model):
    """spec: L_m = -log(exp(sim(c_t, q_t)/kappa) / sum over {q_t} + distractors), L_d = (GV - perplexity) / GV per
    masked step; recomputed from the model's projected states and compared with Wav2Vec2ForPreTraining's sums."""
    fe = W.feature_extractor(AudioConfig())
    batch = W.audio_inputs(fe, waves([12000, 16000, 8000], seed=1), 16000)
    mask, negatives = W.masks_and_negatives(model, batch["attention_mask"], seed=2)
    with torch.no_grad():
        out = model(batch["input_values"], attention_mask=batch["attention_mask"], mask_time_indices=mask,
                    sampled_negative_indices=negatives)
    kappa = model.config.contrastive_logits_temperature
    c, q = out.projected_states, out.projected_quantized_states
    flat_q = q.reshape(-1, q.shape[-1])
    total = 0.0
    for b, t in zip(*np.nonzero(mask.numpy())):
        negs = flat_q[negatives[b, t]]
        candidates = torch.cat([q[b, t][None], negs])
        sims = torch.nn.functional.cosine_similarity(c[b, t][None], candidates, dim=-1) / kappa
        sims[1:][(negs == q[b, t]).all(-1)] = float("-inf")  # a distractor equal to the target is no distractor
        total += float(-torch.log_softmax(sims, 0)[0])
    n_masked = int(mask.sum())
    assert float(out.contrastive_loss) == pytest.approx(total, rel=1e-4)
    gv = model.config.num_codevector_groups * model.config.num_codevectors_per_group
    assert float(out.diversity_loss) == pytest.approx((gv - float(out.codevector_perplexity)) / gv * n_masked,
                                                       rel=1e-5)
    loss, logs = W.ssl_loss(model, {**batch, "mask_time_indices": mask, "sampled_negative_indices": negatives,
                                    "gumbel_temperature": 1.0})
    alpha = model.config.diversity_loss_weight
    assert float(loss.detach()) == pytest.approx((total + alpha * float(out.diversity_loss)) / n_masked, rel=1e-4)
    assert logs["contrastive"] == pytest.approx(total / n_masked, rel=1e-4)


def test_gumbel_temperature_decays_from_start_to_end():
    cfg = SSLConfig(gumbel=(2.0, 0.5))
    temps = [W.gumbel_temperature(cfg, s, 100) for s in range(100)]
    assert temps[0] == pytest.approx(2.0) and temps[-1] == pytest.approx(0.5)
    assert all(a > b for a, b in zip(temps, temps[1:]))


def test_group_perplexity_sums_to_the_quantizers_value(model):
    fe = W.feature_extractor(AudioConfig())
    batch = W.audio_inputs(fe, waves([16000, 10000], seed=3), 16000)
    with torch.no_grad():
        feats = model.wav2vec2(batch["input_values"], attention_mask=batch["attention_mask"]).extract_features
        frames = W.frame_mask(model, batch["attention_mask"])
        per_group = W.group_perplexity(model.quantizer, feats, frames)
        _, summed = model.quantizer(feats, mask_time_indices=frames)  # eval mode: hard codevectors
    assert per_group.shape == (2,)
    assert float(per_group.sum()) == pytest.approx(float(summed), rel=1e-5)
    assert all(1.0 <= float(p) <= model.config.num_codevectors_per_group for p in per_group)


def test_group_perplexity_of_uniform_and_collapsed_usage():
    class Onehot(torch.nn.Module):
        num_groups = 1

        def weight_proj(self, x):
            return x

    frames = torch.ones(1, 4, dtype=torch.bool)
    uniform = torch.eye(4)[None] * 5
    collapsed = torch.zeros(1, 4, 4)
    collapsed[..., 2] = 5
    assert float(W.group_perplexity(Onehot(), uniform, frames)[0]) == pytest.approx(4.0, rel=1e-5)
    assert float(W.group_perplexity(Onehot(), collapsed, frames)[0]) == pytest.approx(1.0, rel=1e-5)


def test_evaluate_ssl_is_a_function_of_its_seed(model):
    fe = W.feature_extractor(AudioConfig())
    audio = waves([12000, 16000, 9000], seed=4)
    first = W.evaluate_ssl(model, audio, fe, 16000, batch_size=2, seed=7)
    assert W.evaluate_ssl(model, audio, fe, 16000, batch_size=2, seed=7) == first
    assert first["perplexity_min"] == min(first["perplexity_g0"], first["perplexity_g1"])
    assert first["ssl_loss"] > 0


# -- scoring and config ------------------------------------------------------------------------------------------
def test_condition_table_gaps():
    ssl = {"ssl_loss_rel_drop": 0.2, "base_perplexity_min": 9.0, "cpt_perplexity_min": 11.0,
           "perplexity_min_gain": 2.0}
    cer = {"base_mono": 60.0, "base_multi": 55.0, "cpt_mono": 50.0, "cpt_multi": 48.0}
    table = condition_table(ssl, cer)
    assert table["cpt_minus_base_mono"] == -10.0 and table["multi_minus_mono_cpt"] == -2.0
    assert table["multi_minus_mono_base"] == -5.0 and table["cer_best"] == 48.0


def test_cer_is_jiwers():
    import jiwer

    assert jiwer.cer(["ba ku"], ["ba ko"]) == pytest.approx(0.2)


@pytest.mark.parametrize("section, value, message", [
    ("run", {"init": "scratch"}, "init must be one of"),
    ("sets", {"pool": {"lang": "xx"}}, "lang must be one of"),
    ("ft", {"aux_sets": ["pool"]}, "unknown set"),
    ("base_ssl", {"gumbel": [0.5, 2.0]}, "gumbel must be"),
])
def test_bad_config_values_are_named(section, value, message):
    resolved = cfglib.load_paper_config(cfglib.paper_config_path("speech_cpt"), "small")
    resolved["params"][section] = {**resolved["params"][section], **value}
    with pytest.raises(cfglib.ConfigError, match=message):
        cfglib.build_params("speech_cpt", resolved)


def test_run_config_accepts_every_arm():
    for init in ("base", "cpt"):
        for mix in ("mono", "multi"):
            RunConfig(init=init, mix=mix).check("run")
