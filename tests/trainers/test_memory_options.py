"""Memory options: LoRA trains the adapter alone and its reference is the untouched base, bfloat16 trains on CPU,
gradient checkpointing keeps the gradients, a shared critic trunk holds no second network, and a LoRA checkpoint
loads with plain ``from_pretrained``."""

from __future__ import annotations

import copy

import pytest
import torch

from trainers.config import make_config
from trainers.memory import (
    AdapterOffReference,
    add_lora,
    enable_gradient_checkpointing,
    make_critic,
    make_reference,
    merged_state_dict,
    save_policy,
    trainable_parameters,
)
from trainers.models import load_model
from trainers.policy import Critic, Policy
from trainers.update import Batch, Updater

pytest.importorskip("peft")

ENV = "steprl/Countdown-v0"


@pytest.fixture(scope="module")
def base():
    return load_model("tiny", ENV)


def batch_of(tok, n):
    prompts = [tok(f"Task: reach {i} Action: ")["input_ids"] for i in range(n)]
    responses = [tok(" tick" * (1 + i % 3))["input_ids"][: 1 + i % 3] for i in range(n)]
    old = [[-2.0] * len(r) for r in responses]
    return Batch(prompts, responses, old, torch.tensor([1.0, -1.0] * (n // 2)))


def config(**kw):
    return make_config({"algo": "grpo", "lr": 1e-2, "minibatches": 1, "lora_rank": 4, **kw})


def lora_policy(base, **kw):
    model, tok = base
    cfg = config(**kw)
    peft_model = add_lora(copy.deepcopy(model), cfg)
    # peft starts lora_B at 0 (the adapter adds nothing); a nonzero start makes the adapter-off check meaningful.
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05, generator=torch.Generator().manual_seed(1))
    return Policy(peft_model, tok), cfg


def base_weights(peft_model):
    return {n: p.detach().clone() for n, p in peft_model.named_parameters() if "lora_" not in n}


def test_lora_moves_the_adapter_and_leaves_the_base_untouched(base):
    policy, cfg = lora_policy(base, kl_coef=0.1)
    trainable = {n for n, p in policy.model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    before = base_weights(policy.model)
    adapter = {n: p.detach().clone() for n, p in policy.model.named_parameters() if "lora_" in n}
    ref = make_reference(policy.model, policy.tokenizer, cfg, None)
    assert isinstance(ref, AdapterOffReference) and ref.model is policy.model  # no second copy
    stats = Updater(policy, cfg, ref).update(batch_of(policy.tokenizer, 4))
    assert stats.steps == 1 and stats.kl > 0
    after = base_weights(policy.model)
    assert all(torch.equal(before[n], after[n]) for n in before)
    moved = [n for n, p in policy.model.named_parameters() if "lora_" in n and not torch.equal(adapter[n], p)]
    assert len(moved) == len(adapter)


def test_the_adapter_off_reference_scores_as_the_base_model(base):
    model, tok = base
    policy, cfg = lora_policy(base, kl_coef=0.1)
    batch = batch_of(tok, 4)
    plain = Policy(model, tok)
    with torch.no_grad():
        expect = plain.score(batch.prompts, batch.responses).logp
        updater = Updater(policy, cfg, make_reference(policy.model, tok, cfg, None))
        got = updater._ref_logprobs(batch)
        with_adapter = policy.score(batch.prompts, batch.responses).logp
    assert torch.allclose(got[:, : expect.shape[1]], expect, atol=1e-6)
    assert not torch.allclose(with_adapter, expect, atol=1e-3)  # the adapter does change the policy
    assert policy.model.training  # the reference pass restores the policy's mode


def test_bfloat16_runs_an_update_on_cpu():
    model, tok = load_model("tiny", ENV, dtype="bfloat16")
    assert all(p.dtype == torch.bfloat16 for p in model.parameters())
    policy = Policy(model, tok, critic=Critic(model, shared=True))
    cfg = make_config({"algo": "grpo", "dtype": "bfloat16", "kl_coef": 0.0, "lr": 1e-2, "minibatches": 1})
    before = [p.detach().clone() for p in model.parameters()]
    stats = Updater(policy, cfg).update(batch_of(tok, 4))
    assert stats.steps == 1 and torch.isfinite(torch.tensor(stats.loss))
    assert any(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    gens = policy.generate([batch_of(tok, 2).prompts[0]], 4, generator=torch.Generator().manual_seed(0))
    assert all(torch.isfinite(torch.tensor(g.logprobs)).all() for g in gens)


def test_float16_without_lora_is_refused():
    with pytest.raises(ValueError, match="lora-rank"):
        make_config({"dtype": "float16"})
    assert make_config({"dtype": "float16", "lora_rank": 8}).dtype == "float16"


def _grads(model, tok, batch):
    policy = Policy(model, tok)
    model.train()
    model.zero_grad(set_to_none=True)
    policy.score(batch.prompts, batch.responses).logp.sum().backward()
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("lora", [False, True])
def test_gradient_checkpointing_gives_the_same_gradients(base, lora):
    model, tok = base
    batch = batch_of(tok, 4)
    plain, checkpointed = copy.deepcopy(model), copy.deepcopy(model)
    enable_gradient_checkpointing(checkpointed)
    if lora:
        cfg = config()
        plain, checkpointed = add_lora(plain, cfg), add_lora(checkpointed, cfg)
        checkpointed.load_state_dict(plain.state_dict())
    inner = checkpointed.get_base_model() if lora else checkpointed
    assert any(getattr(m, "gradient_checkpointing", False) for m in inner.modules())
    a, b = _grads(plain, tok, batch), _grads(checkpointed, tok, batch)
    assert a.keys() == b.keys() and len(a) > 0
    for name in a:
        assert torch.allclose(a[name], b[name], atol=1e-6, rtol=1e-5), name


def test_a_shared_critic_trunk_is_the_policy_itself(base):
    model, tok = base
    model = copy.deepcopy(model)
    cfg = make_config({"algo": "steppo", "critic_trunk": "shared"})
    critic = make_critic(model, cfg, None)
    assert critic.trunk is model
    assert [n for n, _ in critic.named_parameters()] == ["head.weight", "head.bias"]
    assert set(critic.state_dict()) == {"head.weight", "head.bias"}
    model_ptrs = {p.data_ptr() for p in model.parameters()}
    separate = make_critic(model, make_config({"algo": "steppo"}), None)
    assert not model_ptrs & {p.data_ptr() for p in separate.parameters()}  # the separate one is a copy
    assert sum(p.numel() for p in critic.parameters()) == model.config.hidden_size + 1

    # One forward pass gives log-probs and values; the value loss trains the head and leaves the trunk alone.
    policy = Policy(model, tok, critic=critic)
    batch = batch_of(tok, 4)
    with torch.no_grad():
        critic.head.weight.normal_()
    scores = policy.score(batch.prompts, batch.responses, values="step")
    assert torch.allclose(scores.values, policy.values(batch.prompts, batch.responses, "step"), atol=1e-5)
    scores.values.sum().backward()
    assert critic.head.weight.grad is not None
    assert all(p.grad is None for p in model.parameters())
    assert [id(p) for p in trainable_parameters(critic)] == [id(critic.head.weight), id(critic.head.bias)]


def test_a_lora_checkpoint_loads_merged_with_from_pretrained(base, tmp_path):
    from transformers import AutoModelForCausalLM

    policy, _ = lora_policy(base)
    save_policy(policy.model, policy.tokenizer, tmp_path)
    assert (tmp_path / "adapter" / "adapter_config.json").is_file()
    assert not (tmp_path / "adapter_config.json").exists()
    merged = AutoModelForCausalLM.from_pretrained(tmp_path).eval()
    ids = torch.tensor([policy.tokenizer("Task: reach 3 Action: tick")["input_ids"]])
    policy.model.eval()
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, policy.model(ids).logits, atol=1e-5)
    # What a rollout engine's weight sync gets (on the weights' device): the plain model's names, the merged values.
    live = merged_state_dict(policy.model, cpu=False)
    assert live.keys() == base[0].state_dict().keys()
    assert all(torch.equal(live[k], v) for k, v in merged.state_dict().items())
    # Saving did not merge into the live model: its base is still the reference.
    with torch.no_grad(), policy.model.disable_adapter():
        assert torch.allclose(policy.model(ids).logits, base[0](ids).logits, atol=1e-6)
