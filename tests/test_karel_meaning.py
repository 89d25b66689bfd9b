"""karel_meaning's pieces: sequence layout and statement positions, probe targets under true and alternative
semantics, probe data split by program, generative accuracy's decoding and scoring, the LM batches and the rank
correlation (against scipy's definition on hand cases)."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from lmrepro.papers.karel_meaning import method as M
from lmrepro.papers.karel_meaning.gen_programs import greedy_programs
from lmrepro.papers.karel_meaning.probe import probe_accuracy
from lmrepro.common.params import PretrainLMConfig
from lmrepro.papers.karel_meaning.lm_data import batch_fn
from lmrepro.papers.karel_meaning.params import LMConfig

ROW = {"id": 0, "size": 5, "walls": [], "program": ["move", "turn_right", "move", "turn_left"],
       "examples": [{"input": {"row": 2, "col": 2, "facing": 0, "markers": []},
                     "output": {"row": 1, "col": 3, "facing": 0, "markers": []}},
                    {"input": {"row": 4, "col": 0, "facing": 1, "markers": []},
                     "output": {"row": 4, "col": 1, "facing": 1, "markers": []}}]}


def test_sequence_layout_and_statement_positions():
    tokens = M.sequence_tokens(ROW)
    assert tokens[:8] == ["IN", "r2", "c2", "N", "OUT", "r1", "c3", "N"]
    assert tokens[16:] == ["PROG", "move", "turn_right", "move", "turn_left", "END"]
    with_bos = ["<bos>", *tokens]
    assert [with_bos[p] for p in M.statement_positions(ROW)] == ROW["program"]


def test_direction_targets_follow_each_semantics():
    assert M.direction_targets(ROW) == [0, 1, 1, 0]  # N, E, E, N
    assert M.direction_targets(ROW, "opposite") == [0, 3, 3, 0]  # right <-> left
    assert M.direction_targets(ROW, "perm") == [3, 3, 2, 3]  # move->left, right->move, left->right: W W S W
    assert M.direction_targets(ROW, example=1) == [1, 2, 2, 1]


def test_probe_split_is_by_program_and_scores_held_out_programs():
    rng = np.random.default_rng(0)
    owner = np.repeat(np.arange(40), 5)
    y = rng.integers(0, 4, size=owner.size)
    x = np.eye(4)[y] + 0.01 * rng.normal(size=(owner.size, 4))  # linearly decodable
    assert probe_accuracy("linear", x, y, owner, n_train=30, seed=1, mlp_hidden=8) == 1.0
    noise = rng.normal(size=(owner.size, 4))
    assert probe_accuracy("linear", noise, y, owner, n_train=30, seed=1, mlp_hidden=8) < 0.6
    with pytest.raises(ValueError, match="probe kind"):
        M.fit_probe("tree", x, y, 0)


def test_spearman_matches_the_rank_definition():
    assert M.spearman([0.1, 0.2, 0.3, 0.5], [0.0, 0.1, 0.4, 0.9]) == pytest.approx(1.0)
    assert M.spearman([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]) == pytest.approx(-1.0)
    assert M.spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(1 - 6 * 2 / (4 * 15))  # 1 - 6 sum d^2 / n(n^2-1)
    assert M.spearman([0.3, 0.3, 0.3], [0.1, 0.2, 0.3]) == 0.0  # a flat curve has no trend


def test_greedy_programs_stop_at_end_and_cut_at_the_cap():
    vocab = {t: i for i, t in enumerate(["<pad>", "<bos>", "IN", "OUT", "PROG", "END", "N", "E", "S", "W", "r0",
                                          "r1", "r2", "r3", "r4", "c0", "c1", "c2", "c3", "c4", "move", "turn_left",
                                          "turn_right"])}
    tok = SimpleNamespace(get_vocab=lambda: vocab, bos_token_id=1)

    class Scripted(torch.nn.Module):  # emits move, turn_right, END after PROG (by position)
        def forward(self, input_ids):
            script = [vocab["move"], vocab["turn_right"], vocab["END"]]
            nxt = script[min(input_ids.size(1) - 18, 2)]
            return SimpleNamespace(logits=torch.nn.functional.one_hot(torch.full(input_ids.shape, nxt), len(vocab))
                                   .float())

    assert greedy_programs(Scripted(), tok, [ROW], max_statements=5) == [["move", "turn_right"]]


def test_lm_batches_mask_padding_and_optionally_the_spec():
    seqs = [[1, 7, 8, 4, 20, 5], [1, 7, 4, 21, 22, 20, 5]]  # BOS ... PROG(4) ... END(5)
    for loss_on in ("all", "program"):
        batch = batch_fn(seqs, prog_id=4, pad_id=0, cfg=LMConfig(batch_size=6, loss_on=loss_on), seed=3)(0)
        for ids, att, mask in zip(batch["input_ids"], batch["attention_mask"], batch["loss_mask"]):
            n = int(att.sum())
            assert (ids[n:] == 0).all() and (mask[n:] == 0).all() and mask[0] == 0
            first = ids.tolist().index(4) + 1 if loss_on == "program" else 1
            assert mask[first:n].all() and not mask[:first].any()
    with pytest.raises(ValueError, match="loss_on"):
        LMConfig(loss_on="spec").check("lm")
    with pytest.raises(ValueError, match="checkpoints"):
        PretrainLMConfig(batches="lmrepro.papers.karel_meaning.lm_data:lm_batches", checkpoints=(100, 0)).check("lm")


def test_batched_hidden_states_equal_one_sequence_at_a_time():
    from transformers import GPT2Config, GPT2LMHeadModel

    from lmrepro.common.tokenizers import build_word_tokenizer
    from lmrepro.papers.karel_meaning.probe import hidden_states
    from lmrepro.worlds.programs import ProgramsConfig, generate, vocabulary

    cfg = ProgramsConfig()
    tok = build_word_tokenizer(vocabulary(cfg))
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=16, n_layer=1, n_head=2, n_positions=48)).eval()
    rows = generate(cfg, seed=0, n=7)  # programs of different lengths: padding inside a batch
    x_batched, owner = hidden_states(model, tok, rows, -1, batch=4)
    x_single, owner_single = hidden_states(model, tok, rows, -1, batch=1)
    assert owner.tolist() == owner_single.tolist() == [i for i, r in enumerate(rows) for _ in r["program"]]
    assert np.allclose(x_batched, x_single, atol=1e-5)
