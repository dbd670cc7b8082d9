"""A colocated vLLM engine: ``vllm.LLM`` in the trainer's own process and on its GPU, sharing the memory with the
training model, as TRL's and verl's colocate modes do.

vLLM takes ``vllm_gpu_memory_utilization`` of the GPU for its weights and KV cache. Around the update the engine
sleeps (level 1: weights offloaded to CPU RAM, KV cache dropped) so that the trainer gets the memory back; after
the update :meth:`VLLMEngine.sync_weights` wakes it and loads the policy's new weights into vLLM's model with the
model's own ``load_weights``. The engine is built from a copy of the policy saved to ``<out>/vllm_model`` (vLLM
loads models only from a directory), so any model the trainer loads (tiny, smollm2, a checkpoint) works.

Log-probs are asked for with ``logprobs_mode="processed_logprobs"``: those of the temperature-scaled distribution
the token was drawn from, as the trainer scores them. vLLM is imported only when this engine is made.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from ..memory import is_lora, merged_state_dict
from ..policy import Generation, Policy
from . import RolloutEngine, register_engine


def import_vllm():
    """The ``vllm`` module, or a one-line error saying what is missing."""
    if not torch.cuda.is_available():
        raise ImportError("--rollout-engine vllm needs a CUDA GPU; use --rollout-engine hf on this machine")
    try:
        import vllm
    except ImportError:
        raise ImportError("--rollout-engine vllm needs vLLM: pip install vllm (a CUDA build)") from None
    return vllm


def stream_seed(generator: torch.Generator) -> int:
    """A per-request vLLM seed drawn from a row's own stream, so rows sample independently and reproducibly."""
    return int(torch.randint(0, 2**31 - 1, (), generator=generator))


class VLLMEngine(RolloutEngine):
    name = "vllm"

    def __init__(
        self,
        policy: Policy,
        model_dir: str | Path,
        *,
        gpu_memory_utilization: float = 0.3,
        max_model_len: int = 4096,
        sleep_between_rounds: bool = True,
        seed: int = 0,
        dtype: str = "auto",
    ):
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            raise ValueError(
                "--rollout-engine vllm runs in a one-process run only (rollouts sample on rank 0, and vLLM's "
                "in-process executor would join the trainer's process group); use --rollout-engine hf with accelerate"
            )
        if getattr(policy, "processor", None) is not None:
            raise ValueError(
                "--rollout-engine vllm takes token-id prompts (text policies); a vision-language policy samples "
                "with --rollout-engine hf"
            )
        vllm = import_vllm()
        self.policy, self._vllm = policy, vllm
        self.sleep_between_rounds = sleep_between_rounds
        self._asleep = False
        model_dir = Path(model_dir)
        model_dir.mkdir(parents=True, exist_ok=True)
        policy.model.save_pretrained(model_dir)
        policy.tokenizer.save_pretrained(model_dir)
        # One process, one GPU: vLLM's engine core runs in this process (no second copy of CUDA state, and its model
        # is reachable for load_weights); the external launcher makes it a one-rank group of its own.
        os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        for key, value in (("RANK", "0"), ("LOCAL_RANK", "0"), ("WORLD_SIZE", "1")):
            os.environ.setdefault(key, value)
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", "29517")
        self.llm = vllm.LLM(
            model=str(model_dir),
            tokenizer=str(model_dir),
            dtype=dtype,
            gpu_memory_utilization=gpu_memory_utilization,
            max_model_len=max_model_len,
            enable_sleep_mode=sleep_between_rounds,
            distributed_executor_backend="external_launcher",
            logprobs_mode="processed_logprobs",
            seed=seed,
        )

    def generate(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        temperature: float = 1.0,
        *,
        generators: list[torch.Generator] | None = None,
        greedy: bool = False,
    ) -> list[Generation]:
        vllm = self._vllm
        if self._asleep:
            self.llm.wake_up()
            self._asleep = False
        params = []
        for i in range(len(prompts)):
            seed = stream_seed(generators[i]) if generators is not None and not greedy else None
            params.append(
                vllm.SamplingParams(
                    n=1,
                    temperature=0.0 if greedy else temperature,
                    max_tokens=max_new_tokens,
                    logprobs=0,  # the sampled token's own log-prob only
                    seed=seed,
                    stop_token_ids=[self.policy.eos_id],
                    skip_special_tokens=False,
                    detokenize=False,
                )
            )
        requests = [vllm.TokensPrompt(prompt_token_ids=list(p)) for p in prompts]
        outputs = self.llm.generate(requests, params, use_tqdm=False)
        out = []
        for result in outputs:
            completion = result.outputs[0]
            ids = list(completion.token_ids)
            logps = [float(step[token].logprob) for step, token in zip(completion.logprobs, ids, strict=True)]
            out.append(Generation(ids, logps))
        return out

    def sleep(self) -> None:
        if self.sleep_between_rounds and not self._asleep:
            self.llm.sleep(level=1)
            self._asleep = True

    def sync_weights(self, model: torch.nn.Module) -> None:
        """Wake vLLM (weights first, then the KV cache, so the two never coexist with a stale copy) and load the
        policy's parameters by name into vLLM's model."""
        if self._asleep:
            self.llm.wake_up(tags=["weights"])
        state = merged_state_dict(model, cpu=False) if is_lora(model) else model.state_dict()  # LoRA: merged
        weights = [(name, p.detach()) for name, p in state.items()]
        with torch.no_grad():
            try:
                self._vllm_model().load_weights(weights)
            except AttributeError:  # another vLLM layout: go through the documented worker RPC
                self.llm.collective_rpc(lambda worker: worker.model_runner.model.load_weights(weights))
        if self._asleep:
            self.llm.wake_up(tags=["kv_cache"])
            self._asleep = False
        self.llm.reset_prefix_cache()

    def _vllm_model(self) -> torch.nn.Module:
        """vLLM's in-process model (uniprocess executor under the external launcher)."""
        worker = self.llm.llm_engine.model_executor.driver_worker
        worker = getattr(worker, "worker", worker)
        return worker.model_runner.model

    def close(self) -> None:
        del self.llm
        torch.cuda.empty_cache()


@register_engine("vllm")
def _make(policy: Policy, cfg: Any) -> VLLMEngine:
    max_len = cfg.vllm_max_model_len or cfg.max_prompt_tokens + cfg.max_new_tokens + 64
    return VLLMEngine(
        policy,
        Path(cfg.out) / "vllm_model",
        gpu_memory_utilization=cfg.vllm_gpu_memory_utilization,
        max_model_len=max_len,
        sleep_between_rounds=cfg.vllm_sleep,
        seed=cfg.seed,
    )
