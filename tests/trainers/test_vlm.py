"""Vision-language policies with ``tiny-vlm``: screenshots enter the prompt as images, the pixels reach the model,
sampled log-probs equal a rescoring of the sampled tokens, checkpoints reload through the local-directory path,
and ``steprl sft`` / ``steprl train`` run end to end on MockGUI screenshots."""

from __future__ import annotations

import json
import math

import pytest
import torch

from steprl_envs.agents.prompting import History, PromptBuilder, PromptIds
from steprl_envs.cli import main
from steprl_envs.registration import make
from trainers.models import load_model
from trainers.policy import Critic, Policy
from trainers.rollout import StepRow

ENV = "MockGUI-v0"


@pytest.fixture(scope="module")
def vlm():
    model, processor = load_model("tiny-vlm", ENV, seed=0)
    return model.eval(), processor


@pytest.fixture(scope="module")
def screens():
    """The first two observations of two MockGUI episodes (a click in between)."""
    env = make(ENV)
    try:
        out = []
        for seed in (0, 1):
            first, _ = env.reset(seed=seed)
            second, *_ = env.step("pyautogui.click(640, 360)")
            out.append((first, second))
        return out
    finally:
        env.close()


def _builder(processor, **kw):
    return PromptBuilder(processor, gui_observation="screenshot", action_mode="pyautogui", **kw)


def _image_tokens(processor, ids):
    return sum(int(i) == processor.image_token_id for i in ids)


def test_screenshot_becomes_image_tokens(vlm, screens):
    model, processor = vlm
    first, second = screens[0]
    builder = _builder(processor, history_images=1)
    history = History()
    p0 = builder.build(first["instruction"], first, history)
    assert isinstance(p0, PromptIds) and len(p0.images) == 1 and p0.images[0] is first["screenshot"]
    assert _image_tokens(processor, p0) == 15  # 1280x720 within 16 merged 28x28 patches
    assert "pixels" not in processor.tokenizer.decode(p0)
    history.add("pyautogui.click(640, 360)", builder.history_text(second))
    p1 = builder.build(first["instruction"], second, history)
    assert [id(im) for im in p1.images] == [id(first["screenshot"]), id(second["screenshot"])]
    assert _image_tokens(processor, p1) == 30
    assert "Previous screenshots:" in processor.tokenizer.decode(p1)
    assert builder.build(first["instruction"], second, history) == p1  # rebuilding a step is idempotent
    # STEP's default: the current screenshot only; the row exposes what its prompt carries.
    p1_only = _builder(processor).build(first["instruction"], second, history)
    assert len(p1_only.images) == 1 and _image_tokens(processor, p1_only) == 15
    row = StepRow(0, "t", 1, p1_only, [1], [0.0], "", "", False, "k")
    assert row.images == (second["screenshot"],)
    # An a11y prompt of the same model has no images; a text model's screenshot prompt describes the screen.
    assert _builder(processor).processor is not None
    a11y = PromptBuilder(processor, gui_observation="a11y", action_mode="pyautogui")
    both = {**second, "a11y_tree": "<desktop/>"}
    assert a11y.build("x", both, History()).images == ()


def test_a_long_prompt_is_cut_around_its_images(vlm, screens):
    model, processor = vlm
    first, _ = screens[0]
    obs = {**first, "a11y_tree": "\n".join(f'<button name="Button number {k}"/>' for k in range(200))}
    full = PromptBuilder(processor, gui_observation="both", action_mode="pyautogui", max_prompt_tokens=4096)
    assert len(full.build(first["instruction"], obs, History())) > 200
    cut = PromptBuilder(processor, gui_observation="both", action_mode="pyautogui", max_prompt_tokens=60)
    prompt = cut.build(first["instruction"], obs, History())
    assert len(prompt) == 60 and _image_tokens(processor, prompt) == 15
    text = processor.tokenizer.decode(prompt)
    assert text.startswith("<|im_start|>user\nTask:") and text.endswith("<|im_start|>assistant\n")
    assert "<|vision_start|>" + "<|image_pad|>" * 15 + "<|vision_end|>" in text
    with torch.no_grad():
        assert torch.isfinite(Policy(model, processor).score([prompt], [[5]]).logp).all()
    too_small = PromptBuilder(processor, gui_observation="both", action_mode="pyautogui", max_prompt_tokens=12)
    with pytest.raises(ValueError, match="history-images"):
        too_small.build(first["instruction"], obs, History())


