"""Rollout engines and the truncated importance-sampling correction: the trainer's recomputed old log-probs are
its own eval-mode scoring, each token's weight is min(exp(old - engine), C), and the weight scales the policy
gradient term as it should. A stand-in engine reports the HF log-probs plus a known perturbation."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

from trainers.config import make_config
from trainers.correction import tis_weights, weigh_advantages
from trainers.engines import RolloutEngine, make_engine, recompute_old_logprobs
from trainers.engines.hf import HFEngine
from trainers.engines.noisy import NoisyEngine
from trainers.losses import aggregate, token_ratio_loss
from trainers.models import load_model
from trainers.policy import Policy
from trainers.update import Batch, Updater, UpdateStats

ENV = "steprl/Countdown-v0"


# -- the pure function ---------------------------------------------------------------------------------------------
def test_weights_are_the_capped_ratio_per_token_and_one_on_padding():
    old = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -0.5, 0.0]])
    engine = torch.tensor([[-1.5, -1.0, -3.0], [-2.5, -0.4, 0.0]])
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    w, stats = tis_weights(old, engine, mask, cap=2.0)
    expected = torch.tensor([[math.exp(0.5), math.exp(-1.0), 1.0], [2.0, math.exp(-0.1), 1.0]])
    assert torch.allclose(w, expected)
    assert stats["tis_capped_frac"] == pytest.approx(1 / 5)  # exp(2.0) > 2 only
    assert stats["logp_gap"] == pytest.approx((0.5 + 1.0 + 0.0 + 2.0 + 0.1) / 5)
    assert not w.requires_grad


def test_equal_log_probs_give_weights_of_exactly_one():
    logp = torch.randn(4, 6) - 2.0
    w, stats = tis_weights(logp, logp.clone(), torch.ones(4, 6), cap=1.0)
    assert torch.equal(w, torch.ones(4, 6))
    assert stats["tis_capped_frac"] == 0.0 and stats["logp_gap"] == 0.0
    with pytest.raises(ValueError, match="cap"):
        tis_weights(logp, logp, torch.ones(4, 6), cap=0.0)


@pytest.mark.parametrize("dual_clip", [0.0, 3.0])
def test_weighing_the_advantage_weighs_each_tokens_surrogate(dual_clip):
    """w * loss_token(A) == loss_token(w * A) for w > 0, with the ratio clipped or not and with dual-clip."""
    g = torch.Generator().manual_seed(0)
    logp = torch.randn(3, 5, generator=g) - 1.0
    old = logp + 0.4 * torch.randn(3, 5, generator=g)  # ratios in and out of the clip range
    adv = torch.tensor([1.0, -2.0, 0.5])
    mask = torch.ones(3, 5)
    w = torch.rand(3, 5, generator=g) * 2.0 + 0.05
    weighted, _ = token_ratio_loss(logp, old, weigh_advantages(adv, w), mask, dual_clip=dual_clip)
    per_token = []
    for j in range(5):  # one token at a time, so that the surrogate of each is read off alone
        one = torch.zeros(3, 5)
        one[:, j] = 1
        col = [
            token_ratio_loss(
                logp[i : i + 1],
                old[i : i + 1],
                adv[i : i + 1],
                one[i : i + 1],
                agg="token-mean",
                norm=1.0,
                dual_clip=dual_clip,
            )[0]
            for i in range(3)
        ]
        per_token.append(torch.stack(col))
    manual = aggregate(torch.stack(per_token, dim=1) * w, mask, "token-mean")
    assert torch.allclose(weighted, manual, atol=1e-6)


# -- the trainer side ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base():
    return load_model("tiny", ENV)


def _setup(base, noise, dropout=0.5, **kw):
    model, tok = base
    model = copy.deepcopy(model)
    for layer in model.model.layers:  # dropout on: the old log-probs must come from an eval-mode pass
        layer.self_attn.attention_dropout = dropout
    policy = Policy(model, tok)
    cfg = make_config(
        {
            "algo": "grpo",
            "kl_coef": 0.0,
            "lr": 1e-2,
            "epochs": 1,
            "minibatches": 1,
            "recompute_old_logprobs": "on",
            **kw,
        }
    )
    engine = NoisyEngine(HFEngine(policy), noise)
    prompts = [tok(f"Task: reach {n} with 3 4 5. Action: ")["input_ids"] for n in (7, 12, 19, 23, 60, 2)]
    gens = engine.generate(prompts, 6, 1.0, generators=[torch.Generator().manual_seed(s) for s in range(6)])
    clean = HFEngine(policy).generate(prompts, 6, 1.0, generators=[torch.Generator().manual_seed(s) for s in range(6)])
    batch = Batch(
        prompts,
        [g.response_ids for g in gens],
        [g.logprobs for g in gens],
        torch.tensor([1.0, -1.0, 0.5, -0.5, 2.0, -2.0]),
    )
    policy.model.train()
    return policy, cfg, Updater(policy, cfg), batch, clean


def _padded(rows, width):
    out = torch.zeros(len(rows), width)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


def _noise(row, j):
    """Known perturbation of the engine's log-probs: +-0.1 .. +-0.9, both signs."""
    return (-1) ** (row + j) * (0.1 + 0.2 * ((row + j) % 5))


