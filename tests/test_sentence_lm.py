"""sentence_lm method pieces: formats, contextual/semantic embeddings, the decoder and latent losses, FLOPs
accounting on hand-computed cases, exact match against scikit-learn, inference plumbing."""
import pytest
import torch
from torch.nn import functional as F

from lmrepro.common.models import build_model
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.sentence_lm import method as M
from lmrepro.worlds import reasoning as R

WORLD = R.StateTrackConfig()


@pytest.fixture(scope="module")
def tok():
    return build_word_tokenizer(R.vocabulary(WORLD))


@pytest.fixture(scope="module")
def rows():
    return R.generate_state_tracking(WORLD, 0, 6)


def tiny_lm(tok, seed=0):
    torch.manual_seed(seed)
    bos, eos, pad = M.special_ids(tok)
    return build_model({"family": "gpt2", "n_layer": 2, "n_embd": 16, "n_head": 2, "n_positions": 96},
                       vocab_size=len(tok), special_ids={"bos_token_id": bos, "eos_token_id": eos,
                                                         "pad_token_id": pad}).eval()


def test_formats_and_answer_parsing(tok, rows):
    row = rows[0]
    enc = M.encode_row(tok, row)
    bos, eos, pad = M.special_ids(tok)
    assert tok.decode(enc["steps"][-1]) == f"answer {row['answer']} ."
    assert [tok.decode(s) for s in enc["steps"][:-1]] == row["steps"]
    ids, prompt_len = M.sft_example(enc, True, bos, eos)
    assert tok.decode(ids[1:prompt_len]) == row["question"] and ids[-1] == eos
    assert tok.decode(ids[prompt_len:-1]) == " ".join(row["steps"] + [f"answer {row['answer']} ."])
    ids, prompt_len = M.sft_example(enc, False, bos, eos)
    assert tok.decode(ids[prompt_len:-1]) == f"answer {row['answer']} ."
    batch = M.pad_sft([M.sft_example(enc, False, bos, eos), M.sft_example(enc, True, bos, eos)], pad)
    assert batch["loss_mask"][0].sum() == 4 and batch["loss_mask"][0, :prompt_len].sum() == 0
    assert M.parse_answer("7 apples so far . answer 7 .") == "7"
    assert M.parse_answer("answer 3 . answer 12 .") == "12"
    assert M.parse_answer("7 apples so far .") == "" and M.parse_answer("answer") == ""


def test_inputs_embeds_reproduce_input_ids_logits(tok):
    lm = tiny_lm(tok)
    ids = torch.tensor([[1, 5, 9, 12, 7]])
    with torch.no_grad():
        a = lm(input_ids=ids).logits
        b = lm(inputs_embeds=lm.transformer.wte(ids)).logits
    torch.testing.assert_close(a, b)


def test_contextual_embeddings_equal_separate_prefix_passes(tok, rows):
    codec = M.SentenceCodec(tiny_lm(tok)).eval()
    bos, eos, pad = M.special_ids(tok)
    encs = [M.encode_row(tok, r) for r in rows[:3]]
    with torch.no_grad():
        vectors, mask = codec.embed_contextual(encs, bos, pad)
        for b, enc in enumerate(encs):
            assert int(mask[b].sum()) == len(enc["steps"])  # n steps + the answer step
            for i in range(len(enc["steps"])):  # h_i = E(q, s_1..s_{i-1}): last state of that prefix alone
                prefix = [bos, *enc["q"], *(t for s in enc["steps"][:i] for t in s)]
                alone = codec.hidden(input_ids=torch.tensor([prefix]))[0, -1]
                torch.testing.assert_close(vectors[b, i], alone, atol=1e-5, rtol=1e-4)
        sem, sem_mask = codec.embed_semantic(encs, bos, pad)
        first = codec.hidden(input_ids=torch.tensor([[bos, *encs[1]["steps"][2]]]))[0, -1]
        torch.testing.assert_close(sem[1, 2], first, atol=1e-5, rtol=1e-4)
        assert torch.equal(sem_mask, mask)


def test_decode_loss_is_the_prefix_conditioned_token_nll(tok):
    codec = M.SentenceCodec(tiny_lm(tok)).eval()
    bos, eos, pad = M.special_ids(tok)
    torch.manual_seed(1)
    h = torch.randn(2, 16)
    sentences = [[8, 9, 10], [11, 12]]
    with torch.no_grad():
        loss = codec.decode_loss(h, sentences, eos, pad)
        nll = []
        for v, s in zip(h, sentences):  # by hand: one sequence at a time, no padding
            embeds = torch.cat([codec.prefix(v)[None], codec.lm.transformer.wte(torch.tensor(s))])[None]
            logp = codec.lm(inputs_embeds=embeds).logits[0].log_softmax(-1)
            nll += [-logp[t, y] for t, y in enumerate([*s, eos])]
    torch.testing.assert_close(loss, torch.stack(nll).mean())


def test_latent_loss_components_and_stop_targets(tok, rows):
    torch.manual_seed(0)
    codec = M.SentenceCodec(tiny_lm(tok)).eval().requires_grad_(False)
    model = M.LatentModel(tiny_lm(tok, seed=1))
    bos, eos, pad = M.special_ids(tok)
    encs = [M.encode_row(tok, r) for r in rows[:4]]
    gold, mask = codec.embed_contextual(encs, bos, pad)
    pred, stop = model.teacher_forced([e["q"] for e in encs], gold, bos, pad)
    assert pred.shape == gold.shape and stop.shape == mask.shape
    sentences = [s for e in encs for s in e["steps"]]
    loss, parts = M.latent_loss(pred, stop, gold, mask, sentences, codec, eos, pad, mse_weight=0.5, stop_weight=2.0)
    target = torch.zeros_like(stop)
    for b, e in enumerate(encs):
        target[b, len(e["steps"]) - 1] = 1.0  # the answer step, and only it
    ce = codec.decode_loss(pred[mask], sentences, eos, pad)
    mse = ((pred - gold)[mask] ** 2).mean()
    bce = F.binary_cross_entropy_with_logits(stop[mask], target[mask])
    torch.testing.assert_close(loss, ce + 0.5 * mse + 2.0 * bce)
    assert parts["mse"] == pytest.approx(mse.item(), rel=1e-5)
    loss.backward()  # gradients reach M but not the frozen E/D
    assert model.lm.transformer.wte.weight.grad is not None and model.in_proj[1].weight.grad is not None
    assert all(p.grad is None for p in codec.parameters())


