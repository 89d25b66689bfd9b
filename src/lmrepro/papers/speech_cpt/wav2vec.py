"""wav2vec 2.0 plumbing shared by speech_cpt's stages: audio sets, the feature extractor, SSL batches (masks and
distractors sampled as transformers' pretraining example does), the SSL loss per masked step, per-group codebook
perplexity, and CTC batches/decoding. transformers computes the losses (Wav2Vec2ForPreTraining: contrastive +
alpha x diversity, summed over masked steps; Wav2Vec2ForCTC: CTC); this module only feeds and normalises them."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.speech_cpt.params import AudioConfig, SSLConfig


def load_set(data_dir: Path, name: str) -> tuple[list[np.ndarray], list[dict]]:
    """One synthesised set: its utterances (float32 arrays) and transcript rows."""
    from safetensors.numpy import load_file

    path = Path(data_dir) / f"{name}.safetensors"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: rerun speech_cpt.synth")
    tensors = load_file(str(path))
    audio, offsets = tensors["audio"], tensors["offsets"]
    rows = read_jsonl(Path(data_dir) / f"{name}.jsonl")
    if len(rows) != len(offsets) - 1:
        raise ValueError(f"{path}: {len(offsets) - 1} utterances but {len(rows)} transcripts")
    return [audio[offsets[i]:offsets[i + 1]] for i in range(len(rows))], rows


def feature_extractor(cfg: AudioConfig):
    """XLSR-53's preprocessing: 16 kHz, zero-mean unit-variance per utterance, zero padding, an attention mask."""
    from transformers import Wav2Vec2FeatureExtractor

    return Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=cfg.sample_rate, padding_value=0.0,
                                    do_normalize=cfg.do_normalize, return_attention_mask=True)


def ctc_tokenizer(vocab_file: Path):
    """Characters -> ids with "|" for spaces and <pad> (id 0) as the CTC blank (the XLSR fine-tuning recipe)."""
    from transformers import Wav2Vec2CTCTokenizer

    return Wav2Vec2CTCTokenizer(str(vocab_file), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|",
                                bos_token=None, eos_token=None)


def audio_inputs(fe, waves: list[np.ndarray], sample_rate: int) -> dict[str, torch.Tensor]:
    out = fe(waves, sampling_rate=sample_rate, padding=True, return_tensors="pt")
    return {"input_values": out["input_values"], "attention_mask": out["attention_mask"]}


def frame_mask(model, attention_mask: torch.Tensor) -> torch.Tensor:
    """Which feature frames (50 per second) hold audio, from the sample-level attention mask."""
    n_frames = int(model._get_feat_extract_output_lengths(attention_mask.shape[1]))
    return model._get_feature_vector_attention_mask(n_frames, attention_mask).bool()


