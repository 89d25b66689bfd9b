"""The next-word MLP (spec: Method / Network, our stand-in for the paper's deep network): one embedding per input
word, concatenated, then ReLU dense layers, then logits over the vocabulary. `forward_layers` returns every
layer's activation for the analysis: "input" (the concatenated embeddings), "hidden1".."hiddenK", "logits".
Saved as safetensors + config.json (no pickles)."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from lmrepro.common.io import atomic_dir
from lmrepro.papers.word_class.params import MLPConfig


class NextWordMLP(nn.Module):
    def __init__(self, cfg: MLPConfig, vocab_size: int, context: int):
        super().__init__()
        self.cfg, self.vocab_size, self.context = cfg, vocab_size, context
        self.embed = nn.Embedding(vocab_size, cfg.emb_dim)
        widths = [context * cfg.emb_dim, *cfg.hidden]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.out = nn.Linear(widths[-1], vocab_size)

    def forward_layers(self, ids: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.embed(ids).flatten(1)
        acts = {"input": h}
        for i, layer in enumerate(self.hidden, 1):
            h = torch.relu(layer(h))
            acts[f"hidden{i}"] = h
        acts["logits"] = self.out(h)
        return acts

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.forward_layers(ids)["logits"]


def layer_names(cfg: MLPConfig) -> list[str]:
    return ["input", *(f"hidden{i}" for i in range(1, len(cfg.hidden) + 1)), "logits"]


def save_mlp(model: NextWordMLP, directory: str | Path) -> None:
    from safetensors.torch import save_file

    with atomic_dir(directory) as tmp:
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
        (tmp / "config.json").write_text(json.dumps({"mlp": asdict(model.cfg), "vocab_size": model.vocab_size,
                                                     "context": model.context}, sort_keys=True))


def load_mlp(directory: str | Path) -> NextWordMLP:
    from safetensors.torch import load_file

    directory = Path(directory)
    meta = json.loads((directory / "config.json").read_text())
    model = NextWordMLP(MLPConfig(**meta["mlp"]), meta["vocab_size"], meta["context"])
    model.load_state_dict(load_file(str(directory / "model.safetensors")))
    return model.eval()
