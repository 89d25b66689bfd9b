"""The method's pieces (spec "Method"): formats, the sentence encoder/decoder, the latent model, losses, inference
in continuous and discretized mode, exact match and the generation-FLOPs accounting.

Notation (spec): question q, steps s_1..s_n, answer a. The answer is an explicit final step s_{n+1} = "answer a ."
(the spec's "end-of-reasoning step": decoding it ends the chain and gives the answer). Step vectors
h_1..h_{n+1}, h_i decodes to s_i:
- contextual: h_i = E(q, s_1..s_{i-1}) (next-sentence prediction); one causal pass over the CoT sequence gives all
  of them, as the last-layer state at the last token of q and of each s_i;
- semantic: h_i = E(s_i) (autoencoding).
The decoder D reads `prefix(h)` as its first input vector and generates the sentence; E and D are one GPT-2 (shared
parameters, spec) plus the learned `prefix` map (post-ln_f states and input embeddings differ in scale: spec
pitfall). The latent model M reads the question tokens then `in_proj(h_1..h_n)` and outputs
h^_t = out_proj(last hidden state) at the position before each vector, plus a stop logit (the classifier of the
released `autoreg_ctx_w_classifier`) that fires on the answer step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F
from transformers import DynamicCache

from lmrepro.common.padding import pad_rows
from lmrepro.worlds.reasoning import check_answer

ANSWER_WORD = "answer"


# -- formats ----------------------------------------------------------------------------------------------------
def answer_sentence(answer: str) -> str:
    return f"{ANSWER_WORD} {answer} ."


def parse_answer(text: str) -> str:
    """The word after the last "answer" marker ("" when there is none): what exact match compares."""
    words = text.split()
    for i in range(len(words) - 1, -1, -1):
        if words[i] == ANSWER_WORD:
            return words[i + 1] if i + 1 < len(words) else ""
    return ""


def encode_row(tokenizer, row: dict) -> dict:
    """Token ids of the question and of each step, the answer step last (pieces after the question get a leading
    space, so a BPE tokenizer sees the same words it would in running text)."""
    enc = lambda text: tokenizer.encode(text, add_special_tokens=False)  # noqa: E731
    return {"q": enc(row["question"]), "steps": [enc(" " + s) for s in [*row["steps"], answer_sentence(row["answer"])]]}


def special_ids(tokenizer) -> tuple[int, int, int]:
    """(bos, eos, pad); GPT-2's tokenizer has one <|endoftext|> for all three."""
    eos = tokenizer.eos_token_id
    bos = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else eos
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    return bos, eos, pad


def sft_example(enc: dict, with_steps: bool, bos: int, eos: int) -> tuple[list[int], int]:
    """(ids, prompt length): [bos] q s_1 .. s_n "answer a ." [eos] for CoT, [bos] q "answer a ." [eos] for no-CoT;
    the loss covers everything after the prompt."""
    steps = enc["steps"] if with_steps else enc["steps"][-1:]
    ids = [bos, *enc["q"], *(t for s in steps for t in s), eos]
    return ids, 1 + len(enc["q"])


def pad_sft(examples: list[tuple[list[int], int]], pad: int) -> dict:
    input_ids, _ = pad_rows([ids for ids, _ in examples], pad)
    loss_mask = torch.zeros_like(input_ids)
    for i, (ids, prompt_len) in enumerate(examples):
        loss_mask[i, prompt_len:len(ids)] = 1
    return {"input_ids": input_ids, "loss_mask": loss_mask}


# -- the sentence encoder / decoder -------------------------------------------------------------------------------
def _identity_linear(d: int) -> nn.Linear:
    layer = nn.Linear(d, d)
    with torch.no_grad():
        layer.weight.copy_(torch.eye(d))
        layer.bias.zero_()
    return layer


