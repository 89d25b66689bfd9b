"""rth: the action tokenizer (against openvla's ActionTokenizer on identical arrays), the token formats of every
policy, constrained greedy decoding (KV cache vs full recompute), the intervention interface, the oracle's
corrections and budget in rollouts, the offline metrics (against scikit-learn) and the config checks.
The motion labeler's acceptance test (forward, then close gripper) is in tests/test_worlds_motion.py."""
import numpy as np
import pytest
import torch
from sklearn.metrics import mean_squared_error

from lmrepro.common.models import build_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.rth.eval_offline import action_metrics
from lmrepro.papers.rth.params import CorrectionConfig, FinetuneConfig, RunConfig
from lmrepro.papers.rth.policy import act, deviates, examples, greedy_slots, rollout
from lmrepro.papers.rth.tokens import (ALL_MOTIONS, Q_HIGH, Q_LOW, Codec, bin_centre, bin_index,
                                       denormalise_actions, normalise_actions, relative_bin, vocabulary)
from lmrepro.worlds import motion as M

WORLD_CFG = M.MotionWorldConfig(n_tasks=4, template_counts=(1, 1, 1, 1), horizon=40)


class OpenVLAActionTokenizer:
    """openvla/openvla prismatic/vla/action_tokenizer.py (ActionTokenizer), restated without the LLM tokenizer:
    `bins` edges over [min, max], np.digitize, token = vocab_size - bin; decoding clips (token index - 1) to the
    bin centres."""

    def __init__(self, bins, min_action=-1.0, max_action=1.0, vocab_size=1000):
        self.n_bins, self.min_action, self.max_action, self.vocab_size = bins, min_action, max_action, vocab_size
        self.bins = np.linspace(min_action, max_action, self.n_bins)
        self.bin_centers = (self.bins[:-1] + self.bins[1:]) / 2.0

    def encode(self, action):
        return self.vocab_size - np.digitize(np.clip(action, self.min_action, self.max_action), self.bins)

    def decode(self, token_ids):
        discretized = self.vocab_size - token_ids
        return self.bin_centers[np.clip(discretized - 1, 0, self.bin_centers.shape[0] - 1)]


def test_action_bins_match_openvla_action_tokenizer_on_identical_arrays():
    rng = np.random.default_rng(0)
    actions = np.concatenate([rng.uniform(-1.3, 1.3, 4000), [-1.0, 1.0, 0.0, -0.999, 0.999]])
    ref = OpenVLAActionTokenizer(bins=17)  # 17 edges = our 16 uniform bins over [-1, 1]
    ours = bin_index(actions, 16)
    assert np.array_equal(np.clip(ref.vocab_size - ref.encode(actions) - 1, 0, 15), ours)
    assert np.allclose(ref.decode(ref.encode(actions)), bin_centre(ours, 16))


def test_action_normalisation_round_trips():
    raw = np.array([[0.05, -0.05, 0.01, 1.0], [0.0, 0.02, -0.03, 0.0]])
    norm = normalise_actions(raw, 0.05)
    assert np.allclose(norm[0], [1.0, -1.0, 0.2, 1.0]) and np.allclose(norm[1, 3], -1.0)
    assert np.allclose(denormalise_actions(norm, 0.05), raw)


@pytest.fixture(scope="module")
def setup():
    world = M.make_world(WORLD_CFG, 0)
    names = [t.name for t in world.tasks]
    words = vocabulary(names, 32, 16)
    assert len(set(words)) == len(words)
    tok = build_word_tokenizer(words)
    codec = Codec(tok, names, WORLD_CFG.max_objects, 32, 16)
    torch.manual_seed(0)
    model = build_model({"family": "gpt2", "n_embd": 16, "n_layer": 1, "n_head": 2, "n_positions": 32},
                        tokenizer=tok).eval()
    return world, codec, model


