"""Vision-language policies: the ``tiny-vlm`` test model, loading of local image-text-to-text checkpoints, and the
pixel inputs and position rules that :class:`trainers.policy.Policy` needs to sample and score with screenshots.

``tiny-vlm`` is a Qwen2-VL-style model with random weights: a two-layer vision tower and a two-layer text model,
the offline tokenizer of :mod:`trainers.models` extended with Qwen2-VL's vision tokens, and an image processor with
small pixel bounds so that a 1280x720 screenshot becomes 15 image tokens. Nothing is downloaded.

Positions: Qwen2-VL and Qwen2.5-VL place image tokens with multimodal rotary positions (temporal, height, width)
that the model derives itself from the token ids, ``image_grid_thw`` and the attention mask; 1-D position ids
would overwrite them. For such models the policy passes none when the batch holds images and continues decoding
from the model's own ``rope_deltas``. Other models (Idefics3 / SmolVLM, text LMs) keep explicit 1-D positions.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import torch

TINY_VLM = "tiny-vlm"

#: Qwen2-VL's special tokens, added to the offline tokenizer (chat turns, vision span, image and video pads).
VISION_TOKENS = ["<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>"]

#: Qwen2-VL's chat layout: content is a string or a list of ``{"type": "text" | "image"}`` parts.
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}{% for c in m['content'] %}"
    "{% if c['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>{% else %}{{ c['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

#: Pixel bounds of the tiny model's image processor: 4 to 16 merged 28x28 patches per image.
TINY_MIN_PIXELS, TINY_MAX_PIXELS = 4 * 28 * 28, 16 * 28 * 28


def is_processor(obj: Any) -> bool:
    """Whether ``obj`` is a multimodal processor (it has an image processor) rather than a tokenizer."""
    return getattr(obj, "image_processor", None) is not None


def text_tokenizer(obj: Any) -> Any:
    """The text tokenizer of a processor, or ``obj`` itself when it is one."""
    return obj.tokenizer if is_processor(obj) else obj


@functools.cache
def _image_only_processor_class():
    """Qwen2-VL's processor without a video processor: transformers builds the video one with torchvision, which a
    screenshot policy does not need. Saved under Qwen2-VL's own processor class, so AutoProcessor reads it back."""
    from transformers import Qwen2VLProcessor

    class ImageOnlyQwen2VLProcessor(Qwen2VLProcessor):
        def __init__(self, image_processor=None, tokenizer=None, chat_template=None, **kwargs):
            super().__init__(image_processor, tokenizer, None, chat_template=chat_template, **kwargs)

        def to_dict(self) -> dict[str, Any]:
            out = super().to_dict()
            out["processor_class"] = "Qwen2VLProcessor"
            return out

    return ImageOnlyQwen2VLProcessor


def tiny_processor(env_id: str):
    """The offline tokenizer of ``env_id`` with Qwen2-VL's vision tokens and chat template, and a small-pixel image
    processor, as one Qwen2-VL processor."""
    from transformers import Qwen2VLImageProcessorPil

    from .models import env_corpus, train_tokenizer

    tokenizer = train_tokenizer(env_corpus(env_id))
    tokenizer.add_special_tokens({"additional_special_tokens": VISION_TOKENS})
    tokenizer.chat_template = CHAT_TEMPLATE
    images = Qwen2VLImageProcessorPil(min_pixels=TINY_MIN_PIXELS, max_pixels=TINY_MAX_PIXELS)
    return _image_only_processor_class()(image_processor=images, tokenizer=tokenizer, chat_template=CHAT_TEMPLATE)