class SentenceCodec(nn.Module):
    """E and D: one causal LM (shared parameters) and the prefix map that feeds a vector to D."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm
        self.prefix = _identity_linear(lm.config.n_embd)

    def hidden(self, input_ids=None, inputs_embeds=None, attention_mask=None, position_ids=None):
        return self.lm.transformer(input_ids=input_ids, inputs_embeds=inputs_embeds, attention_mask=attention_mask,
                                   position_ids=position_ids).last_hidden_state

    def embed_contextual(self, encs: list[dict], bos: int, pad: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, S, d) vectors h_1..h_{n+1} (S = max n + 1) and their (B, S) validity mask, from one pass over
        [bos] q s_1 .. s_n: the state at the last token of q, then at the last token of each s_i."""
        seqs, ends = [], []
        for enc in encs:
            ids = [bos, *enc["q"]]
            positions = [len(ids) - 1]
            for step in enc["steps"][:-1]:
                ids += step
                positions.append(len(ids) - 1)
            seqs.append(ids)
            ends.append(positions)
        width, n_vec = max(map(len, seqs)), max(map(len, ends))
        ids = torch.full((len(seqs), width), pad)
        index = torch.zeros((len(seqs), n_vec), dtype=torch.long)
        mask = torch.zeros((len(seqs), n_vec), dtype=torch.bool)
        for i, (seq, pos) in enumerate(zip(seqs, ends)):
            ids[i, :len(seq)] = torch.tensor(seq)
            index[i, :len(pos)] = torch.tensor(pos)
            mask[i, :len(pos)] = True
        states = self.hidden(input_ids=ids)  # right padding: causal attention never sees it
        return states.gather(1, index[..., None].expand(-1, -1, states.size(-1))), mask

    def embed_sentences(self, sentences: list[list[int]], bos: int, pad: int) -> torch.Tensor:
        """(N, d): the state at the last token of [bos] s for each sentence (semantic embeddings)."""
        width = 1 + max(map(len, sentences))
        ids = torch.full((len(sentences), width), pad)
        for i, s in enumerate(sentences):
            ids[i, :1 + len(s)] = torch.tensor([bos, *s])
        states = self.hidden(input_ids=ids)
        last = torch.tensor([len(s) for s in sentences])
        return states[torch.arange(len(sentences)), last]

    def embed_semantic(self, encs: list[dict], bos: int, pad: int) -> tuple[torch.Tensor, torch.Tensor]:
        sentences = [s for enc in encs for s in enc["steps"]]
        flat = self.embed_sentences(sentences, bos, pad)
        n_vec = max(len(enc["steps"]) for enc in encs)
        out = flat.new_zeros((len(encs), n_vec, flat.size(-1)))
        mask = torch.zeros((len(encs), n_vec), dtype=torch.bool)
        k = 0
        for i, enc in enumerate(encs):
            n = len(enc["steps"])
            out[i, :n], mask[i, :n] = flat[k:k + n], True
            k += n
        return out, mask

    def embed(self, arm: str, encs: list[dict], bos: int, pad: int):
        return self.embed_contextual(encs, bos, pad) if arm == "ctx" else self.embed_semantic(encs, bos, pad)

    def decode_loss(self, vectors: torch.Tensor, sentences: list[list[int]], eos: int, pad: int) -> torch.Tensor:
        """L_CE = -mean_t log p_D(y_t | y_<t, h) over the tokens of each sentence and its EOS (spec Method)."""
        width = max(map(len, sentences))
        inputs = torch.full((len(sentences), width), pad)
        labels = torch.full((len(sentences), width + 1), -100)
        for i, s in enumerate(sentences):
            inputs[i, :len(s)] = torch.tensor(s)
            labels[i, :len(s) + 1] = torch.tensor([*s, eos])
        embeds = torch.cat([self.prefix(vectors)[:, None], self.lm.transformer.wte(inputs)], dim=1)
        logits = self.lm(inputs_embeds=embeds).logits
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), labels.reshape(-1), ignore_index=-100)

    @torch.no_grad()
    def decode_greedy(self, vectors: torch.Tensor, max_len: int, eos: int) -> list[list[int]]:
        """Greedy decoding of each vector into a sentence (tokens up to and including EOS, or max_len tokens)."""
        cache = DynamicCache(config=self.lm.config)
        out = self.lm(inputs_embeds=self.prefix(vectors)[:, None], cache=cache, use_cache=True)
        return _greedy_loop(self.lm, out, cache, max_len, eos, attention_mask=None, position=1)


