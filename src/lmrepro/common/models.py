"""Model factory: tiny Llama / GPT-2 / BERT / OPT / RoBERTa models from a YAML mapping, saved and loaded safely.

    model:
      family: llama            # llama | gpt2 | opt | bert | roberta
      hidden_size: 64          # any field of that family's transformers config
      ...

Models are saved with `save_pretrained` (safetensors only) into an atomic directory, and loaded with
`from_pretrained` from a local directory — the same call for a tiny model trained by a rule and for a hub
snapshot fetched by a rule. Remote code is never executed.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from lmrepro.common.io import atomic_dir

# family -> (module, config class, model class); imported lazily because importing transformers models is slow.
FAMILIES = {
    "llama": ("transformers.models.llama.modeling_llama", "LlamaConfig", "LlamaForCausalLM"),
    "gpt2": ("transformers.models.gpt2.modeling_gpt2", "GPT2Config", "GPT2LMHeadModel"),
    "opt": ("transformers.models.opt.modeling_opt", "OPTConfig", "OPTForCausalLM"),
    "codegen": ("transformers.models.codegen.modeling_codegen", "CodeGenConfig", "CodeGenForCausalLM"),
    "qwen2": ("transformers.models.qwen2.modeling_qwen2", "Qwen2Config", "Qwen2ForCausalLM"),
    "mistral": ("transformers.models.mistral.modeling_mistral", "MistralConfig", "MistralForCausalLM"),
    "mixtral": ("transformers.models.mixtral.modeling_mixtral", "MixtralConfig", "MixtralForCausalLM"),
    "bert": ("transformers.models.bert.modeling_bert", "BertConfig", "BertForMaskedLM"),
    "roberta": ("transformers.models.roberta.modeling_roberta", "RobertaConfig", "RobertaForMaskedLM"),
    "roberta_prelayernorm": ("transformers.models.roberta_prelayernorm.modeling_roberta_prelayernorm",
                             "RobertaPreLayerNormConfig", "RobertaPreLayerNormForMaskedLM"),
    "wav2vec2": ("transformers.models.wav2vec2.modeling_wav2vec2", "Wav2Vec2Config", "Wav2Vec2ForPreTraining"),
}


def model_classes(family: str) -> tuple[type, type]:
    if family not in FAMILIES:
        raise ValueError(f"unknown model family {family!r} (known: {', '.join(FAMILIES)})")
    module_name, config_name, model_name = FAMILIES[family]
    module = importlib.import_module(module_name)
    config_module = importlib.import_module(module_name.replace("modeling_", "configuration_"))
    return getattr(config_module, config_name), getattr(module, model_name)


def check_model_family(spec: dict[str, Any], where: str = "model") -> None:
    """Fail early on a spec that is not a mapping with a known `family` (imports nothing)."""
    if not isinstance(spec, dict) or "family" not in spec:
        raise ValueError(f"{where}: expected a mapping with a 'family' key, got {spec!r}")
    if spec["family"] not in FAMILIES:
        raise ValueError(f"{where}: unknown model.family {spec['family']!r} (known: {', '.join(FAMILIES)})")


def check_model_spec(spec: dict[str, Any], where: str = "model") -> None:
    """Fail early, naming the key, on an unknown family or config key (imports only the config class, but that
    imports torch)."""
    check_model_family(spec, where)
    family = spec["family"]
    module_name, config_name, _ = FAMILIES[family]
    config_cls = getattr(importlib.import_module(module_name.replace("modeling_", "configuration_")), config_name)
    unknown = sorted(set(spec) - {"family", "attn_implementation"} - set(config_cls().to_dict()))
    if unknown:
        raise ValueError(f"{where}: unknown {family} config key(s): {', '.join(unknown)}")


# Every config takes these, though some families leave one out of their defaults (CodeGen: pad_token_id).
SPECIAL_ID_KEYS = {"pad_token_id", "bos_token_id", "eos_token_id"}


def build_model(spec: dict[str, Any], *, tokenizer=None, vocab_size: int | None = None,
                special_ids: dict | None = None):
    """A freshly initialised model (seeded by the caller) from a family + config mapping. With `tokenizer`, the
    vocabulary size and the pad/bos/eos ids come from it (explicit `vocab_size` / `special_ids` still win)."""
    if tokenizer is not None:
        vocab_size = len(tokenizer) if vocab_size is None else vocab_size
        special_ids = special_ids or {"pad_token_id": tokenizer.pad_token_id, "bos_token_id": tokenizer.bos_token_id,
                                      "eos_token_id": tokenizer.eos_token_id}
    spec = dict(spec)
    family = spec.pop("family", None)
    if family is None:
        raise ValueError("model spec needs a 'family' key")
    if family not in FAMILIES:
        raise ValueError(f"model spec: unknown model.family {family!r} (known: {', '.join(FAMILIES)})")
    config_cls, model_cls = model_classes(family)
    if vocab_size is not None:
        spec["vocab_size"] = vocab_size
    spec.update(special_ids or {})
    known = set(config_cls().to_dict()) | SPECIAL_ID_KEYS
    unknown = sorted(set(spec) - known - {"attn_implementation"})
    if unknown:
        raise ValueError(f"model spec: unknown {family} config key(s): {', '.join(unknown)}")
    config = config_cls(**spec)
    return model_cls(config)


def pad_id(tokenizer) -> int:
    """The id padding positions hold: the pad token, or EOS where the tokenizer ships none (Llama 3, Mistral,
    GPT-2). Padded positions are masked out of attention and loss, so only the id's existence matters."""
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if pad is None:
        raise ValueError(f"{type(tokenizer).__name__}: no pad and no EOS token to pad with")
    return pad


def n_params(model, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def save_model(model, directory: str | Path, tokenizer=None, extra_files: dict[str, str] | None = None) -> None:
    """save_pretrained (safetensors) + tokenizer into `directory`, atomically."""
    with atomic_dir(directory) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(tmp)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text)


def load_model(directory: str | Path, kind: str = "causal_lm", **kwargs):
    """from_pretrained from a local directory; a clear error if it is missing or not a model directory."""
    directory = Path(directory)
    if not (directory / "config.json").is_file():
        raise FileNotFoundError(f"{directory} is not a saved model (no config.json); rerun the stage that writes it")
    if not any(directory.glob("*.safetensors")):
        raise FileNotFoundError(f"{directory} has no .safetensors weights; only safetensors checkpoints are loaded")
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM, AutoModelForSequenceClassification

    for weights in sorted(directory.glob("*.safetensors")):  # header and size check: a corrupt file is named
        try:
            with safe_open(str(weights), framework="pt"):
                pass
        except Exception as err:
            raise ValueError(f"{weights} is not a readable safetensors file ({type(err).__name__}: {err}); "
                             f"delete {directory} and rerun the stage that writes it") from err
    auto = {"causal_lm": AutoModelForCausalLM, "masked_lm": AutoModelForMaskedLM,
            "sequence_classification": AutoModelForSequenceClassification}[kind]  # e.g. a reward model's head
    return auto.from_pretrained(directory, use_safetensors=True, local_files_only=True, **kwargs)


def load_tokenizer(directory: str | Path):
    from transformers import PreTrainedTokenizerFast

    directory = Path(directory)
    if not (directory / "tokenizer.json").is_file():
        raise FileNotFoundError(f"{directory} has no tokenizer.json (expected a saved fast tokenizer)")
    return PreTrainedTokenizerFast.from_pretrained(directory, local_files_only=True)
