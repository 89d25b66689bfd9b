"""common.padding.pad_rows: right padding for training/scoring, left padding for generation."""
import pytest
import torch

from lmrepro.common.padding import pad_rows


def test_right_padding_keeps_each_row_at_the_start():
    ids, mask = pad_rows([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]] and mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert ids.dtype == mask.dtype == torch.long


def test_left_padding_ends_every_row_at_the_last_column():
    ids, mask = pad_rows([[5, 6, 7], [8]], pad_id=9, left=True)
    assert ids.tolist() == [[5, 6, 7], [9, 9, 8]] and mask.tolist() == [[1, 1, 1], [0, 0, 1]]


def test_right_padding_leaves_a_causal_lms_logits_unchanged():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=20, n_embd=16, n_layer=1, n_head=2, n_positions=8)).eval()
    ids, mask = pad_rows([[1, 2, 3, 4], [5, 6]], pad_id=0)
    with torch.no_grad():
        batched = model(input_ids=ids, attention_mask=mask).logits
        alone = model(input_ids=torch.tensor([[5, 6]])).logits
    torch.testing.assert_close(batched[1, :2], alone[0])


def test_no_rows_is_an_error():
    with pytest.raises(ValueError, match="no rows"):
        pad_rows([], pad_id=0)
