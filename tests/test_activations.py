"""Hook-captured residual streams equal `output_hidden_states` at every index, for each model family the papers
use (block inputs, the final-norm output), with padding; span pooling on hand values."""
import pytest
import torch

from lmrepro.common.activations import residual_stream, span_mean
from lmrepro.common.models import build_model

SPECS = {
    "llama": {"family": "llama", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 3,
              "num_attention_heads": 2, "num_key_value_heads": 2, "max_position_embeddings": 32},
    "qwen2": {"family": "qwen2", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 3,
              "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 32},
    "gpt2": {"family": "gpt2", "n_embd": 16, "n_layer": 3, "n_head": 2, "n_positions": 32},
}


@pytest.mark.parametrize("family", sorted(SPECS))
def test_hooks_match_output_hidden_states_at_every_layer(family):
    torch.manual_seed(0)
    model = build_model(SPECS[family], vocab_size=50).eval()
    ids = torch.randint(0, 50, (3, 9))
    mask = torch.ones_like(ids)
    mask[1, 6:] = 0  # a right-padded row
    with torch.no_grad():
        reference = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states
    layers = list(range(len(reference)))
    captured = residual_stream(model, ids, mask, layers)
    assert sorted(captured) == layers
    for layer in layers:
        torch.testing.assert_close(captured[layer], reference[layer], rtol=0, atol=0)
    # hooks are removed: a second call with fewer layers returns only those
    assert list(residual_stream(model, ids, mask, [1])) == [1]


def test_out_of_range_layer_is_named():
    model = build_model(SPECS["llama"], vocab_size=50)
    with pytest.raises(ValueError, match=r"layer index \[4\] out of range"):
        residual_stream(model, torch.zeros((1, 3), dtype=torch.long), None, [4])


def test_span_mean_on_hand_values():
    hidden = torch.tensor([[[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]], [[2.0, 2.0], [4.0, 4.0], [9.0, 9.0]]])
    span = torch.tensor([[False, True, True], [True, False, False]])
    assert span_mean(hidden, span).tolist() == [[4.0, 3.0], [2.0, 2.0]]
    with pytest.raises(ValueError, match="empty span"):
        span_mean(hidden, torch.zeros((2, 3), dtype=torch.bool))