def test_pixels_reach_the_model(vlm, screens):
    model, processor = vlm
    policy = Policy(model, processor)
    first, _ = screens[0]
    prompt = _builder(processor).build(first["instruction"], first, History())
    response = processor.tokenizer("pyautogui.click(10, 20)", add_special_tokens=False)["input_ids"]
    inverted = PromptIds(prompt, [255 - prompt.images[0]])
    other_screen = PromptIds(prompt, [screens[1][1]["screenshot"]])
    with policy.evaluating():
        base = policy.score([prompt], [response]).logp
        again = policy.score([PromptIds(prompt, prompt.images)], [response]).logp
        changed = [policy.score([p], [response]).logp for p in (inverted, other_screen)]
    assert torch.equal(base, again)
    # The pixels a prompt keeps for rescoring are what the processor makes of its images in one batch.
    from trainers.vlm import pixel_inputs

    cached = pixel_inputs(processor, [prompt, inverted], "cpu")
    direct = processor.image_processor(images=[*prompt.images, *inverted.images], return_tensors="pt")
    assert prompt.derived and torch.equal(cached["pixel_values"], direct["pixel_values"])
    assert torch.equal(cached["image_grid_thw"], direct["image_grid_thw"])
    for logp in changed:
        assert (logp - base).abs().max() > 1e-3


def test_scoring_matches_the_model_own_positions(vlm, screens):
    """The policy's scoring equals the model called as its processor prepares it (no position ids: Qwen2-VL places
    the image tokens with its multimodal rotary positions), so 1-D positions would show here."""
    model, processor = vlm
    first, _ = screens[0]
    builder = _builder(processor)
    prompt = builder.build(first["instruction"], first, History())
    text = builder.text(first["instruction"], first, History()).split("\x00image\x00")
    content = [{"type": "text", "text": text[0]}, {"type": "image"}, {"type": "text", "text": text[1]}]
    rendered = processor.apply_chat_template(
        [{"role": "user", "content": content}], add_generation_prompt=True, tokenize=False
    )
    inputs = processor(text=[rendered], images=[list(prompt.images)], return_tensors="pt")
    assert inputs["input_ids"][0].tolist() == list(prompt)
    with torch.no_grad():
        expected = torch.log_softmax(model(**inputs).logits[0, -1].float(), -1)
        got = Policy(model, processor).score([prompt], [[7]]).logp[0, 0]
    assert torch.allclose(got, expected[7], atol=1e-5)


def test_sampled_logprobs_equal_rescoring(vlm, screens):
    """Left-padded cached sampling (model-computed multimodal positions, then the model's rope deltas) and a
    right-padded rescoring give the same log-probs; prompts of different lengths and image counts share a batch."""
    model, processor = vlm
    policy = Policy(model, processor)
    builder = _builder(processor, history_images=1)
    prompts = []
    for first, second in screens:
        history = History()
        prompts.append(builder.build(first["instruction"], first, history))
        history.add("pyautogui.click(640, 360)", "")
        prompts.append(builder.build(first["instruction"], second, history))
    assert len({len(p) for p in prompts}) > 1 and {len(p.images) for p in prompts} == {1, 2}
    streams = [torch.Generator().manual_seed(k) for k in range(len(prompts))]
    gens = policy.generate(prompts, 12, temperature=0.7, generators=streams)
    with policy.evaluating():
        scores = policy.score(prompts, [g.response_ids for g in gens], temperature=0.7)
    for i, g in enumerate(gens):
        assert len(g.response_ids) > 0
        sampled = torch.tensor(g.logprobs)
        assert torch.allclose(sampled, scores.logp[i, : len(g.response_ids)], atol=1e-4), i
    # Without images (an a11y prompt) the same model takes explicit 1-D positions for its left padding.
    a11y = PromptBuilder(processor, gui_observation="a11y", action_mode="pyautogui")
    texts = [a11y.build(f["instruction"], s, History()) for f, s in screens] + [[5, 6, 7]]
    assert all(not getattr(p, "images", ()) for p in texts) and len({len(p) for p in texts}) > 1
    gens = policy.generate(texts, 8, generators=[torch.Generator().manual_seed(k) for k in range(len(texts))])
    with policy.evaluating():
        scores = policy.score(texts, [g.response_ids for g in gens])
    for i, g in enumerate(gens):
        assert torch.allclose(torch.tensor(g.logprobs), scores.logp[i, : len(g.response_ids)], atol=1e-4), i


