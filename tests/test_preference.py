"""lmrepro.common.preference: our DPO loss and implicit rewards against trl's DPOTrainer on identical batches."""
import math
import tempfile

import pytest
import torch

from lmrepro.common.preference import (clipped_policy_loss, completion_batch, completion_token_logps, dpo_loss,
                                       dpo_sft_loss, exo_pair_loss, group_advantages, implicit_rewards,
                                       odds_ratio_loss, orpo_loss, reward_model_loss, sequence_logps)
from lmrepro.common.tokenizers import build_word_tokenizer


def tiny_llama(tokenizer, seed: int):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    return LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=32, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id))


@pytest.mark.parametrize("beta", [0.1, 0.5])
def test_dpo_loss_and_rewards_equal_trls_on_the_same_batch(beta):
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    tok = build_word_tokenizer("tell me about bob ann color is red blue green ; .".split())
    policy, reference = tiny_llama(tok, 0), tiny_llama(tok, 1)
    rows = [{"prompt": "tell me about bob", "chosen": " color is red ; .", "rejected": " color is blue ; ."},
            {"prompt": "tell me about ann", "chosen": " color is green ; .", "rejected": " color is red ; . ."}]
    args = DPOConfig(output_dir=tempfile.mkdtemp(), beta=beta, report_to=[], per_device_train_batch_size=2,
                     use_cpu=True, bf16=False, seed=0)
    trainer = DPOTrainer(model=policy, ref_model=reference, args=args, train_dataset=Dataset.from_list(rows),
                         processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))  # [chosen rows; rejected rows], completion_mask
    trl_loss = trainer.compute_loss(trainer.model, batch)
    logged = {k: v[-1] for k, v in trainer._metrics["train"].items()}

    ours = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
            "loss_mask": batch["completion_mask"]}
    logps = sequence_logps(policy, ours)
    with torch.no_grad():
        ref_logps = sequence_logps(reference, ours)
    loss, r_w, r_l = dpo_loss(*logps.chunk(2), *ref_logps.chunk(2), beta)
    assert float(loss.mean().detach()) == pytest.approx(float(trl_loss.detach()), abs=1e-6)
    assert float(r_w.mean()) == pytest.approx(logged["rewards/chosen"], abs=1e-6)
    assert float(r_l.mean()) == pytest.approx(logged["rewards/rejected"], abs=1e-6)
    assert float(logps.chunk(2)[0].mean()) == pytest.approx(logged["logps/chosen"], abs=1e-5)


def test_completion_batch_masks_only_the_completion():
    batch = completion_batch([([1, 2], [3, 4, 5]), ([1], [6])], pad_id=0)
    assert batch["input_ids"].tolist() == [[1, 2, 3, 4, 5], [1, 6, 0, 0, 0]]
    assert batch["loss_mask"].tolist() == [[0, 0, 1, 1, 1], [0, 1, 0, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]


def test_token_logps_sum_to_the_sequence_logp_computed_by_hand():
    tok = build_word_tokenizer("a b c".split())
    model = tiny_llama(tok, 0).eval()
    a, b, c = (tok.convert_tokens_to_ids(w) for w in "abc")
    batch = completion_batch([([tok.bos_token_id, a], [b, c])], tok.pad_token_id)
    with torch.no_grad():
        per_token = completion_token_logps(model, batch)
        logits = model(input_ids=batch["input_ids"]).logits[0]
    by_hand = torch.log_softmax(logits[1], -1)[b] + torch.log_softmax(logits[2], -1)[c]
    assert per_token[0, 0] == 0 and float(per_token.sum()) == pytest.approx(float(by_hand), abs=1e-5)
    assert float(sequence_logps(model, batch)[0]) == pytest.approx(float(by_hand), abs=1e-5)


def test_implicit_rewards_and_dpo_loss_by_hand():
    r = implicit_rewards(torch.tensor([-2.0, -5.0]), torch.tensor([-3.0, -4.0]), 0.5)
    assert r.tolist() == [0.5, -0.5]
    loss, r_w, r_l = dpo_loss(torch.tensor([-2.0]), torch.tensor([-5.0]), torch.tensor([-3.0]), torch.tensor([-4.0]),
                              0.5)
    assert float(loss) == pytest.approx(-torch.nn.functional.logsigmoid(torch.tensor(1.0)).item())


def test_reward_model_loss_equals_trls_reward_trainer_on_the_same_batch():
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForSequenceClassification
    from trl import RewardConfig, RewardTrainer

    tok = build_word_tokenizer("prefer short answers tell me about bob color is red ; . yeah indeed".split())
    torch.manual_seed(0)
    model = LlamaForSequenceClassification(LlamaConfig(
        vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        num_key_value_heads=2, max_position_embeddings=32, pad_token_id=tok.pad_token_id, num_labels=1))
    rows = [{"chosen": "prefer short answers tell me about bob yeah color is red ; .",
             "rejected": "prefer short answers tell me about bob indeed color is red ; red ; ."},
            {"chosen": "tell me about bob indeed .", "rejected": "tell me about bob yeah color is red ; ."}]
    args = RewardConfig(output_dir=tempfile.mkdtemp(), report_to=[], per_device_train_batch_size=2, use_cpu=True,
                        bf16=False, center_rewards_coefficient=None)
    trainer = RewardTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))  # [chosen rows; rejected rows]
    trl_loss = trainer.compute_loss(trainer.model, dict(batch))
    rewards = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.squeeze(-1)
    ours = reward_model_loss(*rewards.chunk(2)).mean()
    assert float(ours) == pytest.approx(float(trl_loss.detach()), abs=1e-6)
    assert float(reward_model_loss(torch.tensor([2.0]), torch.tensor([1.0]))) == pytest.approx(
        -float(torch.nn.functional.logsigmoid(torch.tensor(1.0))))


