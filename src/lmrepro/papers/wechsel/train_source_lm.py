"""Train the English source LM and its byte-level BPE tokenizer T_s (spec: DAG 2; small/ci only — at `paper`
scale the source is the openai-community/gpt2 hub snapshot and this rule does not run).

    lmrepro stage wechsel.train_source_lm --scale small --seed 0 --threads 2 \
        --in data=data/small/wechsel/source_seed0 --out model=results/small/wechsel/runs/source_seed0/model \
        --out metrics=results/small/wechsel/runs/source_seed0/train_source_lm.json

It runs once, with the base seed; every seed transfers this one model (as the paper transfers one GPT-2).

Spec: GPT2LMHeadModel, 4 layers, d 128, 4 heads, 64 positions, English BPE vocab 1024; 600 steps, batch 32,
lr 1e-3. Output: model + tokenizer in one directory, loadable like a hub snapshot.
"""
from __future__ import annotations

from lmrepro.common.models import build_model, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.wechsel.data import batch_fn, eval_blocks, perplexity, read_lines, \
    token_stream
from lmrepro.papers.wechsel.params import LMDataConfig, TokenizerConfig


def main() -> None:
    with Stage.from_argv("wechsel", "train_source_lm") as st:
        tok_cfg = st.params("tokenizer", TokenizerConfig)
        data_cfg = st.params("lm_data", LMDataConfig)
        model_spec = st.params("model", dict)
        train_cfg = st.params("source_lm", TrainConfig)
        data = st.inp("data")
        sentences = read_lines(data / "en_train.txt")
        tokenizer = build_bpe_tokenizer(sentences, tok_cfg.vocab_size)
        stream = token_stream(tokenizer, sentences)
        heldout = eval_blocks(token_stream(tokenizer, read_lines(data / "en_heldout.txt")), data_cfg)
        seed_everything(derive_seed(st.seed, "source_init"))
        model = build_model(model_spec, tokenizer=tokenizer)
        steps = train_cfg.steps
        result = train(model, causal_lm_loss, batch_fn(stream, data_cfg, derive_seed(st.seed, "source_batches")),
                       train_cfg, out_dir=st.out("model"), log=st.log_curve, tokenizer=tokenizer,
                       eval_fn=lambda m, step: {"ppl": perplexity(m, heldout)}, eval_at=(0, steps),
                       desc="wechsel source LM (en)")
        st.log_metrics({"en_ppl_final": result["eval"][steps]["ppl"], "en_ppl_init": result["eval"][0]["ppl"],
                        "final_loss": result["loss"], "n_params": n_params(model),
                        "vocab_size": len(tokenizer), "train_tokens": stream.numel()})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