def test_prefix_has_a_fixed_length_and_pads_missing_objects(setup):
    world, codec, _ = setup
    three = M.Scene([0.0, 0.5, 1.0], True, ["red_cube", "red_ball", "blue_ball"], [[0.1, 0.2, 0.0]] * 3)
    four = M.Scene([0.0, 0.5, 1.0], False, ["red_cube", "red_ball", "blue_ball", "green_cube"], [[0.1, 0.2, 0]] * 4)
    p3, p4 = codec.prefix(three, 1), codec.prefix(four, 1)
    assert len(p3) == len(p4) == 1 + 4 + 3 * len(M.object_types())
    words = codec.tok.convert_ids_to_tokens(p3)
    assert words[:5] == [world.tasks[1].name, "p0", "p16", "p31", "gripper-closed"]
    # one slot per type in object_types() order; offsets from the gripper (r10: |offset| < 0.01):
    # dx = +0.1 -> r15, dy = -0.3 -> r2, dz = -1.0 -> r0
    assert M.object_types() == ["red_cube", "red_ball", "blue_cube", "blue_ball", "green_cube", "green_ball"]
    assert words[5:8] == ["r15", "r2", "r0"] and words[11:14] == ["no-object"] * 3
    assert codec.tok.convert_ids_to_tokens(p4)[17:20] == ["r15", "r2", "r0"] and words[-3:] == ["no-object"] * 3


def test_relative_bins_are_symmetric_and_fine_near_zero():
    assert [relative_bin(v) for v in (0.0, 0.009, -0.009, 0.011, -0.011, 0.03, 0.7, -0.7)] == \
        [10, 10, 10, 11, 9, 12, 20, 0]


def test_each_policy_asks_its_queries_and_supervises_only_completions(setup):
    _, codec, _ = setup
    prefix, motion, action = [5, 6, 7], (1, 0, -1, 0), np.array([0.0, 1.0, -1.0, 0.5])
    rth = examples(codec, "rth", prefix, motion, action)
    assert [p[-1] for p, _ in rth] == [codec.query[Q_HIGH], codec.motion_tokens(motion)[-1]]
    assert rth[1][0] == prefix + [codec.query[Q_LOW], *codec.motion_tokens(motion)]  # low level sees the motion
    assert rth[0][1] == codec.motion_tokens(motion) and rth[1][1] == codec.action_tokens(action)
    assert len(examples(codec, "flat", prefix, motion, action)) == 1
    joint = examples(codec, "rth_joint", prefix, motion, action)
    assert len(joint) == 1 and joint[0][1] == codec.motion_tokens(motion) + codec.action_tokens(action)
    onehot = examples(codec, "rth_onehot", prefix, motion, action)
    assert onehot[0][1] == [codec.motion_id_token(motion)] and codec.motion_from_id_token(onehot[0][1][0]) == motion
    assert codec.motion_from_tokens(codec.motion_tokens(motion)) == motion
    batch = completion_batch(rth, codec.tok.pad_token_id)
    assert batch["loss_mask"].sum(-1).tolist() == [4, 4]
    with pytest.raises(ValueError, match="unknown policy"):
        examples(codec, "rt3", prefix, motion, action)


def test_greedy_slots_obey_the_allowed_sets_and_equal_full_recompute(setup):
    _, codec, model = setup
    rng = np.random.default_rng(0)
    prompts = rng.integers(0, len(codec.tok), (6, 10)).tolist()
    allowed = codec.slot_ids + [codec.action_ids] * 2
    out = greedy_slots(model, prompts, allowed, chunk=4)
    for k, ids in enumerate(allowed):
        assert set(out[:, k].tolist()) <= set(ids)
    with torch.no_grad():  # the same tokens without the KV cache
        seqs = torch.tensor(prompts)
        for ids in allowed:
            mask = torch.full((model.config.vocab_size,), float("-inf"))
            mask[ids] = 0
            nxt = (model(input_ids=seqs).logits[:, -1] + mask).argmax(-1)
            seqs = torch.cat([seqs, nxt[:, None]], 1)
    assert torch.equal(seqs[:, 10:], out)