def _greedy_loop(lm, out, cache, max_len: int, eos: int, attention_mask, position) -> list[list[int]]:
    """Continue greedy decoding from a forward output `out` (its last position gives the first token) whose keys
    and values `cache` holds; each step appends to it in place."""
    n = out.logits.size(0)
    tokens = [[] for _ in range(n)]
    done = torch.zeros(n, dtype=torch.bool)
    next_ids = out.logits[:, -1].argmax(-1)
    pos = position if torch.is_tensor(position) else torch.full((n,), position)
    for step in range(max_len):
        for i in range(n):
            if not done[i]:
                tokens[i].append(int(next_ids[i]))
        done |= next_ids == eos
        if bool(done.all()) or step == max_len - 1:
            break
        if attention_mask is not None:
            attention_mask = torch.cat([attention_mask, torch.ones((n, 1), dtype=attention_mask.dtype)], dim=1)
        out = lm(input_ids=next_ids[:, None], cache=cache, attention_mask=attention_mask,
                 position_ids=pos[:, None], use_cache=True)
        pos = pos + 1
        next_ids = out.logits[:, -1].argmax(-1)
    return tokens


def left_pad(seqs: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    width = max(map(len, seqs))
    ids = torch.tensor([[pad] * (width - len(s)) + s for s in seqs])
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in seqs])
    return ids, mask, (mask.cumsum(-1) - 1).clamp_min(0)


@torch.no_grad()
def generate(lm, prompts: list[list[int]], max_new_tokens: int, eos: int, pad: int) -> list[list[int]]:
    """Greedy token generation (KV-cached, left-padded batch): the tokens after each prompt, EOS included."""
    ids, mask, pos = left_pad(prompts, pad)
    cache = DynamicCache(config=lm.config)
    out = lm(input_ids=ids, attention_mask=mask, position_ids=pos, cache=cache, use_cache=True)
    return _greedy_loop(lm, out, cache, max_new_tokens, eos, attention_mask=mask, position=pos[:, -1] + 1)


# -- the latent model -----------------------------------------------------------------------------------------------
class LatentModel(nn.Module):
    """M: a GPT-2 over [question tokens, in_proj(h_1), ...]; h^_t = out_proj(state before the t-th vector)."""

    def __init__(self, lm):
        super().__init__()
        d = lm.config.n_embd
        self.lm = lm
        self.in_proj = nn.Sequential(nn.LayerNorm(d), _identity_linear(d))
        self.out_proj = _identity_linear(d)
        self.stop = nn.Linear(d, 1)

    def teacher_forced(self, q_ids: list[list[int]], vectors: torch.Tensor, bos: int, pad: int):
        """Predictions h^_1..h^_S and stop logits (B, S) given gold inputs h_1..h_{S-1} (vectors: (B, S, d); the
        last one is not an input)."""
        n_vec = vectors.size(1)
        lengths = torch.tensor([1 + len(q) for q in q_ids])
        width = int(lengths.max()) + n_vec - 1
        ids = torch.full((len(q_ids), width), pad)
        for i, q in enumerate(q_ids):
            ids[i, :1 + len(q)] = torch.tensor([bos, *q])
        embeds = self.lm.transformer.wte(ids)
        slots = lengths[:, None] + torch.arange(n_vec - 1)[None]  # where h_1..h_{S-1} go
        embeds = embeds.scatter(1, slots[..., None].expand(-1, -1, embeds.size(-1)), self.in_proj(vectors[:, :-1]))
        states = self.lm.transformer(inputs_embeds=embeds).last_hidden_state
        reads = (lengths[:, None] - 1 + torch.arange(n_vec)[None])[..., None].expand(-1, -1, states.size(-1))
        read = states.gather(1, reads)
        return self.out_proj(read), self.stop(read).squeeze(-1)