def test_recomputed_old_log_probs_are_the_policys_eval_mode_scoring(base):
    policy, _, updater, batch, clean = _setup(base, _noise)
    old = updater.old_logprobs(batch)
    assert policy.model.training  # the mode is restored
    width = old.shape[1]
    # The sampler's own (unperturbed) log-probs, drawn in eval mode: the same numbers up to float rounding.
    assert torch.allclose(old, _padded([g.logprobs for g in clean], width), atol=1e-5)
    policy.model.eval()
    with torch.no_grad():
        ref = policy.score(batch.prompts, batch.responses).logp
    assert torch.allclose(old, ref, atol=1e-6)
    policy.model.train()
    with torch.no_grad():
        dropped = policy.score(batch.prompts, batch.responses).logp
    assert not torch.allclose(old, dropped, atol=1e-3)  # a train-mode pass would differ


@pytest.mark.parametrize("cap", [2.0, 1.0])
def test_weights_are_min_exp_diff_cap_per_token(base, cap):
    policy, _, updater, batch, _ = _setup(base, _noise, tis_cap=cap)
    width = max(len(r) for r in batch.responses)
    engine = _padded(batch.old_logprobs, width)
    stats = UpdateStats()
    old, adv = updater.correct(batch, engine, batch.advantages, stats)
    mask = _padded([[1.0] * len(r) for r in batch.responses], width).bool()
    weights = adv / batch.advantages[:, None]
    assert torch.allclose(weights[mask], torch.exp(old - engine).clamp(max=cap)[mask], atol=1e-6)
    known = torch.tensor([[min(math.exp(-_noise(i, j)), cap) for j in range(width)] for i in range(len(batch))])
    assert torch.allclose(weights[mask], known[mask], atol=1e-4)  # old = engine - noise up to rounding
    capped = sum(-_noise(i, j) > math.log(cap) for i, r in enumerate(batch.responses) for j in range(len(r)))
    assert stats.extra["tis_capped_frac"] == pytest.approx(capped / int(mask.sum()))
    assert stats.extra["logp_gap"] == pytest.approx(
        sum(abs(_noise(i, j)) for i, r in enumerate(batch.responses) for j in range(len(r))) / int(mask.sum()),
        abs=1e-4,
    )


def test_without_perturbation_the_weights_are_one(base):
    policy, _, updater, batch, _ = _setup(base, lambda row, j: 0.0, tis_cap=1.0)
    width = max(len(r) for r in batch.responses)
    stats = UpdateStats()
    _, adv = updater.correct(batch, _padded(batch.old_logprobs, width), batch.advantages, stats)
    mask = _padded([[1.0] * len(r) for r in batch.responses], width).bool()
    assert torch.allclose((adv / batch.advantages[:, None])[mask], torch.ones(int(mask.sum())), atol=1e-5)
    assert stats.extra["logp_gap"] < 1e-5


def _pg_loss(base, noise, adv_scale=None, **kw):
    policy, _, updater, batch, _ = _setup(base, noise, dropout=0.0, **kw)  # ratio 1 at the first step
    if adv_scale is not None:
        batch.advantages = adv_scale(batch)
    return updater.update(batch).pg_loss


