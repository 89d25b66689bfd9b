"""Tokenizer builders on the `tokenizers` library, saved as Hugging Face fast tokenizers.

- word-level: one id per word of a closed world lexicon (whitespace split), ids in the order given;
- byte-level BPE: trained on text, for papers whose method depends on subwords (e.g. WECHSEL).
Both save with `save_pretrained` and load with `PreTrainedTokenizerFast.from_pretrained`.
"""
from __future__ import annotations

from typing import Iterable

SPECIALS = {"pad_token": "<pad>", "bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>"}


def _wrap(tok, specials: dict = SPECIALS):
    from transformers import PreTrainedTokenizerFast

    # no clean-up of spaces before punctuation: decode(encode(text)) == text for world text
    return PreTrainedTokenizerFast(tokenizer_object=tok, clean_up_tokenization_spaces=False, **specials)


def build_word_tokenizer(words: Iterable[str]):
    """A fast tokenizer with the special tokens first, then each distinct word once, in first-seen order."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab: dict[str, int] = {}
    for w in [*SPECIALS.values(), *words]:
        if w not in vocab:
            if not w or any(c.isspace() for c in w):
                raise ValueError(f"word-level vocabulary entry {w!r} is empty or contains whitespace")
            vocab[w] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=SPECIALS["unk_token"]))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    from tokenizers import decoders

    tok.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with single spaces
    return _wrap(tok)


def build_bpe_tokenizer(texts: Iterable[str], vocab_size: int, specials: dict = SPECIALS):
    """A byte-level BPE tokenizer (GPT-2 style) trained on `texts`; `specials` (special-token role -> token, ids in
    order, one id per distinct token) default to ours, a hub stand-in passes its family's."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(dict.fromkeys(specials.values())),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return _wrap(tok, specials)
