"""Stage ctc_ft (spec DAG 5, Method Fine-tuning): one arm = init {base, cpt} x mix {mono, multi}: a linear CTC head
over the shared characters on the SSL model, fine-tuned with the feature encoder frozen on TGT's first
`n_labeled` labeled utterances (multi: plus the auxiliary labeled sets), then greedy CTC transcripts of the TGT
test set (speakers unseen in the labels) scored with jiwer (CER, WER).

    lmrepro stage speech_cpt.ctc_ft --scale small --seed 0 --set run.init=cpt --set run.mix=multi \
        --in data=data/small/speech_cpt/seed0/audio --in ssl=results/small/speech_cpt/runs/seed0/cpt \
        --out model=results/small/speech_cpt/runs/seed0/ft_cpt_multi \
        --out predictions=results/small/speech_cpt/runs/seed0/ft_cpt_multi.jsonl \
        --out metrics=results/small/speech_cpt/runs/seed0/ft_cpt_multi.json
    (ci: --scale ci; paper: the same, from XLSR-53 or its CPT checkpoint)
"""
from __future__ import annotations

import jiwer
import numpy as np
import torch

from lmrepro.common import io
from lmrepro.common.models import n_params, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.speech_cpt import wav2vec as W


def ctc_batches(waves: list[np.ndarray], texts: list[str], tokenizer, fe, batch_size: int, sample_rate: int,
                seed: int):
    """get_batch(step): `batch_size` labeled utterances drawn uniformly from the (concatenated) labeled sets."""
    def get_batch(step: int) -> dict:
        rng = np.random.default_rng(derive_seed(seed, "ctc_batch", step))
        picked = rng.integers(0, len(waves), batch_size)
        batch = W.audio_inputs(fe, [waves[i] for i in picked], sample_rate)
        return {**batch, "labels": W.ctc_labels(tokenizer, [texts[i] for i in picked])}

    return get_batch


def ctc_loss(model, batch: dict) -> tuple[torch.Tensor, dict]:
    """spec: CTC(log softmax(W c_t), y), mean over the batch (Wav2Vec2ForCTC, ctc_loss_reduction="mean")."""
    return model(**batch).loss, {}


def main() -> None:
    from transformers import Wav2Vec2ForCTC

    with Stage.from_argv("speech_cpt", "ctc_ft") as st:
        audio_cfg, ft_cfg, train_cfg, run = st.params("audio"), st.params("ft"), st.params("ft_train"), st.params("run")
        fe = W.feature_extractor(audio_cfg)
        tokenizer = W.ctc_tokenizer(st.inp("data") / "vocab.json")
        waves, rows = W.load_set(st.inp("data"), "tgt_labeled")
        if ft_cfg.n_labeled > len(waves):
            raise ValueError(f"ft.n_labeled={ft_cfg.n_labeled} but only {len(waves)} TGT labeled utterances exist")
        waves, rows = waves[:ft_cfg.n_labeled], rows[:ft_cfg.n_labeled]
        for name in ft_cfg.aux_sets if run.mix == "multi" else ():
            aux_waves, aux_rows = W.load_set(st.inp("data"), name)
            waves, rows = waves + aux_waves, rows + aux_rows
        test_waves, test_rows = W.load_set(st.inp("data"), "tgt_test")

        torch.manual_seed(derive_seed(st.seed, "ctc_head", run.init, run.mix))
        model = Wav2Vec2ForCTC.from_pretrained(
            st.inp("ssl"), use_safetensors=True, local_files_only=True, vocab_size=len(tokenizer),
            pad_token_id=tokenizer.pad_token_id, ctc_loss_reduction="mean", ctc_zero_infinity=True,
            mask_time_prob=ft_cfg.mask_time_prob, layerdrop=ft_cfg.layerdrop)
        model.freeze_feature_encoder()

        get_batch = ctc_batches(waves, [r["text"] for r in rows], tokenizer, fe, ft_cfg.batch_size,
                                audio_cfg.sample_rate, derive_seed(st.seed, "ft", run.init, run.mix))
        result = train(model, ctc_loss, get_batch, train_cfg, log=st.log_curve, desc=f"ctc_ft {run.init}/{run.mix}")

        hyps = W.greedy_transcripts(model, tokenizer, test_waves, fe, audio_cfg.sample_rate, ft_cfg.batch_size)
        refs = [r["text"] for r in test_rows]
        cer, wer = jiwer.cer(refs, hyps), jiwer.wer(refs, hyps)
        save_model(model, st.out("model"), tokenizer=tokenizer,
                   extra_files={"preprocessor_config.json": fe.to_json_string()})
        io.write_jsonl(st.out("predictions"), [{"ref": r, "hyp": h} for r, h in zip(refs, hyps)])
        st.log_metrics({"cer": 100 * cer, "wer": 100 * wer, "final_loss": result["loss"],
                        "labeled_utterances": len(waves), "tgt_labeled_utterances": ft_cfg.n_labeled,
                        "n_params_trainable": n_params(model, trainable_only=True),
                        "empty_hypotheses": sum(not h.strip() for h in hyps)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