def test_the_correction_scales_the_loss_as_expected(base):
    # With every engine log-prob 0.3 above the trainer's, every token weighs exp(-0.3) < 1: the first step's
    # surrogate (ratio 1 at the old policy) shrinks by that factor.
    plain = _pg_loss(base, lambda r, j: 0.3, tis_cap=0.0)
    corrected = _pg_loss(base, lambda r, j: 0.3, tis_cap=2.0)
    assert plain != 0.0
    assert corrected == pytest.approx(math.exp(-0.3) * plain, rel=1e-4)
    # With every engine log-prob below the trainer's and C = 1, every token is capped at 1: no change.
    assert _pg_loss(base, lambda r, j: -0.5, tis_cap=1.0) == pytest.approx(plain, rel=1e-5)
    # Mixed: the same as the uncorrected loss on advantages scaled by the expected per-token weights.
    mixed = _pg_loss(base, _noise, tis_cap=2.0)

    def scaled(batch):
        width = max(len(r) for r in batch.responses)
        w = torch.tensor([[min(math.exp(-_noise(i, j)), 2.0) for j in range(width)] for i in range(len(batch))])
        return batch.advantages[:, None] * w

    assert mixed == pytest.approx(_pg_loss(base, _noise, adv_scale=scaled, tis_cap=0.0), rel=1e-4)


# -- configuration and wiring --------------------------------------------------------------------------------------
def test_recompute_defaults_to_on_for_engines_other_than_hf():
    assert not recompute_old_logprobs(make_config({}))
    assert recompute_old_logprobs(make_config({"rollout_engine": "vllm"}))
    assert not recompute_old_logprobs(make_config({"rollout_engine": "vllm", "recompute_old_logprobs": "off"}))
    assert recompute_old_logprobs(make_config({"recompute_old_logprobs": "on"}))
    with pytest.raises(ValueError, match="tis_cap"):
        make_config({"tis_cap": -1.0})


def test_engines_by_name(base):
    policy = Policy(*base)
    cfg = make_config({})
    assert isinstance(make_engine("hf", policy, cfg), HFEngine)
    with pytest.raises(ValueError, match="hf"):
        make_engine("nope", policy, cfg)
    if not torch.cuda.is_available():
        with pytest.raises(ImportError, match="CUDA"):
            make_engine("vllm", policy, cfg)


def test_a_training_run_samples_through_the_engine_and_logs_the_mismatch(tmp_path):
    from trainers.train import Trainer

    cfg = make_config(
        {
            "algo": "grpo",
            "env_id": ENV,
            "iterations": 1,
            "batch_tasks": 2,
            "group_size": 2,
            "max_env_steps": 2,
            "pool_size": 2,
            "max_new_tokens": 6,
            "task_limit": 4,
            "max_prompt_tokens": 256,
            "recompute_old_logprobs": "on",
            "tis_cap": 1.5,
            "out": str(tmp_path / "run"),
        }
    )
    trainer = Trainer(cfg, log=lambda *a: None)
    calls = []

    class Counting(NoisyEngine):
        def generate(self, *args, **kwargs):
            calls.append(len(args[0]))
            return super().generate(*args, **kwargs)

        def sync_weights(self, model):
            calls.append("sync")

    engine = Counting(trainer.engine, lambda r, j: 0.25)
    trainer.roller.engine = trainer.updater.engine = engine
    trainer.train()
    line = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[-1])
    assert calls and calls[-1] == "sync" and all(isinstance(c, int) for c in calls[:-1])
    assert line["logp_gap"] == pytest.approx(0.25, abs=1e-4)
    assert line["tis_capped_frac"] == 0.0 and line["tis_weight_mean"] == pytest.approx(math.exp(-0.25), abs=1e-4)
    assert isinstance(RolloutEngine(), RolloutEngine)