def test_critic_values_see_the_screenshot(vlm, screens):
    model, processor = vlm
    critic = Critic(model)
    torch.nn.init.normal_(critic.head.weight)
    policy = Policy(model, processor, critic=critic)
    first, _ = screens[0]
    prompt = _builder(processor).build(first["instruction"], first, History())
    with policy.evaluating():
        v = policy.values([prompt, PromptIds(prompt, [255 - prompt.images[0]])], [[5, 6], [5, 6]], "step")
    assert v.shape == (2,) and torch.isfinite(v).all() and v[0] != v[1]


def test_checkpoint_reloads_through_local_directory(vlm, screens, tmp_path):
    model, processor = vlm
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    loaded, loaded_processor = load_model(str(tmp_path), "unused")
    assert type(loaded).__name__ == "Qwen2VLForConditionalGeneration"
    assert loaded_processor.image_processor.size == processor.image_processor.size
    first, _ = screens[0]
    prompt = _builder(processor).build(first["instruction"], first, History())
    assert _builder(loaded_processor).build(first["instruction"], first, History()) == prompt
    response = [5, 6, 7]
    with torch.no_grad():
        a = Policy(model, processor).score([prompt], [response]).logp
        b = Policy(loaded.eval(), loaded_processor).score([prompt], [response]).logp
    assert torch.allclose(a, b, atol=1e-6)


SMALL = ["--env", ENV, "--model", "tiny-vlm", "--gui-observation", "screenshot", "--max-env-steps", "3"]
SMALL += ["--pool-size", "4", "--max-new-tokens", "8", "--task-limit", "4"]


def test_sft_cli_runs_on_screenshots(tmp_path):
    out = tmp_path / "sft"
    args = ["sft", *SMALL, "--out", str(out), "--sft-tasks", "3", "--sft-epochs", "2", "--eval-tasks", "2"]
    assert main(args) == 0
    report = json.loads((out / "sft_metrics.json").read_text())
    assert report["steps"] > 0 and len(report["epoch_loss"]) == 2
    assert all(math.isfinite(x) for x in report["epoch_loss"])
    assert report["epoch_loss"][1] < report["epoch_loss"][0]  # the images do not stop the fit
    model, processor = load_model(str(out), "unused")
    assert type(model).__name__ == "Qwen2VLForConditionalGeneration" and processor.image_processor is not None


def test_train_step_cli_runs_on_screenshots(tmp_path):
    """``--sr-adv false`` gives every trajectory's steps to the update, so it runs without a success; the
    reference model rescored the same screenshots (kl is a number)."""
    out = tmp_path / "train"
    args = ["train", "--algo", "step", *SMALL, "--out", str(out), "--iterations", "2", "--batch-tasks", "2"]
    assert main([*args, "--group-size", "2", "--sr-adv", "false"]) == 0
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [m["iteration"] for m in lines] == [1, 2]
    for m in lines:
        assert m["env_steps"] > 0 and m["samples"] > 0 and m["optimizer_steps"] > 0
        assert m["loss"] is not None and math.isfinite(m["loss"]) and m["kl"] is not None
    ckpt = out / "checkpoints" / "latest"  # a link to the newest checkpoint
    model, processor = load_model(str(ckpt), "unused")
    assert type(model).__name__ == "Qwen2VLForConditionalGeneration"
    assert json.loads((ckpt / "trainer_state.json").read_text())["config"]["gui_observation"] == "screenshot"