def test_teacher_forced_reads_the_position_before_each_vector(tok, rows):
    """Prediction t comes from the state before vector t: changing h_t must not change h^_1..h^_t."""
    model = M.LatentModel(tiny_lm(tok)).eval()
    bos, eos, pad = M.special_ids(tok)
    q = [M.encode_row(tok, rows[0])["q"]]
    torch.manual_seed(0)
    vec = torch.randn(1, 4, 16)
    other = vec.clone()
    other[0, 2] += 3.0 * torch.randn(16)  # not a constant shift: in_proj starts with a LayerNorm
    with torch.no_grad():
        a, _ = model.teacher_forced(q, vec, bos, pad)
        b, _ = model.teacher_forced(q, other, bos, pad)
    torch.testing.assert_close(a[0, :3], b[0, :3])
    assert not torch.allclose(a[0, 3], b[0, 3])


def test_flops_positions_on_hand_computed_cases():
    # CoT, 3 steps: "7 apples so far ." x 3 + "answer 10 ." + eos = 19 generated tokens; the prefill yields the
    # first, the other 18 are fed back once each
    assert M.cot_positions(19) == 18 and M.cot_positions(0) == 0
    # continuous, 3 steps + the answer vector = 4 latents: 3 fed back; D decodes "answer 10 ." + eos = 4 tokens:
    # 1 position for the prefix vector + 3 fed back = 4. Total 7 (ratio 7 / 18 = 0.39, spec: 0.25-0.4)
    assert M.latent_positions(4, 4) == 7
    # discretized adds D's decoding of the 3 steps (5 tokens + eos each) and E's re-encoding positions
    assert M.latent_positions(4, 4, [6, 6, 6], encode_tokens=11) == 7 + 18 + 11


def test_exact_match_agrees_with_sklearn():
    from sklearn.metrics import accuracy_score

    rows = [{"answer": a} for a in ("7", "10", "0", "19", "3")]
    preds = ["7", "01", "0", "", "3 ."]
    assert M.exact_match(preds, rows) == pytest.approx(accuracy_score([r["answer"] for r in rows], preds))
    assert M.exact_match(preds, rows) == pytest.approx(0.4)
    with pytest.raises(ValueError):
        M.exact_match(preds[:2], rows)


def test_greedy_generation_matches_uncached_argmax(tok):
    lm = tiny_lm(tok)
    bos, eos, pad = M.special_ids(tok)
    prompts = [[bos, 8, 9, 10, 11], [bos, 12, 13]]  # different lengths: left padding must not matter
    out = M.generate(lm, prompts, 6, eos, pad)
    for prompt, gen in zip(prompts, out):
        ids = list(prompt)
        for _ in range(len(gen)):
            with torch.no_grad():
                ids.append(int(lm(input_ids=torch.tensor([ids])).logits[0, -1].argmax()))
        assert ids[len(prompt):] == gen


def test_sentence_decoding_matches_uncached_argmax(tok):
    codec = M.SentenceCodec(tiny_lm(tok)).eval()
    bos, eos, pad = M.special_ids(tok)
    torch.manual_seed(5)
    vectors = torch.randn(3, 16)
    out = codec.decode_greedy(vectors, 6, eos)
    for vector, sentence in zip(vectors, out):
        ids = []
        for _ in range(len(sentence)):
            tokens = codec.lm.transformer.wte(torch.tensor([ids], dtype=torch.long))
            embeds = torch.cat([codec.prefix(vector)[None, None], tokens], dim=1)
            with torch.no_grad():
                ids.append(int(codec.lm(inputs_embeds=embeds).logits[0, -1].argmax()))
        assert ids == sentence


def test_latent_inference_runs_both_modes_and_counts_positions(tok, rows):
    codec = M.SentenceCodec(tiny_lm(tok)).eval()
    model = M.LatentModel(tiny_lm(tok, seed=2)).eval()
    encs = [M.encode_row(tok, r) for r in rows[:3]]
    for arm in ("ctx", "sem"):
        for mode in ("continuous", "discretized"):
            run = M.latent_infer(model, codec, tok, encs, arm, mode, max_latents=3, max_sentence_tokens=4,
                                 lens=True)
            assert len(run.answers) == 3 and all(1 <= k <= 3 for k in run.n_latents)
            for k, p in zip(run.n_latents, run.gen_positions):
                assert p >= k - 1 + 1  # at least the fed-back latents and one answer token
                if mode == "continuous":
                    assert p <= k - 1 + 4


def test_heads_round_trip(tmp_path, tok):
    model = M.LatentModel(tiny_lm(tok))
    with torch.no_grad():
        model.stop.bias.fill_(0.7)
    M.save_with_heads(model.lm, model, tmp_path / "latent", tok)
    again = M.load_with_heads(M.LatentModel, tmp_path / "latent")
    assert again.stop.bias.item() == pytest.approx(0.7)
    with pytest.raises(ValueError):
        M.load_with_heads(M.SentenceCodec, tmp_path / "latent")
