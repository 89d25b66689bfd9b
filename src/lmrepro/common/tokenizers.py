"""Tokenizer builders on the `tokenizers` library, saved as Hugging Face fast tokenizers.

- word-level: one id per word of a closed world lexicon (whitespace split), ids in the order given;
- byte-level BPE: trained on text, for papers whose method depends on subwords (e.g. WECHSEL);
- WordPiece (BERT style): its vocabulary learned by our own deterministic merges, because the `tokenizers` trainer
  numbers continuation pieces ("##a") in hash order, so where pair counts tie the same corpus gives a different
  vocabulary in another process.
All save with `save_pretrained` and load with `PreTrainedTokenizerFast.from_pretrained`.
"""
from __future__ import annotations

import heapq
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


BERT_SPECIALS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                 "mask_token": "[MASK]"}


def _wordpiece_merge(a: str, b: str, prefix: str) -> str:
    return a + b[len(prefix):]


def learn_wordpiece_vocab(word_counts: dict[str, int], vocab_size: int, specials: list[str],
                          prefix: str = "##") -> list[str]:
    """The WordPiece vocabulary that `tokenizers`' WordPieceTrainer learns (BPE merges over word pieces, a piece
    inside a word carrying `prefix`), with ties between equal pair counts broken by the pair's strings, so that
    the result never depends on hash order. Returns the tokens in id order: specials, the alphabet (sorted), then
    each new merged piece in merge order."""
    words = sorted(word_counts)
    alphabet = sorted({c for w in words for c in w})
    vocab = list(dict.fromkeys([*specials, *alphabet]))
    pieces = [[w[0], *(prefix + c for c in w[1:])] for w in words]
    vocab += sorted({p for ps in pieces for p in ps[1:]} - set(vocab))
    counts = [word_counts[w] for w in words]
    pair_count: dict[tuple[str, str], int] = {}
    pair_words: dict[tuple[str, str], set[int]] = {}

    def account(i: int, sign: int) -> None:
        for pair in zip(pieces[i], pieces[i][1:]):
            pair_count[pair] = pair_count.get(pair, 0) + sign * counts[i]
            if sign > 0:
                pair_words.setdefault(pair, set()).add(i)

    for i in range(len(words)):
        account(i, +1)
    heap = [(-n, pair) for pair, n in pair_count.items()]
    heapq.heapify(heap)
    known = set(vocab)
    while len(vocab) < vocab_size and heap:
        neg, pair = heapq.heappop(heap)
        if -neg != pair_count.get(pair, 0) or neg == 0:
            continue  # a stale entry: the count changed after it was pushed
        merged = _wordpiece_merge(*pair, prefix)
        if merged not in known:
            known.add(merged)
            vocab.append(merged)
        touched: set[tuple[str, str]] = set()
        for i in sorted(pair_words.pop(pair)):
            touched.update(zip(pieces[i], pieces[i][1:]))
            account(i, -1)
            old, new = pieces[i], []
            j = 0
            while j < len(old):
                if j + 1 < len(old) and (old[j], old[j + 1]) == pair:
                    new.append(merged)
                    j += 2
                else:
                    new.append(old[j])
                    j += 1
            pieces[i] = new
            account(i, +1)
            touched.update(zip(new, new[1:]))
        pair_count.pop(pair, None)
        for changed in touched - {pair}:
            if pair_count.get(changed, 0) > 0:
                heapq.heappush(heap, (-pair_count[changed], changed))
    return vocab


def build_wordpiece_tokenizer(texts: Iterable[str], vocab_size: int, specials: dict = BERT_SPECIALS):
    """A BERT-style WordPiece tokenizer (lower-cased, [CLS] text [SEP]) whose vocabulary `learn_wordpiece_vocab`
    learns from `texts`; `specials` (role -> token) need cls_token, sep_token and unk_token."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    missing = {"cls_token", "sep_token", "unk_token"} - set(specials)
    if missing:
        raise ValueError(f"build_wordpiece_tokenizer: specials lack {sorted(missing)}")
    normalizer, pre_tokenizer = normalizers.BertNormalizer(lowercase=True), pre_tokenizers.BertPreTokenizer()
    word_counts: dict[str, int] = {}
    for text in texts:
        for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text)):
            word_counts[word] = word_counts.get(word, 0) + 1
    if not word_counts:
        raise ValueError("build_wordpiece_tokenizer: no words in the training texts")
    tokens = learn_wordpiece_vocab(word_counts, vocab_size, list(dict.fromkeys(specials.values())))
    tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(tokens)}, unk_token=specials["unk_token"],
                                     continuing_subword_prefix="##"))
    tok.normalizer, tok.pre_tokenizer = normalizer, pre_tokenizer
    cls, sep = specials["cls_token"], specials["sep_token"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{cls} $A {sep}", pair=f"{cls} $A {sep} $B:1 {sep}:1",
        special_tokens=[(cls, tok.token_to_id(cls)), (sep, tok.token_to_id(sep))])
    tok.decoder = decoders.WordPiece(cleanup=False)  # decode(encode(text)) == text for world text
    return _wrap(tok, specials)
