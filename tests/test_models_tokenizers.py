import pytest
import torch

from lmrepro.common.models import build_model, load_model, load_tokenizer, save_model
from lmrepro.common.tokenizers import build_bpe_tokenizer, build_word_tokenizer

TINY = {
    "llama": {"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
              "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 16},
    "gpt2": {"family": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 16},
    "bert": {"family": "bert", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 2, "max_position_embeddings": 16},
}


def test_word_tokenizer_round_trip(tmp_path):
    tok = build_word_tokenizer(["alice", "lives", "in", "paris", "."])
    ids = tok.encode("alice lives in paris .", add_special_tokens=False)
    assert ids == [4, 5, 6, 7, 8]
    assert tok.decode(ids) == "alice lives in paris ."
    assert tok.encode("bob", add_special_tokens=False) == [tok.unk_token_id]
    tok.save_pretrained(tmp_path)
    loaded = load_tokenizer(tmp_path)
    assert loaded.encode("alice lives in paris .", add_special_tokens=False) == ids
    assert (loaded.pad_token_id, loaded.bos_token_id, loaded.eos_token_id) == (0, 1, 2)


def test_word_tokenizer_rejects_whitespace():
    with pytest.raises(ValueError, match="whitespace"):
        build_word_tokenizer(["new york"])


def test_bpe_tokenizer_round_trip(tmp_path):
    texts = ["the cat sat on the mat", "the dog sat on the log"] * 20
    tok = build_bpe_tokenizer(texts, vocab_size=300)
    text = "the cat sat on the log"
    assert tok.decode(tok.encode(text, add_special_tokens=False)) == text
    tok.save_pretrained(tmp_path)
    assert load_tokenizer(tmp_path).encode(text) == tok.encode(text)


@pytest.mark.parametrize("family", sorted(TINY))
def test_model_save_load_round_trip_safetensors(tmp_path, family):
    torch.manual_seed(0)
    model = build_model(TINY[family], vocab_size=50).eval()
    save_model(model, tmp_path / "m")
    files = {p.name for p in (tmp_path / "m").iterdir()}
    assert "model.safetensors" in files and not any(f.endswith((".bin", ".pt")) for f in files)
    loaded = load_model(tmp_path / "m", kind="masked_lm" if family == "bert" else "causal_lm").eval()
    ids = torch.randint(0, 50, (2, 8))
    with torch.no_grad():
        assert torch.equal(model(input_ids=ids).logits, loaded(input_ids=ids).logits)


def test_model_factory_names_unknown_keys():
    with pytest.raises(ValueError, match="hidden_sise"):
        build_model({"family": "llama", "hidden_sise": 8})
    with pytest.raises(ValueError, match="unknown model.family .mamba9."):
        build_model({"family": "mamba9"})


def test_special_ids_are_accepted_where_a_family_leaves_them_out_of_its_defaults():
    """CodeGen's default config has no pad_token_id (transformers 5); every config still takes it."""
    model = build_model({"family": "codegen", "n_embd": 16, "n_layer": 1, "n_head": 2, "rotary_dim": 4},
                        vocab_size=20, special_ids={"pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2})
    assert (model.config.pad_token_id, model.config.bos_token_id, model.config.eos_token_id) == (0, 1, 2)


def test_load_model_requires_safetensors(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        load_model(tmp_path)


def test_build_model_takes_vocabulary_and_special_ids_from_a_tokenizer():
    tok = build_word_tokenizer(["a", "b", "c"])
    model = build_model({"family": "gpt2", "n_embd": 8, "n_layer": 1, "n_head": 2}, tokenizer=tok)
    assert model.config.vocab_size == len(tok)
    assert (model.config.pad_token_id, model.config.bos_token_id, model.config.eos_token_id) == \
        (tok.pad_token_id, tok.bos_token_id, tok.eos_token_id)
    wider = build_model({"family": "gpt2", "n_embd": 8, "n_layer": 1, "n_head": 2}, tokenizer=tok, vocab_size=64)
    assert wider.config.vocab_size == 64  # an explicit value wins


def test_generate_without_a_pad_token_pads_with_eos_and_matches_unpadded_decoding():
    from lmrepro.common.generation import generate

    tok = build_word_tokenizer("a b c d e".split())
    torch.manual_seed(0)
    model = build_model({"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                         "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 32},
                        tokenizer=tok)
    prompts = [[tok.bos_token_id, 5, 6, 7], [tok.bos_token_id, 8]]
    padded, _ = generate(model, tok, prompts, max_new_tokens=4, temperature=0.0, seed=0)
    tok.pad_token = None  # as Llama and Mistral tokenizers ship
    no_pad, _ = generate(model, tok, prompts, max_new_tokens=4, temperature=0.0, seed=0)
    alone = [generate(model, tok, [p], max_new_tokens=4, temperature=0.0, seed=0)[0][0] for p in prompts]
    assert no_pad == padded == alone


def _greedy_wordpiece_merges(word_counts, vocab_size, specials):
    """Reference: greedy BPE over word pieces, every pair recounted at every step (slow, obviously right)."""
    words = sorted(word_counts)
    pieces = [[w[0], *("##" + c for c in w[1:])] for w in words]
    vocab = list(dict.fromkeys([*specials, *sorted({c for w in words for c in w})]))
    vocab += sorted({p for ps in pieces for p in ps[1:]} - set(vocab))
    while len(vocab) < vocab_size:
        counts = {}
        for ps, w in zip(pieces, words):
            for pair in zip(ps, ps[1:]):
                counts[pair] = counts.get(pair, 0) + word_counts[w]
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merged = best[0] + best[1][2:]
        if merged not in vocab:
            vocab.append(merged)
        for k, ps in enumerate(pieces):
            new, j = [], 0
            while j < len(ps):
                if j + 1 < len(ps) and (ps[j], ps[j + 1]) == best:
                    new.append(merged)
                    j += 2
                else:
                    new.append(ps[j])
                    j += 1
            pieces[k] = new
    return vocab


def test_wordpiece_vocab_equals_recounted_greedy_merges():
    import random

    from lmrepro.common.tokenizers import learn_wordpiece_vocab

    rng = random.Random(3)
    word_counts = {"".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 8))): rng.randint(1, 40)
                   for _ in range(80)}
    specials = ["[PAD]", "[UNK]"]
    for size in (40, 120, 400):
        assert learn_wordpiece_vocab(word_counts, size, specials) == _greedy_wordpiece_merges(word_counts, size,
                                                                                              specials)


def test_wordpiece_vocab_equals_the_tokenizers_trainer_where_no_pair_counts_tie():
    """Two-letter words with distinct counts: each merge is decided by count alone, so the library's
    WordPieceTrainer must learn the same tokens (its tie-break, hash order, never comes into play)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    from lmrepro.common.tokenizers import BERT_SPECIALS, build_wordpiece_tokenizer

    words = ["ab", "cd", "ef", "ga", "bc", "de", "fg", "ac", "be", "df"]
    texts = [w for k, w in enumerate(words) for _ in range(3 * k + 1)]
    for size in (22, 27):
        library = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        library.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        library.train_from_iterator(texts, trainers.WordPieceTrainer(
            vocab_size=size, special_tokens=list(BERT_SPECIALS.values()), show_progress=False))
        ours = build_wordpiece_tokenizer(texts, size)
        assert set(ours.get_vocab()) == set(library.get_vocab())
        assert len(ours) == size


def test_wordpiece_tokenizer_is_the_same_in_processes_with_different_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys

    script = ("import random, sys; from lmrepro.common.tokenizers import build_wordpiece_tokenizer as b; "
              "r = random.Random(0); t = [' '.join(''.join(r.choice('abcdef') for _ in range(r.randint(2, 6))) "
              "for _ in range(8)) for _ in range(300)]; b(t, 200).save_pretrained(sys.argv[1])")
    saved = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        subprocess.run([sys.executable, "-c", script, str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed})
        saved.append((out / "tokenizer.json").read_bytes())
    assert saved[0] == saved[1]


def test_wordpiece_tokenizer_round_trip_and_bert_framing(tmp_path):
    from lmrepro.common.tokenizers import build_wordpiece_tokenizer

    tok = build_wordpiece_tokenizer(["Bada lomi kaso .", "the dog sees a cat ."] * 20, 60)
    ids = tok("bada lomi .")["input_ids"]
    assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id
    assert tok.decode(ids, skip_special_tokens=True) == "bada lomi ."
    assert tok.convert_ids_to_tokens(tok("zzz")["input_ids"])[1] == "[UNK]"
    tok.save_pretrained(tmp_path)
    assert load_tokenizer(tmp_path)("bada lomi .")["input_ids"] == ids
    with pytest.raises(ValueError, match="cls_token"):
        build_wordpiece_tokenizer(["a b"], 20, specials={"unk_token": "[UNK]", "sep_token": "[SEP]"})