def tiny_vlm(env_id: str, seed: int = 0, hidden: int = 128, layers: int = 2):
    """A randomly initialised small Qwen2-VL and its processor for ``env_id``."""
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration

    processor = tiny_processor(env_id)
    tok = processor.tokenizer
    ids = {t: tok.convert_tokens_to_ids(t) for t in VISION_TOKENS}
    heads = 4
    half = hidden // heads // 2  # rotary frequencies per head, split over (temporal, height, width)
    section = [half - 2 * (half * 3 // 8), half * 3 // 8, half * 3 // 8]
    config = Qwen2VLConfig(
        text_config={
            "vocab_size": len(tok),
            "hidden_size": hidden,
            "intermediate_size": 2 * hidden,
            "num_hidden_layers": layers,
            "num_attention_heads": heads,
            "num_key_value_heads": heads,
            "max_position_embeddings": 4096,
            "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": section},
            "pad_token_id": tok.pad_token_id,
            "bos_token_id": tok.bos_token_id,
            "eos_token_id": tok.eos_token_id,
        },
        vision_config={
            "depth": layers,
            "embed_dim": hidden // 2,
            "hidden_size": hidden,
            "num_heads": heads,
            "mlp_ratio": 2,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return Qwen2VLForConditionalGeneration(config), processor


def is_vlm_dir(path: Path) -> bool:
    """Whether the model directory's ``config.json`` names an image-text-to-text model type (Qwen2-VL, Qwen2.5-VL,
    Idefics3, SmolVLM, ...)."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES

    try:
        model_type = json.loads((path / "config.json").read_text()).get("model_type")
    except (OSError, ValueError):
        return False
    return model_type in MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES


def load_processor(path: Path):
    """AutoProcessor of a local VLM directory; for the Qwen2-VL family, when AutoProcessor cannot build the
    processor's video half (transformers needs torchvision for it), the processor is rebuilt for images only."""
    from transformers import AutoProcessor

    try:
        return AutoProcessor.from_pretrained(path)
    except (AttributeError, ImportError, OSError, TypeError, ValueError) as e:
        model_type = json.loads((path / "config.json").read_text()).get("model_type")
        if model_type not in ("qwen2_vl", "qwen2_5_vl"):
            raise ImportError(f"cannot load the processor of {path} ({e}); pip install torchvision") from e
        return _image_only_processor_class().from_pretrained(path)


def load_vlm(path: Path, dtype) -> tuple[Any, Any]:
    """``(model, processor)`` of a local image-text-to-text directory."""
    from transformers import AutoModelForImageTextToText

    processor = load_processor(path)
    model = AutoModelForImageTextToText.from_pretrained(path, dtype=dtype)
    tokenizer = text_tokenizer(processor)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, processor


# -- inputs of a forward pass ------------------------------------------------------------------------------------


def prompt_images(prompts: list[list[int]]) -> list[list[Any]]:
    """The screenshots each prompt refers to (``PromptIds.images``), in placeholder order; [] for plain id lists."""
    return [list(getattr(p, "images", ()) or ()) for p in prompts]


def pixel_inputs(processor: Any, prompts: list[list[int]], device: str, dtype=None) -> dict[str, Any]:
    """The model's pixel inputs for a batch of prompts whose row ``i`` shows ``prompts[i].images``; {} when no row
    has an image.

    Qwen2-VL-family processors (``merge_size``) process each image on its own and the model takes the patches of
    every image concatenated in the order the image tokens appear, so each prompt's part is computed once and kept
    in its ``derived`` cache (rollout, reference, epochs and SFT passes reuse it). Others (Idefics3) pad the images
    of a batch to one count per row and are processed per batch."""
    images = prompt_images(prompts)
    if not any(images):
        return {}
    image_processor = processor.image_processor
    if hasattr(image_processor, "merge_size"):
        parts = [_prompt_pixels(image_processor, p) for p, row in zip(prompts, images, strict=True) if row]
        out = {k: torch.cat([part[k] for part in parts]) for k in parts[0]}
    else:
        out = image_processor(images=images, return_tensors="pt")
    inputs = {k: v.to(device) for k, v in out.items() if hasattr(v, "to")}
    if dtype is not None and "pixel_values" in inputs:
        inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
    return inputs


def _prompt_pixels(image_processor: Any, prompt: Any) -> dict[str, Any]:
    key = ("pixels", id(image_processor))
    derived = getattr(prompt, "derived", None)
    if derived is not None and key in derived:
        return derived[key]
    out = image_processor(images=list(prompt.images), return_tensors="pt")
    part = {k: v for k, v in out.items() if hasattr(v, "to")}
    if derived is not None:
        derived[key] = part
    return part


def mrope_module(model: Any) -> Any:
    """The submodule that computes Qwen2-VL-style multimodal positions (``get_rope_index`` and ``rope_deltas``), or
    None for models with 1-D positions."""
    for module in model.modules():
        if hasattr(module, "get_rope_index") and hasattr(module, "rope_deltas"):
            return module
    return None


def token_types(model: Any, input_ids):
    """``mm_token_type_ids`` (1 on image tokens, 0 elsewhere), which Qwen2-VL needs to place image positions."""
    config = getattr(model, "config", None)
    image_token = getattr(config, "image_token_id", None)
    return (input_ids == image_token).int() if image_token is not None else None


def visual_kwargs(model: Any, input_ids, pixels: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of a forward pass over ``input_ids`` with ``pixels`` (from :func:`pixel_inputs`)."""
    if not pixels:
        return {}
    kwargs = dict(pixels)
    if mrope_module(model) is not None:
        kwargs["mm_token_type_ids"] = token_types(model, input_ids)
    return kwargs