def test_a_given_motion_replaces_the_high_level(setup):
    world, codec, model = setup
    scenes = [s for _, s in M.start_scenes(world, WORLD_CFG, 0, "eval", 4)]
    prefixes = [codec.prefix(s, k % 4) for k, s in enumerate(scenes)]
    given = [(1, 0, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)]
    actions, motions = act(model, codec, "rth", prefixes, motions=given)
    assert motions == given and actions.shape == (4, 4) and np.all(np.abs(actions) <= 1)
    _, predicted = act(model, codec, "rth", prefixes)
    assert len(predicted) == 4 and all(m in ALL_MOTIONS for m in predicted)
    assert act(model, codec, "flat", prefixes)[1] is None


def test_deviation_rule():
    expert = [0.05, 0.0, 0.0, 0.0]
    assert not deviates(np.array([0.04, 0.01, 0.0, 0.2]), expert, 0.025)
    assert deviates(np.array([0.0, 0.0, 0.0, 0.0]), expert, 0.025)   # 0.05 off in x
    assert deviates(np.array([0.05, 0.0, 0.0, 0.9]), expert, 0.025)  # closes when the expert does not


def test_teleop_oracle_correcting_every_step_solves_every_task(setup):
    world, codec, model = setup
    scenes = M.start_scenes(world, WORLD_CFG, 1, "eval", 8)
    full = rollout(model, codec, "flat", world, WORLD_CFG, scenes, oracle="teleop", deviation=1e-9, span=1)
    assert all(full["success"]) and full["corrected_steps"] == sum(full["steps"])
    assert all("action" in r and "state" in r for r in full["corrections"])
    capped = rollout(model, codec, "flat", world, WORLD_CFG, M.start_scenes(world, WORLD_CFG, 1, "eval", 8),
                     oracle="teleop", deviation=1e-9, span=5, max_corrected=7)
    assert capped["corrected_steps"] == 7


def test_language_oracle_logs_the_expert_motion_and_the_low_level_acts_on_it(setup):
    world, codec, model = setup
    scenes = M.start_scenes(world, WORLD_CFG, 2, "eval", 4)
    start = [M.state_record(s) for _, s in scenes]
    result = rollout(model, codec, "rth", world, WORLD_CFG, scenes, oracle="lang", deviation=1e-9, span=5,
                     max_corrected=4)
    rows = result["corrections"]  # every episode deviates at its first step: four corrections, all at step 0
    assert result["corrected_steps"] == 4 and sorted(r["episode"] for r in rows) == [0, 1, 2, 3]
    for row in rows:
        assert row["state"] == start[row["episode"]]
        scene = M.scene_from_record(row["state"])
        assert tuple(row["motion"]) == M.expert_motion(scene, world.tasks[row["task"]], WORLD_CFG)
    with pytest.raises(ValueError, match="motion query"):
        rollout(model, codec, "flat", world, WORLD_CFG, scenes, oracle="lang")


def test_offline_metrics_match_sklearn():
    rng = np.random.default_rng(1)
    pred, true = rng.uniform(-1, 1, (50, 4)), rng.uniform(-1, 1, (50, 4))
    got = action_metrics(pred, true, 16)
    assert got["mse"] == pytest.approx(mean_squared_error(true.ravel(), pred.ravel()))
    assert got["token_acc"] == pytest.approx(np.mean(bin_index(pred, 16) == bin_index(true, 16)))
    assert action_metrics(true, true, 16)["token_acc"] == 1.0


def test_config_checks():
    with pytest.raises(ValueError, match="policy"):
        RunConfig(policy="rt2").check("run")
    with pytest.raises(ValueError, match="correction_share"):
        FinetuneConfig(correction_share=1.0).check("finetune")
    with pytest.raises(ValueError):
        CorrectionConfig(span=0).check("corrections")
