"""LID (Li et al. 2022): the policy input, masked mean pool and verb head (cross-checked against the official
GoalAttentionModel computation), the BC loss (against torch's cross-entropy), MLP-1 features, hindsight
relabelling, the held-out split and the world text."""
import json

import pytest
import torch

from lmrepro.common.models import build_model
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.lid import hindsight, policy as P, prep, world_text
from lmrepro.papers.lid.params import PolicyConfig
from lmrepro.worlds import babyai

OBJ = {name: i for i, name in enumerate(babyai.OBJECTS)}
COL = {name: i for i, name in enumerate(babyai.COLORS)}


def empty_view():
    return [[[OBJ["empty"], 0, 0] for _ in range(7)] for _ in range(7)]


def view_with(**cells):
    """cells: name -> (x, y, object, colour)."""
    image = empty_view()
    for x, y, obj, color in cells.values():
        image[x][y] = [OBJ[obj], COL[color], 0]
    return image


@pytest.fixture(scope="module")
def tokenizer():
    words = [w for s in world_text.world_sentences(300, 0) for w in s.split()]
    return build_word_tokenizer(words + list(prep.POLICY_WORDS) + "go pick up".split())


def tiny_policy(tokenizer, arm="lid_scratch"):
    torch.manual_seed(0)
    spec = {"family": "gpt2", "n_embd": 16, "n_layer": 2, "n_head": 2, "n_positions": 160,
            "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0}
    cfg = PolicyConfig(history=2, max_objects=8, max_len=64, head_hidden=16, mlp_hidden=8)
    return P.build_policy(arm, cfg, tokenizer, model_spec=spec), spec


def test_mission_pair_reads_colour_and_type_or_none():
    assert P.mission_pair("go to the purple key") == ("purple", "key")
    assert P.mission_pair("pick up a red ball on your left") == ("red", "ball")
    assert P.mission_pair("pick up a ball") is None
    assert P.mission_pair("go to the grey door") is None


def test_policy_text_puts_goal_first_then_last_k_actions_then_view():
    image = view_with(a=(3, 4, "ball", "red"))
    text = P.policy_text("go to a red ball", [0, 2, 2], image, k=2, max_objects=8)
    assert text == "go to the red ball | forward forward | carry nothing facing empty red ball f2 c0"
    assert P.policy_text("go to the red ball", [], image, k=2, max_objects=8).startswith("go to the red ball | none | ")


def test_view_text_lists_nearest_objects_first_with_carried_and_facing():
    front, here = (babyai.AGENT_COLUMN, babyai.AGENT_ROW - 1), (babyai.AGENT_COLUMN, babyai.AGENT_ROW)
    image = view_with(a=(0, 0, "key", "blue"), b=(*front, "box", "grey"), c=(*here, "ball", "red"),
                      d=(5, 6, "key", "green"))
    assert P.view_text(image, max_objects=8) == ("carry red ball facing grey box grey box f1 c0 green key f0 r2 "
                                                 "blue key f6 l3")
    assert P.view_text(image, max_objects=1) == "carry red ball facing grey box grey box f1 c0"
    walled = empty_view()
    walled[front[0]][front[1]] = [OBJ["wall"], 0, 0]
    assert P.view_text(walled, max_objects=8) == "carry nothing facing wall"


def test_canonical_mission_reads_a_as_the_only_at_the_article():
    assert P.canonical_mission("go to a purple key") == "go to the purple key"
    assert P.canonical_mission("pick up a ball on your left") == "pick up the ball on your left"
    assert P.canonical_mission("go to the grey box") == "go to the grey box"


def test_masked_mean_ignores_padding():
    hidden = torch.arange(24, dtype=torch.float).view(2, 3, 4)
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    expected = torch.stack([hidden[0, :2].mean(0), hidden[1, 0]])
    assert torch.allclose(P.masked_mean(hidden, mask), expected)
    changed = hidden.clone()
    changed[0, 2] = 1e6  # a padded position must not move the pool
    assert torch.allclose(P.masked_mean(changed, mask), expected)


def test_sequence_policy_matches_the_official_goal_attention_computation(tokenizer):
    """Official bc_model.py: GPT-2 on inputs_embeds with the joint mask, hidden_states[-1], masked average
    (sum / (1e-9 + mask sum)), action_decoder_hidden -> ReLU -> verb_decoder; same weights, same padded input."""
    policy, spec = tiny_policy(tokenizer)
    reference = build_model(spec, tokenizer=tokenizer)
    reference.transformer.load_state_dict(policy.backbone.state_dict())
    examples = [{"mission": "go to the red ball", "history": [0, 2], "image": view_with(a=(3, 4, "ball", "red"))},
                {"mission": "pick up the blue key", "history": [],
                 "image": view_with(a=(1, 2, "key", "blue"), b=(5, 5, "box", "grey"))}]
    batch = policy.featurize(examples)
    assert batch["attention_mask"][0].sum() < batch["attention_mask"][1].sum()  # row 0 is padded
    policy.eval(), reference.eval()
    with torch.no_grad():
        ours = policy(**batch)
        embeds = reference.transformer.wte(batch["input_ids"])
        hidden = reference(inputs_embeds=embeds, attention_mask=batch["attention_mask"],
                           output_hidden_states=True).hidden_states[-1]
        mask = batch["attention_mask"].unsqueeze(-1)
        context = (hidden * mask).sum(1) / (1e-9 + mask.sum(1))
        verb = policy.head[2](torch.relu(policy.head[0](context)))
    assert ours.shape == (2, len(babyai.ACTIONS))
    assert (ours - verb).abs().max() < 1e-5


def test_bc_loss_is_torch_cross_entropy(tokenizer):
    policy, _ = tiny_policy(tokenizer)
    examples = [{"mission": "go to the red ball", "history": [1], "image": empty_view(), "action": 2},
                {"mission": "go to the red ball", "history": [], "image": view_with(a=(3, 5, "ball", "red")),
                 "action": 6}]
    batch = P.bc_rows(policy, examples)
    loss, logs = P.bc_loss(policy, batch)
    logits = policy(batch["input_ids"], batch["attention_mask"])
    assert torch.allclose(loss, torch.nn.CrossEntropyLoss()(logits, torch.tensor([2, 6])))
    assert 0.0 <= float(logs["acc"]) <= 1.0


def test_mlp_features_are_bag_of_words_and_one_hot_cells(tokenizer):
    image = view_with(a=(0, 0, "key", "yellow"))
    feats = P.mlp_features(tokenizer, "go to the red ball", image)
    n_vocab = len(tokenizer)
    words = feats[:n_vocab]
    assert words.sum() == 5 and words[tokenizer.convert_tokens_to_ids("red")] == 1
    grid = feats[n_vocab:].view(49, sum(P.GRID_CHANNELS))
    assert torch.all(grid.sum(1) == 3)  # one object, one colour, one state per cell
    n_obj, n_col, _ = P.GRID_CHANNELS
    assert grid[0, OBJ["key"]] == 1 and grid[0, n_obj + COL["yellow"]] == 1
    assert grid[1, OBJ["empty"]] == 1


def test_policies_survive_a_save_and_load(tokenizer, tmp_path):
    examples = [{"mission": "go to the red ball", "history": [0], "image": view_with(a=(3, 4, "ball", "red"))}]
    for arm in ("lid_scratch", "mlp1"):
        policy, _ = tiny_policy(tokenizer, arm)
        P.save_policy(policy, tmp_path / arm)
        again = P.load_policy(tmp_path / arm)
        policy.eval(), again.eval()
        with torch.no_grad():
            assert torch.allclose(policy(**policy.featurize(examples)), again(**again.featurize(examples)))
        assert not list((tmp_path / arm).rglob("*.pt")) and list((tmp_path / arm).rglob("*.safetensors"))
    with pytest.raises(FileNotFoundError, match="not a saved LID policy"):
        P.load_policy(tmp_path)


def test_unknown_arm_and_missing_lm_are_clear_errors(tokenizer):
    cfg = PolicyConfig()
    with pytest.raises(ValueError, match="unknown policy arm"):
        P.build_policy("lstm", cfg, tokenizer)
    with pytest.raises(ValueError, match="needs the pre-trained LM"):
        P.build_policy("lid_pre", cfg, tokenizer)


def test_greedy_actor_takes_the_argmax_and_epsilon_one_is_uniform(tokenizer):
    policy, _ = tiny_policy(tokenizer)
    records = [{"history": [], "image": empty_view()} for _ in range(200)]
    missions = ["go to the red ball"] * 200
    greedy = P.actor(policy, greedy=True)(records, missions)
    assert len(set(greedy)) == 1
    noisy = P.actor(policy, greedy=True, epsilon=1.0, seed=3)(records, missions)
    assert set(noisy) == set(range(len(babyai.ACTIONS)))
    assert noisy == P.actor(policy, greedy=True, epsilon=1.0, seed=3)(records, missions)


def episode(views, actions):
    return {"seed": 7, "mission": "go to the green box", "reward": 0.0,
            "steps": [{"image": v, "direction": 0, "action": a} for v, a in zip(views[:-1], actions)],
            "final": {"image": views[-1], "direction": 0, "action": None}}


def test_hindsight_finds_faced_and_carried_objects_at_their_first_time():
    front = (babyai.AGENT_COLUMN, babyai.AGENT_ROW - 1)
    here = (babyai.AGENT_COLUMN, babyai.AGENT_ROW)
    views = [view_with(a=(*front, "key", "blue")),          # faced already at t=0: not an achievement
             empty_view(),
             view_with(a=(*front, "ball", "red")),          # t=2: go to the red ball
             view_with(a=(*front, "ball", "red")),          # still facing: not new
             view_with(a=(*here, "ball", "red")),           # t=4: carrying it
             view_with(a=(*front, "key", "blue"))]          # t=5: go to the blue key
    ep = episode(views, [0, 2, 5, 3, 1])
    assert hindsight.achieved_goals(ep) == [("go to the red ball", 2), ("pick up the red ball", 4),
                                            ("go to the blue key", 5)]
    subs = hindsight.relabel(ep, heldout={("blue", "key")}, keep_last=0)
    assert [(s["mission"], [x["action"] for x in s["steps"]]) for s in subs] == [
        ("go to the red ball", [0, 2]), ("pick up the red ball", [0, 2, 5, 3])]
    assert hindsight.relabel(episode([empty_view(), view_with(a=(0, 0, "ball", "red"))], [2]), set(), keep_last=0) == []


def test_hindsight_goals_use_the_test_instruction_grammar():
    """A relabelled goal must be a mission the level itself can pose (spec pitfall)."""
    env = babyai.make_env("BabyAI-GoToLocal-v0")
    with babyai.quiet():
        missions = {env.reset(seed=s)[0]["mission"] for s in range(300)}
    front = (babyai.AGENT_COLUMN, babyai.AGENT_ROW - 1)
    ep = episode([empty_view(), view_with(a=(*front, "ball", "red"))], [2])
    (goal, _), = hindsight.achieved_goals(ep)
    assert goal in missions


def test_heldout_pairs_are_seeded_and_a_fifth_of_the_pairs():
    assert prep.heldout_pairs(0.2, 1) == prep.heldout_pairs(0.2, 1)
    assert len(prep.heldout_pairs(0.2, 1)) == 4 and prep.heldout_pairs(0.2, 1) != prep.heldout_pairs(0.2, 2)


def test_world_text_is_seeded_covers_all_pairs_and_poses_no_instruction():
    sentences = world_text.world_sentences(3000, 5)
    assert sentences == world_text.world_sentences(3000, 5)
    text = " ".join(sentences)
    assert all(f"{c} {t}" in text for c in babyai.COLORS for t in world_text.TYPES)
    assert not any(s.startswith(("go to", "pick up")) for s in sentences)


def test_policy_words_cover_every_view(tokenizer):
    unk = tokenizer.unk_token_id
    image = view_with(a=(0, 6, "ball", "red"), b=(6, 0, "box", "grey"), c=(3, 6, "key", "blue"))
    image[2][2] = [OBJ["door"], COL["yellow"], 2]
    text = P.policy_text("go to the red ball", [0, 1, 2, 3, 4, 5, 6], image, k=7, max_objects=8)
    assert unk not in tokenizer(text, add_special_tokens=False)["input_ids"]


def test_keep_last_trains_on_the_final_steps_with_the_full_history():
    front = (babyai.AGENT_COLUMN, babyai.AGENT_ROW - 1)
    views = [empty_view()] * 4 + [view_with(a=(*front, "ball", "red"))]
    (sub,) = hindsight.relabel(episode(views, [0, 1, 2, 2]), set(), keep_last=2)
    assert sub["start"] == 2 and hindsight.useful_start(4, 0) == 0 and hindsight.useful_start(1, 3) == 0
    rows = P.transitions([sub])
    assert [(r["history"], r["action"]) for r in rows] == [([0, 1], 2), ([0, 1, 2], 2)]
    assert all(r["mission"] == "go to the red ball" for r in rows)


def test_scan_finds_missions_in_seed_order_and_fails_clearly():
    env = babyai.make_env("BabyAI-GoToLocal-v0")
    seeds = prep.scan(env, 10, lambda m: "ball" in m, 3)
    assert seeds == sorted(seeds) and len(seeds) == 3 and seeds[0] >= 10
    with pytest.raises(ValueError, match="wanted missions"):
        prep.scan(env, 0, lambda m: False, 1, limit=5)
    json.dumps(seeds)
