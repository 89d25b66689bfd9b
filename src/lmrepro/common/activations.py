"""Residual-stream activations of a causal LM, captured with hooks at the layers asked for only.

`residual_stream(model, input_ids, attention_mask, layers)` returns, for each layer index l, exactly what
`model(..., output_hidden_states=True).hidden_states[l]` holds (0 = the input of the first block, l = the output
of block l, the last index after the final norm), without keeping every layer of a large model in memory.
`span_mean` pools it over a token span (neurofeedback: the response tokens only).

    acts = residual_stream(model, ids, mask, layers=[2])
    pooled = span_mean(acts[2], span_mask)          # (batch, hidden)
"""
from __future__ import annotations

import torch


def decoder_blocks(model) -> tuple[torch.nn.ModuleList, torch.nn.Module]:
    """The model's transformer blocks and its final norm (Llama/Qwen/Mistral: model.model; GPT-2: transformer)."""
    body = getattr(model, "model", None) or getattr(model, "transformer", None)
    for blocks, norm in (("layers", "norm"), ("h", "ln_f")):
        if body is not None and hasattr(body, blocks) and hasattr(body, norm):
            return getattr(body, blocks), getattr(body, norm)
    raise ValueError(f"{type(model).__name__}: cannot find its decoder blocks (model.layers or transformer.h)")


@torch.no_grad()
def residual_stream(model, input_ids: torch.Tensor, attention_mask: torch.Tensor | None,
                    layers: list[int]) -> dict[int, torch.Tensor]:
    """{layer: (batch, seq, hidden)} for each index in `layers` (0 .. n_blocks, as in `hidden_states`)."""
    blocks, final_norm = decoder_blocks(model)
    n = len(blocks)
    bad = [layer for layer in layers if not 0 <= layer <= n]
    if bad:
        raise ValueError(f"layer index {bad} out of range: the model has hidden states 0..{n}")
    captured: dict[int, torch.Tensor] = {}
    handles = []

    def block_input(layer: int):
        def hook(module, args, kwargs):
            captured[layer] = (args[0] if args else kwargs["hidden_states"]).detach()
        return hook

    def norm_output(module, args, output):
        captured[n] = output.detach()

    try:
        for layer in set(layers):
            if layer < n:
                handles.append(blocks[layer].register_forward_pre_hook(block_input(layer), with_kwargs=True))
            else:
                handles.append(final_norm.register_forward_hook(norm_output))
        model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False)
    finally:
        for handle in handles:
            handle.remove()
    return {layer: captured[layer] for layer in layers}


def span_mean(hidden: torch.Tensor, span_mask: torch.Tensor) -> torch.Tensor:
    """Mean of `hidden` (batch, seq, d) over the positions where `span_mask` (batch, seq) is true."""
    weights = span_mask.to(hidden.dtype).unsqueeze(-1)
    counts = weights.sum(1)
    if (counts == 0).any():
        raise ValueError("span_mean: a row has an empty span")
    return (hidden * weights).sum(1) / counts