def latent_loss(pred: torch.Tensor, stop_logits: torch.Tensor, gold: torch.Tensor, mask: torch.Tensor,
                sentences: list[list[int]], codec: SentenceCodec, eos: int, pad: int, mse_weight: float,
                stop_weight: float) -> tuple[torch.Tensor, dict]:
    """Spec Method, latent model: CE of the frozen D reconstructing s_t from h^_t, plus `mse_weight` x the mean
    squared error to the gold h_t (the optional auxiliary regression), plus `stop_weight` x the binary CE of the
    stop classifier (1 exactly on the answer step). `sentences` lists the target sentences of the valid
    (b, t) pairs in row-major order; `mask` (B, S) marks them."""
    ce = codec.decode_loss(pred[mask], sentences, eos, pad)
    mse = F.mse_loss(pred[mask].float(), gold[mask].float())
    last = mask.long().cumsum(1) == mask.sum(1, keepdim=True)
    stop_target = (last & mask).float()
    bce = F.binary_cross_entropy_with_logits(stop_logits[mask].float(), stop_target[mask])
    loss = ce + mse_weight * mse + stop_weight * bce
    return loss, {"ce": float(ce.detach()), "mse": float(mse.detach()), "stop_bce": float(bce.detach())}


# -- inference --------------------------------------------------------------------------------------------------
@dataclass
class LatentRun:
    answers: list[str] = field(default_factory=list)
    n_latents: list[int] = field(default_factory=list)
    gen_positions: list[int] = field(default_factory=list)
    lens: list[list[str]] = field(default_factory=list)  # SentenceLens: each latent decoded to text


def latent_positions(n_latents: int, answer_tokens: int, step_tokens: list[int] = (),
                     encode_tokens: int = 0) -> int:
    """Forward positions after the question prefill (spec Metrics): the prefill yields h^_1, each further latent
    costs one position (T - 1); D decoding a vector costs one position for the prefix plus one per further token
    (= tokens generated, EOS included); discretized mode adds D's decoding of every non-final step and E's
    re-encoding (`encode_tokens`: positions E runs, KV-cached)."""
    return (n_latents - 1) + answer_tokens + sum(step_tokens) + encode_tokens


def cot_positions(generated_tokens: int) -> int:
    """Forward positions after the prompt prefill for token generation: the prefill yields the first token, each
    further generated token is fed back once (the final EOS is not)."""
    return max(generated_tokens - 1, 0)