@pytest.mark.parametrize("beta,correction", [(0.0, True), (0.3, True), (0.3, False)])
def test_clipped_policy_loss_equals_trls_grpo_loss_on_the_same_batch(beta, correction):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    tok = build_word_tokenizer("call get color of bob ann ( ) = ' .".split())
    policy, reference = tiny_llama(tok, 0), tiny_llama(tok, 1)
    args = GRPOConfig(output_dir=tempfile.mkdtemp(), beta=0.0, report_to=[], per_device_train_batch_size=4,
                      num_generations=2, use_cpu=True, bf16=False, temperature=1.0, epsilon=0.2, loss_type="grpo",
                      use_bias_correction_kl=correction, seed=0)
    trainer = GRPOTrainer(model=policy, reward_funcs=lambda completions, **kw: [0.0] * len(completions), args=args,
                          train_dataset=Dataset.from_list([{"prompt": "call get color of bob"}] * 4),
                          processing_class=tok)
    trainer.current_gradient_accumulation_steps = 1
    trainer.beta = beta  # set after construction: with beta > 0 trl would load a reference model by hub id
    g = torch.Generator().manual_seed(0)
    pad = tok.pad_token_id
    prompt_ids = torch.tensor([[pad, 5, 6, 7], [5, 6, 7, 8], [pad, pad, 5, 9], [5, 6, 9, 8]])
    completion_ids = torch.randint(5, len(tok), (4, 3), generator=g)
    completion_mask = torch.tensor([[1, 1, 1], [1, 1, 0], [1, 0, 0], [1, 1, 1]])
    inputs = {"prompt_ids": prompt_ids, "prompt_mask": (prompt_ids != pad).long(), "completion_ids": completion_ids,
              "completion_mask": completion_mask,
              "advantages": group_advantages(torch.tensor([1.0, -2.0, 0.5, 0.0]), 2)}
    full = {"input_ids": torch.cat([prompt_ids, completion_ids], 1),
            "attention_mask": torch.cat([inputs["prompt_mask"], completion_mask], 1),
            "loss_mask": torch.cat([torch.zeros_like(prompt_ids), completion_mask], 1)}
    logps = completion_token_logps(policy, full)[:, -3:]
    with torch.no_grad():
        ref = completion_token_logps(reference, full)[:, -3:]
    old = logps.detach() + 0.3 * torch.randn(logps.shape, generator=g)  # ratios beyond the clip range
    inputs.update(old_per_token_logps=old, ref_per_token_logps=ref)
    trl_loss = trainer._compute_loss(trainer.model, inputs)
    ours, _ = clipped_policy_loss(logps, old, ref if beta else None, inputs["advantages"], completion_mask,
                                  epsilon=0.2, beta=beta, kl_ratio_correction=correction)
    assert float(ours) == pytest.approx(float(trl_loss.detach()), abs=1e-6)


def test_group_advantages_by_hand():
    adv = group_advantages(torch.tensor([1.0, 3.0, 2.0, 2.0]), 2)
    std = math.sqrt(2.0)  # unbiased std of (1, 3)
    assert adv.tolist() == pytest.approx([-1 / (std + 1e-4), 1 / (std + 1e-4), 0.0, 0.0])


def test_dpo_sft_loss_equals_trls_sigmoid_plus_sft_loss():
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    tok = build_word_tokenizer("tell me about bob ann color is red blue green ; .".split())
    policy, reference = tiny_llama(tok, 0), tiny_llama(tok, 1)
    rows = [{"prompt": "tell me about bob", "chosen": " color is red ; .", "rejected": " color is blue ; ."},
            {"prompt": "tell me about ann", "chosen": " color is green .", "rejected": " color is red ; . ."}]
    args = DPOConfig(output_dir=tempfile.mkdtemp(), beta=0.1, report_to=[], per_device_train_batch_size=2,
                     use_cpu=True, bf16=False, seed=0, loss_type=["sigmoid", "sft"], loss_weights=[1.0, 0.1])
    trainer = DPOTrainer(model=policy, ref_model=reference, args=args, train_dataset=Dataset.from_list(rows),
                         processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))
    trl_loss = trainer.compute_loss(trainer.model, batch)
    ours = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
            "loss_mask": batch["completion_mask"]}
    token_logps = completion_token_logps(policy, ours)
    with torch.no_grad():
        ref = sequence_logps(reference, ours)
    loss, _ = dpo_sft_loss(token_logps, ref, ours["loss_mask"][:, 1:], beta=0.1, sft_weight=0.1)
    assert float(loss.detach()) == pytest.approx(float(trl_loss.detach()), abs=1e-6)


