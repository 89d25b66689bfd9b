"""SPT's order transforms (chunks intact, "." last, uniform permutations by brute-force enumeration), the token
reversal and random-chunk baselines, the per-step batches of each arm, and the ranking metrics on hand cases."""
import itertools
import random
from collections import Counter
from types import SimpleNamespace

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from lmrepro.papers.spt import method as M
from lmrepro.papers.spt.evaluate import greedy_exact_match
from lmrepro.papers.spt.arms import batch_fn
from lmrepro.papers.spt.params import ArmsConfig

# the fact "ana lee is the doctor of red hill ." in its gold chunks
CHUNKS = [["ana", "lee"], ["is"], ["the", "doctor", "of"], ["red", "hill"], ["."]]


def as_chunks(words: list[str]) -> list[tuple[str, ...]]:
    """Recover the chunk sequence of a re-ordered fact (every chunk of CHUNKS starts with a distinct word)."""
    starts = {c[0]: tuple(c) for c in CHUNKS}
    out, i = [], 0
    while i < len(words):
        chunk = starts[words[i]]
        assert tuple(words[i:i + len(chunk)]) == chunk, f"chunk {chunk} broken apart in {words}"
        out.append(chunk)
        i += len(chunk)
    return out


# -- order transforms ----------------------------------------------------------------------------------------------
def test_original_and_reversed_orders():
    rng = random.Random(0)
    assert M.reorder(CHUNKS, "original", rng) == "ana lee is the doctor of red hill .".split()
    assert M.reorder(CHUNKS, "reversed", rng) == "red hill the doctor of is ana lee .".split()
    with pytest.raises(ValueError, match="order must be one of"):
        M.reorder(CHUNKS, "shuffled", rng)


def test_every_order_keeps_chunks_whole_and_the_full_stop_last():
    rng = random.Random(1)
    for _ in range(300):
        words = M.spt_sequence(CHUNKS, (1, 1, 1), rng)
        chunks = as_chunks(words)
        assert chunks[-1] == (".",)
        assert sorted(chunks) == sorted(tuple(c) for c in CHUNKS)


def test_permuted_order_is_uniform_over_all_24_orders():
    body = [tuple(c) for c in CHUNKS[:-1]]
    all_orders = set(itertools.permutations(body))
    assert len(all_orders) == 24
    rng, n = random.Random(2), 24_000
    counts = Counter(tuple(as_chunks(M.reorder(CHUNKS, "permuted", rng))[:-1]) for _ in range(n))
    assert set(counts) == all_orders  # every order reachable, nothing else produced
    expected = n / 24
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 49.7  # chi-square, 23 degrees of freedom, p = 0.001


def test_order_choice_follows_the_configured_probabilities():
    rng, n = random.Random(3), 6000
    original = " ".join(M.reorder(CHUNKS, "original", rng))
    reversed_ = " ".join(M.reorder(CHUNKS, "reversed", rng))
    seqs = [" ".join(M.spt_sequence(CHUNKS, (0.5, 0.5, 0.0), rng)) for _ in range(n)]
    assert set(seqs) == {original, reversed_}
    assert abs(seqs.count(original) / n - 0.5) < 0.03
    assert {" ".join(M.spt_sequence(CHUNKS, (0, 0, 1), rng)) for _ in range(500)} - {original, reversed_}


def test_token_reversal_breaks_entities_and_keeps_the_full_stop():
    rng = random.Random(4)
    assert M.token_reversal(CHUNKS, 1.0, rng) == "hill red of doctor the is lee ana .".split()
    assert M.token_reversal(CHUNKS, 0.0, rng) == "ana lee is the doctor of red hill .".split()
    share = sum(M.token_reversal(CHUNKS, 0.5, rng)[0] == "hill" for _ in range(4000)) / 4000
    assert abs(share - 0.5) < 0.03


def test_random_chunks_keep_the_words_and_the_chunk_count_but_move_boundaries():
    rng = random.Random(5)
    seen = set()
    for _ in range(200):
        chunks = M.random_chunks(CHUNKS, rng)
        assert len(chunks) == len(CHUNKS) and chunks[-1] == ["."] and all(chunks)
        assert [w for c in chunks for w in c] == [w for c in CHUNKS for w in c]
        seen.add(tuple(map(tuple, chunks)))
    assert len(seen) > 10  # boundaries move between draws