def _qwen2_5_vl(processor):
    """A tiny Qwen2.5-VL sharing tiny-vlm's processor (the same image processor and vision tokens)."""
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

    tok = processor.tokenizer
    ids = {t: tok.convert_tokens_to_ids(t) for t in ("<|image_pad|>", "<|video_pad|>", "<|vision_start|>")}
    config = Qwen2_5_VLConfig(
        text_config={
            "vocab_size": len(tok),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]},
            "pad_token_id": tok.pad_token_id,
            "eos_token_id": tok.eos_token_id,
        },
        vision_config={
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 2,
            "out_hidden_size": 64,
            "window_size": 56,
            "fullatt_block_indexes": [1],
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
    )
    torch.manual_seed(0)
    return Qwen2_5_VLForConditionalGeneration(config), processor


def _idefics3(_):
    """A tiny Idefics3 (SmolVLM's architecture) with its own processor: 64x64 images of 4 tokens, no splitting."""
    from transformers import Idefics3Config, Idefics3ForConditionalGeneration, Idefics3Processor
    from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil

    from trainers.models import train_tokenizer

    tok = train_tokenizer("Task: Observation: Screenshot: Action:")
    tags = [f"<row_{i + 1}_col_{j + 1}>" for i in range(6) for j in range(6)]
    special = ["<fake_token_around_image>", "<image>", "<end_of_utterance>", "<global-img>", *tags]
    tok.add_special_tokens({"additional_special_tokens": special})
    template = (
        "{% for m in messages %}User:{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>{% else %}"
        "{{ c['text'] }}{% endif %}{% endfor %}<end_of_utterance>\n{% endfor %}"
        "{% if add_generation_prompt %}Assistant:{% endif %}"
    )
    images = Idefics3ImageProcessorPil(
        do_image_splitting=False, size={"longest_edge": 64}, max_image_size={"longest_edge": 64}
    )
    processor = Idefics3Processor(image_processor=images, tokenizer=tok, image_seq_len=4, chat_template=template)
    config = Idefics3Config(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "image_size": 64,
            "patch_size": 16,
        },
        text_config={
            "model_type": "llama",
            "vocab_size": len(tok),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 4,
            "pad_token_id": tok.pad_token_id,
            "eos_token_id": tok.eos_token_id,
        },
        image_token_id=processor.image_token_id,
        scale_factor=2,
    )
    torch.manual_seed(0)
    return Idefics3ForConditionalGeneration(config), processor


@pytest.mark.parametrize(
    ("build", "kind"),
    [(_qwen2_5_vl, "Qwen2_5_VLForConditionalGeneration"), (_idefics3, "Idefics3ForConditionalGeneration")],
    ids=["qwen2_5_vl", "idefics3"],
)
def test_other_vlm_families_from_a_local_directory(build, kind, vlm, screens, tmp_path):
    """Qwen2.5-VL (multimodal positions, like UI-TARS-1.5) and Idefics3 (1-D positions, SmolVLM's architecture)
    load through the local-directory path and sample what they rescore, with the pixels reaching the model."""
    model, processor = build(vlm[1])
    model.save_pretrained(tmp_path)
    processor.save_pretrained(tmp_path)
    model, processor = load_model(str(tmp_path), "unused")
    assert type(model).__name__ == kind
    policy = Policy(model.eval(), processor)
    builder = _builder(processor, history_images=1)
    first, second = screens[0]
    history = History()
    prompts = [builder.build(first["instruction"], first, history)]
    history.add("WAIT", "")
    prompts.append(builder.build(first["instruction"], second, history))
    gens = policy.generate(prompts, 8, generators=[torch.Generator().manual_seed(k) for k in range(2)])
    with policy.evaluating():
        scores = policy.score(prompts, [g.response_ids for g in gens])
        inverted = policy.score([PromptIds(prompts[0], [255 - prompts[0].images[0]])], [gens[0].response_ids])
    for i, g in enumerate(gens):
        assert torch.allclose(torch.tensor(g.logprobs), scores.logp[i, : len(g.response_ids)], atol=1e-4)
    n = len(gens[0].response_ids)
    assert (inverted.logp[0, :n] - scores.logp[0, :n]).abs().max() > 1e-4
