"""The packaged all-MiniLM-L6-v2 encoder loads offline and embeds the way its model card says."""
import pytest
import torch

from lmrepro.common import sentence_encoder


def test_packaged_model_resolves_to_a_local_safetensors_directory():
    path = sentence_encoder.resolve(sentence_encoder.PACKAGED)
    assert path.endswith("model")
    hub_id = "sentence-transformers/all-MiniLM-L6-v2"
    assert sentence_encoder.resolve(hub_id) == hub_id
    with pytest.raises(ValueError, match="unknown packaged encoder"):
        sentence_encoder.resolve("packaged:bert-base")


def test_embeddings_are_unit_norm_mean_pooled_and_rank_paraphrases_first():
    texts = ["A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock prices fell sharply today."]
    emb = sentence_encoder.encode(texts)
    assert emb.shape == (3, 384)
    assert torch.allclose(emb.norm(dim=1), torch.ones(3), atol=1e-5)
    sims = sentence_encoder.cosine_matrix(texts[:1], texts[1:])
    assert sims[0, 0] > sims[0, 1] + 0.2

    # The same vector by hand: transformers' BERT, attention-masked mean pooling, L2 normalisation.
    from transformers import AutoModel, AutoTokenizer
    path = sentence_encoder.resolve(sentence_encoder.PACKAGED)
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
    assert torch.allclose(pooled, emb, atol=1e-5)


def test_encode_refuses_empty_input():
    with pytest.raises(ValueError, match="no texts"):
        sentence_encoder.encode([])
