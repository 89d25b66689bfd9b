"""Pretrain one CLIMB arm from scratch with masked LM on the same data budget (paper §3-4; spec: Small scale).

    lmrepro stage climb.pretrain --scale small --seed 0 --set run.arm=vocab_curr \
        --in data=data/small/climb/seed0/prep --out model=results/small/climb/runs/seed0/vocab_curr \
        --out metrics=results/small/climb/runs/seed0/pretrain_vocab_curr.json

Arms: baseline (tuned small pre-LN RoBERTa), vocab_curr (ids > f(t)·V -> <unk>), data_curr (easiest f(t) of
the corpus by unigram perplexity), obj_curr (NOUN/VERB word-class head from step 0, MLM from mlm_start_frac),
default_cfg (the untuned stand-in: `default_model` / `default_pretrain`). Every arm has the same init seed for
the same architecture, the same steps, batch and sequence length.
"""
from __future__ import annotations

import json

import torch

from lmrepro.common.models import build_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.climb.curricula import curriculum_batch, map_to_unk, pacing_value, pos_mask, \
    unk_type_share
from lmrepro.papers.climb.params import ClimbConfig, Pacing, RunConfig


def encode_corpus(data_dir, tokenizer, seq_len: int, pos_classes: list[str]):
    """Padded ids [N, seq_len] (<bos> words <eos>, truncated), class ids (k+1 for pos_classes[k], 0 otherwise or
    untagged) and a special-token mask."""
    rows = [json.loads(line) for line in (data_dir / "corpus.jsonl").read_text().splitlines()]
    ids = torch.full((len(rows), seq_len), tokenizer.pad_token_id)
    classes = torch.zeros((len(rows), seq_len), dtype=torch.long)
    cls_of = {c: k + 1 for k, c in enumerate(pos_classes)}
    for i, r in enumerate(rows):
        toks = tokenizer(r["text"], add_special_tokens=False)["input_ids"][: seq_len - 2]
        ids[i, : len(toks) + 2] = torch.tensor([tokenizer.cls_token_id, *toks, tokenizer.sep_token_id])
        tags = r["tags"][: len(toks)]  # hub text (BabyLM) has none: its positions stay class 0 (see config notes)
        classes[i, 1: len(tags) + 1] = torch.tensor([cls_of.get(t, 0) for t in tags], dtype=torch.long)
    special = (ids == tokenizer.pad_token_id) | (ids == tokenizer.cls_token_id) | (ids == tokenizer.sep_token_id)
    return ids, classes, special


class WithPosHead(torch.nn.Module):
    """Shared backbone with the MLM head and a word-class head on the final hidden states (obj curriculum)."""

    def __init__(self, mlm, n_classes: int):
        super().__init__()
        self.mlm = mlm
        self.config = mlm.config  # the training loop reads the architecture (FLOP accounting)
        self.pos_head = torch.nn.Linear(mlm.config.hidden_size, n_classes)