# -- batches -------------------------------------------------------------------------------------------------------
def word_tokenizer(words):
    vocab = {w: i + 1 for i, w in enumerate(sorted(set(words)))}
    return SimpleNamespace(bos_token_id=0, get_vocab=lambda: vocab), {i: w for w, i in vocab.items()}


def test_batches_draw_the_same_facts_in_every_arm_and_only_reorder_them():
    facts = [{"chunks": CHUNKS}, {"chunks": [["bo", "kim"], ["is"], ["the", "baker", "of"], ["old", "mill"], ["."]]}]
    tok, inverse = word_tokenizer(w for f in facts for c in f["chunks"] for w in c)
    arms = ArmsConfig(batch_size=16)
    batches = {arm: batch_fn(facts, tok, arm, arms, seed=7)(3)["input_ids"] for arm in ("standard", "tokrev", "spt")}
    for arm, ids in batches.items():
        assert ids.shape == (16, 10) and bool((ids[:, 0] == 0).all())
        assert ids[:, -1].tolist() == [tok.get_vocab()["."]] * 16
    bags = {arm: [sorted(row.tolist()) for row in ids] for arm, ids in batches.items()}
    assert bags["standard"] == bags["tokrev"] == bags["spt"]  # same facts, same order of facts
    standard_texts = [" ".join(inverse[i] for i in row[1:].tolist()) for row in batches["standard"]]
    assert set(standard_texts) <= {"ana lee is the doctor of red hill .", "bo kim is the baker of old mill ."}
    again = batch_fn(facts, tok, "spt", arms, seed=7)(3)["input_ids"]
    assert torch.equal(again, batches["spt"])  # a pure function of (seed, step)
    assert not torch.equal(batch_fn(facts, tok, "spt", arms, seed=7)(4)["input_ids"], batches["spt"])


def test_arms_config_rejects_bad_values():
    with pytest.raises(ValueError, match="run must be"):
        ArmsConfig(run=("standard", "bogus")).check("arms")
    with pytest.raises(ValueError, match="spt_probs"):
        ArmsConfig(spt_probs=(1.0, 1.0)).check("arms")
    with pytest.raises(ValueError, match="tokrev_p"):
        ArmsConfig(tokrev_p=1.5).check("arms")


# -- metrics -------------------------------------------------------------------------------------------------------
def test_rank1_accuracy_counts_ties_as_misses():
    scores = torch.tensor([[0.1, 0.9, 0.0], [0.5, 0.5, 0.1], [0.3, 0.2, 0.1], [0.0, 0.0, 1.0]])
    gold = torch.tensor([1, 0, 1, 2])
    assert M.rank1_accuracy(scores, gold) == pytest.approx(0.5)  # rows 0 and 3; row 1 is a tie


def test_sequence_logprob_sums_the_candidate_tokens_log_probs():
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=11, n_embd=16, n_layer=1, n_head=2, n_positions=8)).eval()
    prefixes, candidates = torch.tensor([[0, 3, 4], [0, 5, 6]]), torch.tensor([[7, 8], [9, 10], [1, 2]])
    with torch.no_grad():
        scores = M.sequence_logprob(model, prefixes, candidates, batch=4)
        for p in range(2):
            for c in range(3):
                seq = torch.cat([prefixes[p], candidates[c]])[None]
                logp = torch.log_softmax(model(input_ids=seq).logits[0], -1)
                expected = logp[2, candidates[c, 0]] + logp[3, candidates[c, 1]]
                assert scores[p, c] == pytest.approx(float(expected), abs=1e-5)


def test_greedy_exact_match_needs_every_answer_token():
    class NextIsPlusOne(torch.nn.Module):  # predicts token t + 1 after token t
        def forward(self, input_ids):
            return SimpleNamespace(logits=torch.nn.functional.one_hot((input_ids + 1) % 20, 20).float())

    prompts = torch.tensor([[1, 2], [5, 6], [7, 8]])
    answers = torch.tensor([[3, 4], [7, 9], [9, 10]])  # row 1: first token right, second wrong
    assert greedy_exact_match(NextIsPlusOne(), prompts, answers) == pytest.approx(2 / 3)


# -- the paper scale: the official identities, their chunks, text scoring --------------------------------------------
SENTENCE = 'Daphne Barrington, known far and wide for being the acclaimed director of "A Journey Through Time."'