@pytest.mark.parametrize("eps", [5e-3, 0.1])
def test_exo_pair_loss_equals_trls_exo_pair_loss(eps):
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    tok = build_word_tokenizer("tell me about bob ann color is red blue green ; .".split())
    policy, reference = tiny_llama(tok, 0), tiny_llama(tok, 1)
    rows = [{"prompt": "tell me about bob", "chosen": " color is red ; .", "rejected": " color is blue ; ."},
            {"prompt": "tell me about ann", "chosen": " color is green .", "rejected": " color is red ; . ."}]
    args = DPOConfig(output_dir=tempfile.mkdtemp(), beta=0.1, report_to=[], per_device_train_batch_size=2,
                     use_cpu=True, bf16=False, seed=0, loss_type="exo_pair", label_smoothing=eps)
    trainer = DPOTrainer(model=policy, ref_model=reference, args=args, train_dataset=Dataset.from_list(rows),
                         processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))
    trl_loss = trainer.compute_loss(trainer.model, batch)
    ours = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"],
            "loss_mask": batch["completion_mask"]}
    logps = sequence_logps(policy, ours)
    with torch.no_grad():
        ref = sequence_logps(reference, ours)
    loss = exo_pair_loss(*logps.chunk(2), *ref.chunk(2), beta=0.1, label_smoothing=eps).mean()
    assert float(loss.detach()) == pytest.approx(float(trl_loss.detach()), abs=1e-6)


def test_exo_pair_loss_refuses_zero_smoothing_and_prefers_the_chosen():
    zero = torch.zeros(2)
    with pytest.raises(ValueError, match="label_smoothing"):
        exo_pair_loss(zero, zero, zero, zero, beta=0.1, label_smoothing=0.0)
    up = exo_pair_loss(torch.tensor([5.0]), zero[:1], zero[:1], zero[:1], beta=1.0, label_smoothing=5e-3)
    down = exo_pair_loss(torch.tensor([-5.0]), zero[:1], zero[:1], zero[:1], beta=1.0, label_smoothing=5e-3)
    assert float(up) < float(down)


@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_orpo_loss_equals_trls_orpo_trainer_on_the_same_batch(beta):
    from datasets import Dataset
    from trl.experimental.orpo import ORPOConfig, ORPOTrainer

    tok = build_word_tokenizer("tell me about bob ann color is red blue green ; .".split())
    policy = tiny_llama(tok, 0)
    rows = [{"prompt": "tell me about bob", "chosen": " color is red ; .", "rejected": " color is blue ; ."},
            {"prompt": "tell me about ann", "chosen": " color is green .", "rejected": " color is red ; . ."}]
    args = ORPOConfig(output_dir=tempfile.mkdtemp(), beta=beta, report_to=[], per_device_train_batch_size=2,
                      use_cpu=True, bf16=False, seed=0, max_length=32)
    trainer = ORPOTrainer(model=policy, args=args, train_dataset=Dataset.from_list(rows), processing_class=tok)
    batch = next(iter(trainer.get_train_dataloader()))
    trl_loss, trl_metrics = trainer.get_batch_loss_metrics(trainer.model, batch)
    pairs = []
    for side in ("chosen", "rejected"):
        for i in range(2):
            ids = batch[f"{side}_input_ids"][i][batch[f"{side}_attention_mask"][i].bool()].tolist()
            n_prompt = int((batch[f"{side}_labels"][i][:len(ids)] == -100).sum())
            pairs.append((ids[:n_prompt], ids[n_prompt:]))
    ours, logs = orpo_loss(policy, completion_batch(pairs, tok.pad_token_id), beta=beta)
    assert float(ours.detach()) == pytest.approx(float(trl_loss.detach()), abs=1e-5)
    assert logs["nll"] == pytest.approx(float(trl_metrics["nll_loss"]), abs=1e-5)


def test_odds_ratio_loss_by_hand():
    chosen, rejected = torch.tensor([-0.5]), torch.tensor([-2.0])
    log_odds = math.log(math.exp(-0.5) / (1 - math.exp(-0.5))) - math.log(math.exp(-2.0) / (1 - math.exp(-2.0)))
    loss, got = odds_ratio_loss(chosen, rejected, beta=0.1)
    assert float(got) == pytest.approx(log_odds, rel=1e-6)
    assert float(loss) == pytest.approx(-0.1 * math.log(1 / (1 + math.exp(-log_odds))), rel=1e-6)