def masks_and_negatives(model, attention_mask: torch.Tensor, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Masked spans (p = mask_time_prob span starts of mask_time_length frames, inside the audio) and K =
    num_negatives distractors per step drawn from the other masked steps of the same utterance, by transformers'
    own samplers (which draw from numpy's global generator: seeded here, so a batch is a function of `seed`)."""
    from transformers.models.wav2vec2.modeling_wav2vec2 import _compute_mask_indices, _sample_negative_indices

    cfg = model.config
    frames = frame_mask(model, attention_mask)
    np.random.seed(seed)
    mask = _compute_mask_indices(tuple(frames.shape), cfg.mask_time_prob, cfg.mask_time_length,
                                 attention_mask=frames.long(), min_masks=2)
    mask = mask & frames.numpy()  # spans that start near the end may run past the audio
    negatives = _sample_negative_indices(tuple(frames.shape), cfg.num_negatives, mask_time_indices=mask)
    return torch.from_numpy(mask), torch.from_numpy(negatives)


def gumbel_temperature(cfg: SSLConfig, step: int, steps: int) -> float:
    """Geometric decay from gumbel[0] at step 0 to gumbel[1] at the last step."""
    start, end = cfg.gumbel
    return start * (end / start) ** (step / max(1, steps - 1))


def ssl_batches(model, waves: list[np.ndarray], fe, cfg: SSLConfig, sample_rate: int, seed: int, steps: int):
    """get_batch(step): `cfg.batch_size` utterances drawn with replacement, their masks and distractors."""
    def get_batch(step: int) -> dict:
        rng = np.random.default_rng(derive_seed(seed, "ssl_batch", step))
        picked = [waves[i] for i in rng.integers(0, len(waves), cfg.batch_size)]
        batch = audio_inputs(fe, picked, sample_rate)
        mask, negatives = masks_and_negatives(model, batch["attention_mask"], derive_seed(seed, "ssl_mask", step))
        return {**batch, "mask_time_indices": mask, "sampled_negative_indices": negatives,
                "gumbel_temperature": gumbel_temperature(cfg, step, steps)}

    return get_batch


def ssl_loss(model, batch: dict) -> tuple[torch.Tensor, dict]:
    """spec L = L_m + alpha L_d per masked step (Wav2Vec2ForPreTraining sums both over the masked steps)."""
    model.set_gumbel_temperature(batch["gumbel_temperature"])
    out = model(batch["input_values"], attention_mask=batch["attention_mask"],
                mask_time_indices=batch["mask_time_indices"],
                sampled_negative_indices=batch["sampled_negative_indices"])
    n_masked = batch["mask_time_indices"].sum().clamp_min(1)
    logs = {"contrastive": out.contrastive_loss / n_masked, "diversity": out.diversity_loss / n_masked,
            "codevector_perplexity": out.codevector_perplexity}
    return out.loss / n_masked, {name: float(value.detach()) for name, value in logs.items()}


def group_perplexity(quantizer, features: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
    """Codebook perplexity per group: exp(entropy) of the hard (argmax) codevector usage over the frames that hold
    audio, one value per group in [1, V]. transformers' quantizer reports the sum over groups (eval mode)."""
    batch, length, _ = features.shape
    logits = quantizer.weight_proj(features).view(batch * length, quantizer.num_groups, -1)
    usage = torch.nn.functional.one_hot(logits.argmax(-1), logits.shape[-1]).float()
    marginal = usage[frames.flatten()].mean(0)
    return torch.exp(-torch.sum(marginal * torch.log(marginal + 1e-7), dim=-1))


@torch.no_grad()
def evaluate_ssl(model, waves: list[np.ndarray], fe, sample_rate: int, batch_size: int, seed: int) -> dict:
    """The SSL loss per masked step (eval mode: hard codevectors) on fixed masks and distractors (a function of
    `seed`, so two models of one seed are scored on identical draws) and each group's codebook perplexity."""
    model.eval()
    totals = {"loss": 0.0, "contrastive": 0.0, "masked": 0}
    features, frames_all = [], []
    for start in range(0, len(waves), batch_size):
        batch = audio_inputs(fe, waves[start:start + batch_size], sample_rate)
        mask, negatives = masks_and_negatives(model, batch["attention_mask"], derive_seed(seed, "eval_mask", start))
        out = model(batch["input_values"], attention_mask=batch["attention_mask"], mask_time_indices=mask,
                    sampled_negative_indices=negatives)
        totals["loss"] += float(out.loss)
        totals["contrastive"] += float(out.contrastive_loss)
        totals["masked"] += int(mask.sum())
        hidden = model.wav2vec2(batch["input_values"], attention_mask=batch["attention_mask"])
        frames = frame_mask(model, batch["attention_mask"])
        features.append(hidden.extract_features[frames])
        frames_all.append(frames[frames])
    feats = torch.cat(features)[None]
    ppl = group_perplexity(model.quantizer, feats, torch.cat(frames_all)[None])
    result = {"ssl_loss": totals["loss"] / totals["masked"], "contrastive": totals["contrastive"] / totals["masked"]}
    result.update({f"perplexity_g{g}": float(p) for g, p in enumerate(ppl)})
    result["perplexity_min"] = float(ppl.min())
    return result


def ctc_labels(tokenizer, texts: list[str]) -> torch.Tensor:
    """Transcripts -> padded label ids, -100 where padded (ignored by the CTC loss)."""
    ids, mask = pad_rows(tokenizer(texts).input_ids, tokenizer.pad_token_id)
    return ids.masked_fill(mask == 0, -100)


@torch.no_grad()
def greedy_transcripts(model, tokenizer, waves: list[np.ndarray], fe, sample_rate: int, batch_size: int) -> list[str]:
    """Greedy CTC decoding: argmax per frame, then the tokenizer collapses repeats, drops blanks, "|" -> space."""
    model.eval()
    out = []
    for start in range(0, len(waves), batch_size):
        batch = audio_inputs(fe, waves[start:start + batch_size], sample_rate)
        logits = model(**batch).logits
        frames = frame_mask(model, batch["attention_mask"])
        ids = logits.argmax(-1).masked_fill(~frames, tokenizer.pad_token_id)
        out.extend(tokenizer.batch_decode(ids))
    return out


def read_vocab(data_dir: Path) -> dict[str, int]:
    return json.loads((Path(data_dir) / "vocab.json").read_text())