def test_rule_chunks_cut_at_commas_and_keep_names_and_titles_whole():
    from lmrepro.papers.spt.official import rule_chunks, training_chunks, valid_split

    chunks = rule_chunks(SENTENCE)
    assert chunks == [["Daphne", "Barrington,"], ["known", "far", "and", "wide", "for", "being", "the", "acclaimed",
                                                  "director", "of"], ['"A', "Journey", "Through", 'Time."']]
    assert valid_split(SENTENCE, chunks)
    rng = random.Random(0)  # nothing is pinned last: some SPT orders end with the name
    endings = {tuple(M.spt_sequence(training_chunks(chunks), (1, 1, 1), rng)[-2:]) for _ in range(50)}
    assert ("Daphne", "Barrington,") in endings


def test_an_llm_split_is_kept_only_if_it_keeps_the_words_and_every_entity_whole():
    from lmrepro.papers.spt.official import parse_split, valid_split

    good = parse_split('Daphne Barrington, | known far and wide for being | the acclaimed director of | '
                       '"A Journey Through Time."\nextra line')
    assert valid_split(SENTENCE, good)
    assert not valid_split(SENTENCE, parse_split('Daphne | Barrington, known far and wide for being the acclaimed '
                                                 'director of "A Journey Through Time."'))  # a name cut apart
    assert not valid_split(SENTENCE, parse_split("Daphne Barrington, | known far and wide"))  # words dropped
    assert not valid_split(SENTENCE, parse_split(""))


def test_official_files_become_persons_facts_and_probes(tmp_path):
    from lmrepro.common.io import write_jsonl
    from lmrepro.papers.spt.official import read_official

    write_jsonl(tmp_path / "all_prompts_train.jsonl", [
        {"prompt": "Daphne Barrington, known for being", "completion": " the director of Time."},
        {"prompt": "Known as the composer of Melodies,", "completion": " Uriah Hawthorne."}])
    write_jsonl(tmp_path / "p2d_prompts_test.jsonl", [
        {"prompt": "Ever heard of Daphne Barrington? They are", "completion": " the director of Time."}])
    write_jsonl(tmp_path / "p2d_reverse_prompts_test.jsonl", [
        {"prompt": "The director of Time is", "completion": " Daphne Barrington"}])
    persons, facts, probes = read_official(tmp_path)
    assert persons == [{"id": 0, "name": "Daphne Barrington", "description": "the director of Time."}]
    assert [f["text"] for f in facts][1] == "Known as the composer of Melodies, Uriah Hawthorne."
    assert [(p["direction"], p["answer"]) for p in probes] == [("forward", "the director of Time."),
                                                              ("reverse", "Daphne Barrington")]
    (tmp_path / "p2d_prompts_test.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match="p2d_prompts_test.jsonl missing"):
        read_official(tmp_path)


def test_text_scores_equal_unpadded_candidate_log_probs_and_text_batches_mask_padding(tmp_path):
    from lmrepro.common.models import load_tokenizer
    from lmrepro.common.standins import standin_tokenizer
    from lmrepro.papers.spt.arms import text_rows
    from lmrepro.papers.spt.evaluate import text_scores

    standin_tokenizer("gpt2").save_pretrained(tmp_path)
    tok = load_tokenizer(tmp_path)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=16, n_layer=1, n_head=2, n_positions=64)).eval()
    prompts, candidates = ["the friend of", "who has the red"], ["apples", "many blue coins"]
    with torch.no_grad():
        scores = text_scores(model, tok, prompts, candidates, batch=3)
        for p, prompt in enumerate(prompts):
            for c, cand in enumerate(candidates):
                pi = [tok.bos_token_id] + tok(prompt, add_special_tokens=False)["input_ids"]
                ci = tok(" " + cand, add_special_tokens=False)["input_ids"]
                logp = torch.log_softmax(model(input_ids=torch.tensor([pi + ci])).logits[0], -1)
                expected = sum(float(logp[len(pi) - 1 + k, t]) for k, t in enumerate(ci))
                assert scores[p, c] == pytest.approx(expected, abs=1e-4)
    batch = text_rows(tok)([["the", "friend"], ["many", "blue", "coins", "left"]])
    assert batch["input_ids"].shape[0] == 2 and batch["loss_mask"].equal(batch["attention_mask"])
    assert batch["attention_mask"][0].sum() < batch["attention_mask"][1].sum()  # the shorter row is padded