def main() -> None:
    with Stage.from_argv("climb", "pretrain") as st:
        run = st.params("run", RunConfig)
        cfg = st.params("climb", ClimbConfig)
        default = run.arm == "default_cfg"
        train_cfg = st.params("default_pretrain" if default else "pretrain", TrainConfig)
        model_spec = st.params("default_model" if default else "model", dict)
        vocab_pacing = st.params("vocab_pacing", Pacing)
        data_pacing = st.params("data_pacing", Pacing)
        data_dir = st.inp("data")
        tokenizer = load_tokenizer(data_dir / "tokenizer")
        V, unk, pad = len(tokenizer), tokenizer.unk_token_id, tokenizer.pad_token_id
        n_special = len(tokenizer.all_special_ids)
        ids, classes, special = encode_corpus(data_dir, tokenizer, cfg.seq_len, cfg.pos_classes)
        order = torch.tensor(json.loads((data_dir / "difficulty.json").read_text())["unigram_ppl"]).argsort()
        percentile = torch.empty(len(order))
        percentile[order] = torch.arange(len(order), dtype=torch.float) / len(order)

        from transformers import DataCollatorForLanguageModeling

        collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=cfg.mlm_probability,
                                                   return_tensors="pt")
        sampled_pct: dict[int, float] = {}

        def get_batch(step: int) -> dict:
            gen = torch.Generator().manual_seed(derive_seed(st.seed, "batch", run.arm, step))
            if run.arm == "data_curr":
                rows = curriculum_batch(order, pacing_value(data_pacing, step, train_cfg.steps), cfg.batch_size,
                                        gen)
                sampled_pct.setdefault(step, float(percentile[rows].max()))
            else:
                rows = torch.randint(len(ids), (cfg.batch_size,), generator=gen)
            x, cls, spec = ids[rows], classes[rows], special[rows]
            if run.arm == "vocab_curr":  # inputs and targets both mapped (CLIMB maps ids before collation)
                x = map_to_unk(x, pacing_value(vocab_pacing, step, train_cfg.steps), V, unk)
            torch.manual_seed(derive_seed(st.seed, "mask", run.arm, step))
            inputs, labels = collator.torch_mask_tokens(x.clone(), special_tokens_mask=spec)
            labels[labels == unk] = -100  # <unk> targets carry no word to learn
            batch = {"input_ids": inputs, "attention_mask": (x != pad).long(), "labels": labels,
                     "mlm_on": torch.tensor(step >= cfg.mlm_start_frac * train_cfg.steps)}
            if run.arm == "obj_curr":
                pos_in, pos_labels = pos_mask(x, cls, spec, tokenizer.mask_token_id, V, cfg.pos_p_target,
                                              cfg.pos_p_other, gen)
                batch.update(pos_input_ids=pos_in, pos_labels=pos_labels)
            return batch

        def mlm_loss(model, batch):
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
            return out.loss, {}

        def multitask_loss(model, batch):
            """Sum of the active units' losses (paper §3.3): word-class head always, MLM from mlm_start_frac."""
            hidden = model.mlm.roberta_prelayernorm(input_ids=batch["pos_input_ids"],
                                                    attention_mask=batch["attention_mask"]).last_hidden_state
            pos_loss = torch.nn.functional.cross_entropy(model.pos_head(hidden).flatten(0, 1),
                                                         batch["pos_labels"].flatten(), ignore_index=-100)
            if not bool(batch["mlm_on"]):
                return pos_loss, {"pos_loss": pos_loss.detach()}
            mlm = model.mlm(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                            labels=batch["labels"]).loss
            return pos_loss + mlm, {"pos_loss": pos_loss.detach(), "mlm_loss": mlm.detach()}

        seed_everything(derive_seed(st.seed, "init"))  # same init for every arm of the same architecture
        model = build_model(model_spec, vocab_size=V, special_ids={
            "pad_token_id": pad, "bos_token_id": tokenizer.cls_token_id, "eos_token_id": tokenizer.sep_token_id})
        trained = WithPosHead(model, len(cfg.pos_classes) + 1) if run.arm == "obj_curr" else model
        result = train(trained, multitask_loss if run.arm == "obj_curr" else mlm_loss, get_batch, train_cfg,
                       log=st.log_curve, desc=f"climb {run.arm}")
        save_model(model, st.out("model"), tokenizer=tokenizer)
        metrics = {"final_loss": result["loss"], "n_params": n_params(model), "steps": result["step"]}
        if run.arm == "vocab_curr":  # A4 pacing sanity
            metrics["unk_type_share_step0"] = unk_type_share(pacing_value(vocab_pacing, 0, train_cfg.steps), V,
                                                             n_special)
            metrics["unk_type_share_end"] = unk_type_share(
                pacing_value(vocab_pacing, round(vocab_pacing.end_frac * train_cfg.steps), train_cfg.steps), V,
                n_special)
        if run.arm == "data_curr":
            metrics["sampled_percentile_step0"] = sampled_pct[0]
        st.log_metrics(metrics)
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
