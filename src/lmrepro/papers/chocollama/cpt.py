"""LoRA continued pretraining on NL* (paper: Dutch) of one model, evaluated before and after (spec: DAG 3 and 5,
`cpt_lora_{base}_{tok}`, `eval_lm`, `eval_mc`).

    lmrepro stage chocollama.cpt --scale small --seed 0 --threads 1 --set run.arm=a_tokentrans \
        --in init=results/small/chocollama/runs/seed0/init_tokentrans --in data=data/small/chocollama/seed0/prep \
        --out model=results/small/chocollama/runs/seed0/cpt_a_tokentrans --out metrics=.../cpt_a_tokentrans.json
    paper: --in init=data/hub/meta-llama/Llama-2-7b-hf (a_orig), .../init_tokentrans (a_tokentrans), ...

peft LoRA (r, alpha on the attention and MLP projections; B = 0, so step 0 is the initial model) with the input
embeddings and LM head trained in full (modules_to_save: mandatory for a new tokenizer), on NL* blocks only; every
arm of a seed sees the same batch draws. Held-out BPC, tokens/char and QA accuracy at step 0 (`*_init`) and at
the end (`*_final`); the LoRA weights are then merged (peft merge_and_unload) and the merged model is saved.
"""
from __future__ import annotations

from lmrepro.common.models import load_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.common.batches import read_lines
from lmrepro.papers.chocollama.data import bits_per_char, nl_batches, qa_accuracy, read_qa, tokens_per_char
from lmrepro.papers.chocollama.method import add_lora
from lmrepro.papers.chocollama.params import LMDataConfig, LoraConfig, RunConfig


def main() -> None:
    with Stage.from_argv("chocollama", "cpt") as st:
        run = st.params("run", RunConfig)
        lora_cfg = st.params("lora", LoraConfig)
        data_cfg = st.params("lm_data", LMDataConfig)
        train_cfg = st.params("cpt", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("init"))
        heldout, qa = read_lines(data / "nl_heldout.txt"), read_qa(data / "qa.jsonl")
        get_batch = nl_batches(tokenizer, read_lines(data / "nl_train.txt"), data_cfg,
                               derive_seed(st.seed, "cpt_batches"))
        model = add_lora(load_model(st.inp("init")), lora_cfg)

        def evaluate(net, step: int) -> dict:
            return {"bpc": bits_per_char(net, tokenizer, heldout), "qa_acc": qa_accuracy(net, tokenizer, qa)}

        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, eval_fn=evaluate,
                       eval_at=(0, train_cfg.steps), desc=f"chocollama cpt {run.arm}")
        for name in ("bpc", "qa_acc"):
            st.log_metrics({f"{name}_init": result["eval"][0][name],
                            f"{name}_final": result["eval"][train_cfg.steps][name]})
        st.log_metrics({"tokens_per_char": tokens_per_char(tokenizer, heldout), "final_loss": result["loss"],
                        "n_trainable": n_params(model, trainable_only=True)})
        save_model(model.merge_and_unload(), st.out("model"), tokenizer=tokenizer)
        st.log_timing(result["timing"])
        print(run.arm, {k: round(v, 4) for k, v in st.metrics.items() if isinstance(v, float)})


if __name__ == "__main__":
    main()
