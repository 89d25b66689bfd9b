"""ChocoLlama's transforms: token-translation embedding re-initialisation (tokentrans), its random control, and
LoRA continued pretraining with peft.

Token translation (paper §tokentrans, after Remy et al. 2023; the translation table is a word-level dictionary):
for every new-tokenizer token t,
- a special token takes the old vector of the old special token of the same role (bos / eos / pad / unk);
- otherwise every dictionary word w (target language -> English e) whose new tokenization contains t votes with
  weight c(w) / |new pieces of w| (c: the word's corpus count, or 1) for the vector v(e) = mean of the old
  embeddings of e's old-tokenizer pieces, and e_new(t) = sum of weights * v(e) / sum of weights; a word counts
  in both of its byte-level spellings (sentence-initial "w" and in-sentence " w"), each with its own pieces;
- with no vote (no dictionary word contains t), fallback: the mean of the old embeddings of t's own string's
  old-tokenizer pieces.
The same is done for the LM-head rows (Llama's are untied). The random control draws each row from a normal with
the old matrix's per-dimension mean and standard deviation, special tokens mapped as above.
"""
from __future__ import annotations

import torch

SPECIAL_ROLES = ("bos_token", "eos_token", "pad_token", "unk_token")


def special_map(old_tok, new_tok) -> dict[int, int]:
    """new special-token id -> old id of the same role (roles the old tokenizer lacks are left out)."""
    out = {}
    for role in SPECIAL_ROLES:
        new, old = getattr(new_tok, f"{role}_id", None), getattr(old_tok, f"{role}_id", None)
        if new is not None and old is not None:
            out.setdefault(new, old)
    return out


def translation_votes(old_tok, new_tok, dictionary: dict[str, str], counts: dict[str, int] | None = None
                      ) -> dict[int, dict[tuple[int, ...], float]]:
    """new token id -> {old-token pieces of an English translation: weight}, from the word dictionary."""
    votes: dict[int, dict[tuple[int, ...], float]] = {}
    for word, english in dictionary.items():
        weight = float(counts.get(word, 0)) if counts is not None else 1.0
        if weight <= 0:
            continue
        for prefix in ("", " "):
            pieces = new_tok.encode(prefix + word, add_special_tokens=False)
            target = tuple(old_tok.encode(prefix + english, add_special_tokens=False))
            if not pieces or not target:
                continue
            for t in pieces:
                slot = votes.setdefault(t, {})
                slot[target] = slot.get(target, 0.0) + weight / len(pieces)
    return votes


def token_translation_matrix(old: torch.Tensor, old_tok, new_tok, dictionary: dict[str, str],
                             counts: dict[str, int] | None = None) -> tuple[torch.Tensor, dict]:
    """The new embedding (or LM-head) matrix, one row per new token, from the old matrix `old` [V_old, d];
    returns (matrix, {"n_translated", "n_fallback", "n_special"})."""
    if old.size(0) < len(old_tok):
        raise ValueError(f"old matrix has {old.size(0)} rows for an old tokenizer of {len(old_tok)} tokens")
    specials = special_map(old_tok, new_tok)
    votes = translation_votes(old_tok, new_tok, dictionary, counts)
    new = torch.empty(len(new_tok), old.size(1), dtype=old.dtype)
    stats = {"n_translated": 0, "n_fallback": 0, "n_special": 0}
    for t in range(len(new_tok)):
        if t in specials:
            new[t] = old[specials[t]]
            stats["n_special"] += 1
        elif t in votes:
            total = sum(votes[t].values())
            new[t] = sum(w * old[list(pieces)].mean(0) for pieces, w in votes[t].items()) / total
            stats["n_translated"] += 1
        else:
            text = new_tok.convert_tokens_to_string([new_tok.convert_ids_to_tokens(t)])
            pieces = old_tok.encode(text, add_special_tokens=False) or [old_tok.unk_token_id or 0]
            new[t] = old[pieces].mean(0)
            stats["n_fallback"] += 1
    return new, stats


def random_matrix(old: torch.Tensor, old_tok, new_tok, generator: torch.Generator) -> torch.Tensor:
    """Rows ~ N(mean, std) of the old matrix per dimension; special tokens keep their old vectors."""
    mean, std = old.float().mean(0), old.float().std(0)
    new = (mean + std * torch.randn(len(new_tok), old.size(1), generator=generator)).to(old.dtype)
    for t, o in special_map(old_tok, new_tok).items():
        new[t] = old[o]
    return new


def reembed(model, new_tok, input_rows: torch.Tensor, output_rows: torch.Tensor):
    """`model` with its vocabulary replaced by `new_tok`'s: new input embeddings and LM-head rows, special ids."""
    model.resize_token_embeddings(len(new_tok))
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(input_rows)
        model.get_output_embeddings().weight.copy_(output_rows)
    for role in ("bos", "eos", "pad"):
        token_id = getattr(new_tok, f"{role}_token_id")
        setattr(model.config, f"{role}_token_id", token_id)
        if getattr(model, "generation_config", None) is not None:
            setattr(model.generation_config, f"{role}_token_id", token_id)
    return model


def add_lora(model, cfg):
    """peft LoRA on `cfg.target_modules` (B = 0 at init), the input embeddings and LM head trained in full."""
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=cfg.r, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout, target_modules=list(cfg.target_modules),
                      modules_to_save=list(cfg.modules_to_save), task_type="CAUSAL_LM")
    return get_peft_model(model, lora)