@torch.no_grad()
def latent_infer(model: LatentModel, codec: SentenceCodec, tokenizer, encs: list[dict], arm: str, mode: str,
                 max_latents: int, max_sentence_tokens: int, lens: bool) -> LatentRun:
    """Run M on a batch of questions. continuous: h^_t is fed straight back; discretized: h^_t is decoded to text
    by D and the next input is re-encoded by E from the decoded text, exactly as training encoded gold text
    (ctx: E(q, decoded s_1..s_{t-1}); sem: E(decoded s_t)). Stops when the stop classifier fires (p > 0.5) or at
    `max_latents`; the answer is D's decoding of the final vector."""
    bos, eos, pad = special_ids(tokenizer)
    n = len(encs)
    ids, mask, pos = left_pad([[bos, *e["q"]] for e in encs], pad)
    cache = DynamicCache(config=model.lm.config)
    out = model.lm.transformer(input_ids=ids, attention_mask=mask, position_ids=pos, cache=cache, use_cache=True)
    pos = pos[:, -1] + 1
    state = out.last_hidden_state[:, -1]
    final = [None] * n
    n_latents, decoded_steps = [0] * n, [[] for _ in range(n)]
    texts = [[] for _ in range(n)]
    for t in range(1, max_latents + 1):
        pred = model.out_proj(state)
        stop = torch.sigmoid(model.stop(pred).squeeze(-1)) > 0.5
        live = [i for i in range(n) if final[i] is None]
        for i in live:
            n_latents[i] = t
            if bool(stop[i]) or t == max_latents:
                final[i] = pred[i]
        if all(f is not None for f in final):
            break
        if mode == "continuous" and not lens:
            step_text = None
        else:
            step_text = codec.decode_greedy(pred, max_sentence_tokens, eos)
            for i in live:
                if final[i] is None:
                    decoded_steps[i].append(step_text[i])
                    texts[i].append(tokenizer.decode([tok for tok in step_text[i] if tok != eos]))
        if mode == "continuous":
            nxt = pred
        elif arm == "sem":
            nxt = codec.embed_sentences([[tok for tok in s if tok != eos] or [pad] for s in step_text], bos, pad)
        else:  # ctx: the input after h^_t is E(q, decoded s_1..s_{t-1})
            prev = [e["q"] + [tok for s in decoded_steps[i][:t - 1] for tok in s if tok != eos]
                    for i, e in enumerate(encs)]
            e_ids, e_mask, e_pos = left_pad([[bos, *p] for p in prev], pad)
            nxt = codec.hidden(input_ids=e_ids, attention_mask=e_mask, position_ids=e_pos)[:, -1]
        mask = torch.cat([mask, torch.ones((n, 1), dtype=mask.dtype)], dim=1)
        out = model.lm.transformer(inputs_embeds=model.in_proj(nxt)[:, None], cache=cache,
                                   attention_mask=mask, position_ids=pos[:, None], use_cache=True)
        pos = pos + 1
        state = out.last_hidden_state[:, -1]
    answers_tok = codec.decode_greedy(torch.stack(final), max_sentence_tokens, eos)
    run = LatentRun()
    for i, e in enumerate(encs):
        text = tokenizer.decode([tok for tok in answers_tok[i] if tok != eos])
        run.answers.append(parse_answer(text))
        run.n_latents.append(n_latents[i])
        steps = decoded_steps[i][:n_latents[i] - 1]
        if mode == "discretized":
            step_tokens = [len(s) for s in steps]
            if arm == "sem":
                encode = sum(1 + len([tok for tok in s if tok != eos]) for s in steps)
            else:  # E prefills [bos] q, then appends each decoded sentence but the last (KV-cached)
                encode = (1 + len(e["q"]) if n_latents[i] > 1 else 0) + \
                    sum(len([tok for tok in s if tok != eos]) for s in steps[:-1])
        else:
            step_tokens, encode = [], 0
        run.gen_positions.append(latent_positions(n_latents[i], len(answers_tok[i]), step_tokens, encode))
        run.lens.append(texts[i][:n_latents[i] - 1] + [text])
    return run


# -- metrics ----------------------------------------------------------------------------------------------------
def exact_match(predictions: list[str], rows: list[dict]) -> float:
    """Share of problems whose predicted answer the world's checker accepts (exact string match)."""
    if len(predictions) != len(rows):
        raise ValueError(f"exact_match: {len(predictions)} predictions for {len(rows)} problems")
    return sum(check_answer(row, p) for p, row in zip(predictions, rows)) / max(1, len(rows))


def flops_per_position(lm) -> float:
    """Forward FLOPs per position: 2 x parameters (the count behind FLOPs = positions x 2N; attention over the
    short contexts here adds < 5%)."""
    return 2.0 * sum(p.numel() for p in lm.parameters())


# -- saving ------------------------------------------------------------------------------------------------------
def save_with_heads(lm, heads: nn.Module, directory: Path, tokenizer=None) -> None:
    """The LM via save_pretrained (safetensors) in `directory`, the extra heads in heads.safetensors."""
    from safetensors.torch import save_file

    from lmrepro.common.io import atomic_dir

    with atomic_dir(directory) as tmp:
        lm.save_pretrained(tmp, safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(tmp)
        save_file({k: v.contiguous() for k, v in heads.state_dict().items() if not k.startswith("lm.")},
                  str(tmp / "heads.safetensors"))


def load_with_heads(cls, directory: Path):
    from safetensors.torch import load_file

    from lmrepro.common.models import load_model

    directory = Path(directory)
    if not (directory / "heads.safetensors").is_file():
        raise FileNotFoundError(f"{directory} has no heads.safetensors: not a {cls.__name__} checkpoint")
    module = cls(load_model(directory))
    missing, unexpected = module.load_state_dict(load_file(directory / "heads.safetensors"), strict=False)
    if unexpected or any(not k.startswith("lm.") for k in missing):
        raise ValueError(f"{directory}/heads.safetensors does not match {cls.__name__}: "
                         f"missing {[k for k in missing if not k.startswith('lm.')]}, unexpected {unexpected}")
    return module.eval()
