"""speech_cpt: adapting a multilingual wav2vec 2.0 model (XLSR-53) to a new, under-resourced language by continued
self-supervised pretraining (CPT) and multilingual CTC fine-tuning (Nowakowski et al. 2023, arXiv:2301.07295).

Stages: synth (the seeded speech world, spoken by espeak-ng) -> ssl_base (small/ci: a tiny multilingual wav2vec 2.0
base; paper: facebook/wav2vec2-large-xlsr-53) -> ssl_cpt (continued pretraining on unlabeled TGT audio) ->
ctc_ft (one job per {base, cpt} x {mono, multi}) -> score -> report.
"""