# -- the vLLM engine's own logic, against a stand-in of the vllm module (vLLM itself needs CUDA) ----------------
class _FakeLLM:
    """Records the calls the engine makes; answers ``generate`` with fixed tokens and log-probs."""

    def __init__(self, **kwargs):
        self.kwargs, self.calls, self.loaded = kwargs, [], None
        outer = self

        class Model:
            def load_weights(self, weights):
                outer.loaded = dict(weights)
                outer.calls.append("load")

        worker = types.SimpleNamespace(model_runner=types.SimpleNamespace(model=Model()))
        self.llm_engine = types.SimpleNamespace(model_executor=types.SimpleNamespace(driver_worker=worker))

    def generate(self, prompts, params, use_tqdm=False):
        self.calls.append(("generate", [p.prompt_token_ids for p in prompts], params))
        out = []
        for i, _ in enumerate(prompts):
            ids = [5 + i, 6, 2]
            logprobs = [{t: types.SimpleNamespace(logprob=-0.5 * (j + 1))} for j, t in enumerate(ids)]
            out.append(types.SimpleNamespace(outputs=[types.SimpleNamespace(token_ids=ids, logprobs=logprobs)]))
        return out

    def sleep(self, level):
        self.calls.append(("sleep", level))

    def wake_up(self, tags=None):
        self.calls.append(("wake_up", tuple(tags or ())))

    def reset_prefix_cache(self):
        self.calls.append("reset")


def _fake_vllm():
    return types.SimpleNamespace(
        LLM=_FakeLLM,
        SamplingParams=lambda **kw: types.SimpleNamespace(**kw),
        TokensPrompt=lambda prompt_token_ids: types.SimpleNamespace(prompt_token_ids=prompt_token_ids),
    )


def test_the_vllm_engine_samples_reports_and_syncs_as_documented(base, tmp_path, monkeypatch):
    from trainers.engines import vllm_engine

    monkeypatch.setattr(vllm_engine, "import_vllm", _fake_vllm)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    policy = Policy(copy.deepcopy(base[0]), base[1])
    cfg = make_config({"rollout_engine": "vllm", "out": str(tmp_path), "vllm_gpu_memory_utilization": 0.25})
    engine = make_engine("vllm", policy, cfg)
    llm = engine.llm
    assert (tmp_path / "vllm_model" / "config.json").is_file()  # vLLM loads the policy from a saved copy
    assert llm.kwargs["gpu_memory_utilization"] == 0.25 and llm.kwargs["enable_sleep_mode"]
    assert llm.kwargs["logprobs_mode"] == "processed_logprobs"
    assert llm.kwargs["max_model_len"] == cfg.max_prompt_tokens + cfg.max_new_tokens + 64
    gens = engine.generate([[1, 2], [3]], 4, 0.7, generators=[torch.Generator().manual_seed(s) for s in (0, 1)])
    assert [g.response_ids for g in gens] == [[5, 6, 2], [6, 6, 2]]
    assert gens[0].logprobs == [-0.5, -1.0, -1.5]
    _, prompts, params = llm.calls[-1]
    assert prompts == [[1, 2], [3]]
    assert [p.temperature for p in params] == [0.7, 0.7] and params[0].max_tokens == 4 and params[0].logprobs == 0
    assert params[0].seed != params[1].seed  # each row its own stream
    again = engine.generate([[1, 2]], 4, 0.7, generators=[torch.Generator().manual_seed(0)])
    assert llm.calls[-1][2][0].seed == params[0].seed and again[0].response_ids == [5, 6, 2]
    engine.generate([[1]], 4, 0.7, greedy=True)
    assert llm.calls[-1][2][0].temperature == 0.0 and llm.calls[-1][2][0].seed is None
    # The update: sleep, then wake the weights, load the policy's, wake the KV cache.
    llm.calls.clear()
    engine.sleep()
    engine.sync_weights(policy.model)
    assert llm.calls == [("sleep", 1), ("wake_up", ("weights",)), "load", ("wake_up", ("kv_cache",)), "reset"]
    assert set(llm.loaded) == set(policy.model.state_dict())


@pytest.mark.skipif(torch.cuda.is_available(), reason="on a GPU the benchmark runs for real")
def test_the_gpu_benchmark_says_it_skipped_on_cpu():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "bench_gpu.py"), "--quick"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "skipped: no CUDA GPU" in done.stdout
