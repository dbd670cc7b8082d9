"""``openai:MODEL@URL`` / ``openai:MODEL``: any OpenAI-compatible chat endpoint (vLLM, llama.cpp server, OpenAI).

``URL`` is the API base (``http://host:8000/v1``); without ``@URL`` the base comes from ``OPENAI_BASE_URL``.
``OPENAI_API_KEY`` is sent when set and recorded nowhere. Screenshots go as PNG data URLs; only an answer that says
the model takes no images (see :mod:`.openai_client`) switches them off, for the rest of the run, and the agent
identity says so. Prompting and sampling come from :class:`~.openai_config.OpenAIAgentConfig`. Only the standard
library is used, so the harness needs no HTTP package.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from typing import Any

from .openai_client import ChatClient, EndpointError, ImagesUnsupported
from .openai_config import OpenAIAgentConfig
from .prompting import History, PromptBuilder, extract_action, system_prompt

__all__ = [
    "ChatAgent",
    "ChatClient",
    "EndpointError",
    "ImagesUnsupported",
    "OpenAIAgentConfig",
    "make_client",
    "parse_spec",
    "png_data_url",
]

SPEC_HELP = (
    "use openai:MODEL@URL (e.g. openai:Qwen2.5-VL-7B@http://127.0.0.1:8000/v1), or openai:MODEL with "
    "OPENAI_BASE_URL set"
)


def png_data_url(shot: Any) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(shot).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@dataclass
class _Step:
    """One played step as later prompts show it: its user text, its screenshot (encoded once, kept only while it
    may still be sent), the model's reply and the action taken."""

    text: str
    image: str | None
    response: str
    action: str


class ChatAgent:
    """One episode against a :class:`ChatClient`.

    Single-turn (default): the system prompt, then one user message holding the task, the last ``history`` actions,
    the observation, the last ``history_screenshots`` earlier screenshots and the current one. Multi-turn: the
    last ``history`` steps go as user/assistant turns (the model's own replies), then the current user turn.
    """

    def __init__(self, client: ChatClient, action_mode: str):
        self.client, self.action_mode = client, action_mode
        self.config = client.config
        if not client.system_prompt:  # a client made without make_client: its identity needs the prompt too
            client.system_prompt = self.config.system_prompt(system_prompt(action_mode))
        self.system = client.system_prompt
        # The same prompt text as every other agent and the trainers; the tree as the env wrote it (a raw view) and
        # the screenshot as an image of its own, not described in words.
        self.prompts = PromptBuilder(
            None,
            history_window=self.config.history,
            observation_chars=self.config.observation_chars,
            gui_observation="a11y",
            a11y_format="raw",
            action_mode=action_mode,
        )
        self.instruction = ""
        self.steps: list[_Step] = []
        self.last_response: str | None = None
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0}

    def reset(self, instruction: str, info: dict[str, Any]) -> None:
        self.instruction = instruction or ""
        self.steps = []

    def act(self, obs: dict[str, Any]) -> str:
        cfg = self.config
        instruction = self.instruction or str(obs.get("instruction", ""))
        history = History() if cfg.multi_turn else History([s.action for s in self.steps])
        text = self.prompts.text(instruction, obs, history)
        shot = obs.get("screenshot")
        image = png_data_url(shot) if getattr(shot, "ndim", 0) == 3 and self.client.images else None
        messages = self.messages(text, image)
        try:
            response, usage = self.client.complete(messages)
        except ImagesUnsupported as e:
            if not _has_images(messages):
                raise
            self.client.drop_images(e.detail)  # a text-only model: say so in the identity and go on without pixels
            messages = self.messages(text, None)
            response, usage = self.client.complete(messages)
        for key in self.usage:
            self.usage[key] += usage[key]
        self.last_response, self.last_messages = response, messages
        action = extract_action(response, self.action_mode).action or "WAIT"
        self.steps.append(_Step(text, image, response, action))
        self._forget()
        return action

    def messages(self, text: str, image: str | None) -> list[dict[str, Any]]:
        """The request's messages for the current step (``image``: its screenshot as a data URL, or None)."""
        cfg, images = self.config, self.client.images
        earlier = self.steps[len(self.steps) - cfg.history :] if cfg.history else []
        shots = cfg.history_screenshots if images else 0
        out: list[dict[str, Any]] = [{"role": "system", "content": self.system}]
        if cfg.multi_turn:
            for i, step in enumerate(earlier):
                keep = step.image if len(earlier) - i <= shots else None
                out.append({"role": "user", "content": _content(step.text, [keep] if keep else [])})
                out.append({"role": "assistant", "content": step.response})
            parts = [image] if image and images else []
            out.append({"role": "user", "content": _content(text, parts)})
            return out
        previous = [s.image for s in self.steps[len(self.steps) - shots :] if s.image] if shots else []
        parts = [*previous, image] if image and images else previous
        if previous:
            text += f"\n(The first {len(previous)} image(s) are earlier screenshots, oldest first; the last is now.)"
        out.append({"role": "user", "content": _content(text, parts)})
        return out

    def _forget(self) -> None:
        """Keep only what later prompts can show: ``history`` steps, and screenshots of the last few of them."""
        cfg = self.config
        keep = max(cfg.history, cfg.history_screenshots)
        if len(self.steps) > keep:
            del self.steps[: len(self.steps) - keep]
        for step in self.steps[: max(0, len(self.steps) - cfg.history_screenshots)]:
            step.image = None


def _has_images(messages: list[dict[str, Any]]) -> bool:
    return any(isinstance(m["content"], list) for m in messages)


def _content(text: str, images: list[str]) -> Any:
    if not images:
        return text
    return [{"type": "text", "text": text}, *({"type": "image_url", "image_url": {"url": u}} for u in images)]


def parse_spec(rest: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """``MODEL@URL`` -> (model, url); ``MODEL`` alone takes ``OPENAI_BASE_URL``. The model name may itself hold
    ``@`` (the last ``@`` followed by an http(s) URL splits)."""
    env = os.environ if env is None else env
    model, sep, url = rest.rpartition("@")
    if sep and url.startswith(("http://", "https://")) and model:
        return model, url
    if sep and not url.startswith(("http://", "https://")) and url.startswith(("http", "www", "localhost")):
        raise ValueError(f"{url!r} is not an http(s) URL; {SPEC_HELP}")
    base = (env.get("OPENAI_BASE_URL") or "").strip()
    if not rest or (sep and not model):
        raise ValueError(f"no model named; {SPEC_HELP}")
    if not base:
        raise ValueError(f"openai:{rest} names no endpoint and OPENAI_BASE_URL is not set; {SPEC_HELP}")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"OPENAI_BASE_URL={base!r} is not an http(s) URL; {SPEC_HELP}")
    return rest, base


def make_client(rest: str, action_mode: str, config: OpenAIAgentConfig | None = None) -> ChatClient:
    """The shared client of a run; reads the system prompt file once so that a missing file fails before any
    episode starts."""
    model, url = parse_spec(rest)
    config = config or OpenAIAgentConfig()
    return ChatClient(model, url, config, system_prompt=config.system_prompt(system_prompt(action_mode)))
