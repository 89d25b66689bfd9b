"""worlds.prior_counting: the skewed number prior, exact counts in counting items, control answers, the closed
vocabulary, config checks and determinism."""
import random

import pytest

from lmrepro.worlds import prior_counting as world
from lmrepro.worlds.prior_counting import PriorCountingWorldConfig


def test_number_prior_is_normalised_and_boosted():
    cfg = PriorCountingWorldConfig()
    p = world.number_prior(cfg)
    assert len(p) == 16 and sum(p) == pytest.approx(1.0)
    # 1/N weights: p(2) / p(4) = 2; boosted numbers carry 8 x their 1/N weight
    assert p[1] / p[3] == pytest.approx(2.0)
    assert p[7] / p[6] == pytest.approx(8 * 7 / 8)
    assert p[9] / p[8] == pytest.approx(8 * 9 / 10)
    unboosted = [p[n - 1] for n in range(1, 17) if n not in cfg.high_prior]
    assert unboosted == sorted(unboosted, reverse=True)


def test_descriptive_numbers_follow_the_prior():
    cfg = PriorCountingWorldConfig()
    rng = random.Random(0)
    counts = {str(n): 0 for n in range(1, 17)}
    for _ in range(20000):
        tokens = world.descriptive_sentence(cfg, rng).split()
        number = tokens[3] if tokens[0] == "the" else tokens[2]
        counts[number] += 1
    for n, p in zip(range(1, 17), world.number_prior(cfg)):
        assert counts[str(n)] / 20000 == pytest.approx(p, abs=0.012)


def test_counting_item_has_exactly_n_targets():
    cfg = PriorCountingWorldConfig()
    rng = random.Random(1)
    for n in range(1, 17):
        item = world.counting_item(cfg, rng, n)
        assert len(item["items"]) == cfg.list_len
        assert item["items"].count(item["target"]) == n and item["answer"] == str(n)
    with pytest.raises(ValueError, match="outside"):
        world.counting_item(cfg, rng, 17)


def test_control_answer_is_last_word_and_vocabulary_is_closed():
    cfg = PriorCountingWorldConfig()
    rng = random.Random(2)
    vocab = set(world.vocabulary(cfg))
    assert len(vocab) == len(world.vocabulary(cfg))
    for _ in range(200):
        item = world.control_item(cfg, rng)
        assert item["answer"] == item["items"][-1]
        assert cfg.control_len[0] <= len(item["items"]) <= cfg.control_len[1]
        assert set(item["items"]) <= vocab
        assert set(world.descriptive_sentence(cfg, rng).split()) <= vocab
        assert set(world.counting_item(cfg, rng, 5)["items"]) <= vocab


def test_same_seed_same_items():
    cfg = PriorCountingWorldConfig()
    draw = lambda seed: [world.counting_item(cfg, random.Random(seed), 7) for _ in range(3)]
    assert draw(3) == draw(3) and draw(3) != draw(4)


@pytest.mark.parametrize("bad", [{"max_number": 30}, {"high_prior": [0]}, {"boost": 0.0}, {"n_nouns": 1},
                                 {"control_len": [5, 2]}, {"p_number_frame": 1.5}])
def test_config_check_rejects(bad):
    with pytest.raises(ValueError):
        PriorCountingWorldConfig(**bad).check("world")
