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
