"""Prompts in, actions out, for every agent: the prompt builder of token-level policies (trainer rollouts, SFT,
re-scoring and ``hf:`` agents) whose text is also the user turn of API agents (with :func:`system_prompt`),
set-of-marks views with ``@N`` element references, and the one :func:`extract_action` they all share.

Step rows keep the token ids produced here at generation time, so training never re-tokenises; the builder is
deterministic so that rebuilding a step's prompt from the same observation and history yields the same ids
(tests/trainers/test_prompts_actions.py checks this against rollout rows).

Prompt layout (text envs and GUI envs differ only in the observation block)::

    Task: <instruction>
    Previous actions:            (the last ``history_window`` responses, optionally with what followed each)
    1. <response>
    Observation: <text | accessibility tree | screenshot description>
    Admissible actions: a | b | c     (when the env lists them)
    Action:

A model with a chat template (SmolLM2) gets the same text as one user message plus its generation prompt.

A vision-language policy (the builder is given its processor) with ``gui_observation`` screenshot or both sees the
screenshots themselves: ``Screenshot:`` is followed by an image placeholder instead of a size, ``history_images``
earlier screenshots come on a ``Previous screenshots:`` line, and :meth:`PromptBuilder.build` returns
:class:`PromptIds` whose ``images`` are those screenshots in placeholder order, so every later scoring of the
prompt sees the same pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core import ActionError, parse_action

_TAG = re.compile(r"<action>(.*?)</action>", re.DOTALL | re.IGNORECASE)


_NUMS = re.compile(r"-?\d+(?:\.\d+)?")

#: Where an image goes in a prompt's text before it is split into chat content parts (never typed by a user).
IMAGE_MARK = "\x00image\x00"


class PromptIds(list):
    """A prompt's token ids (a ``list[int]``) and the screenshots its image placeholders stand for, in order
    (empty for text prompts). Everything that passes prompt ids around carries the pixels with them. ``derived``
    keeps what a model derives from the images (its pixel tensors), so that rescoring the prompt does not redo it;
    it is not pickled."""

    def __init__(self, ids=(), images=()):
        super().__init__(ids)
        self.images = tuple(images)
        self.derived: dict[Any, Any] = {}

    def __reduce__(self):
        return (PromptIds, (list(self), self.images))


@dataclass(frozen=True)
class Element:
    """A named element of an accessibility tree: its role, name, centre and box ``(x0, y0, x1, y1)`` (both None
    when it has no geometry)."""

    role: str
    name: str
    centre: tuple[int, int] | None
    box: tuple[int, int, int, int] | None = None


def a11y_elements(tree: str) -> list[Element] | None:
    """Named elements of an OSWorld-style accessibility XML in document order (None when ``tree`` is not XML)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(tree)
    except ET.ParseError:
        return None
    out = []
    for el in root.iter():
        name = el.get("name") or (el.text or "").strip()
        if not name:
            continue
        attrs = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
        centre = box = None
        pos, size = _NUMS.findall(attrs.get("screencoord", "")), _NUMS.findall(attrs.get("size", ""))
        if len(pos) == 2 and len(size) == 2:
            x, y, w, h = (float(v) for v in (*pos, *size))
            centre = (int(x + w / 2), int(y + h / 2))
            box = (int(x), int(y), int(x + w), int(y + h))
        elif len(b := _NUMS.findall(attrs.get("bounds", ""))) == 4:
            centre = ((int(b[0]) + int(b[2])) // 2, (int(b[1]) + int(b[3])) // 2)
            box = (int(b[0]), int(b[1]), int(b[2]), int(b[3]))
        out.append(Element(el.tag.rsplit("}", 1)[-1], name, centre, box))
    return out


def compact_a11y(tree: str) -> str:
    """One line per named element: ``role "name" (cx, cy)``, the centre being what a click needs. Elements
    without a name and state attributes are left out; text that is not XML comes back unchanged."""
    elements = a11y_elements(tree)
    if elements is None:
        return tree
    return "\n".join(
        f'{e.role} "{e.name}"' + (f" ({e.centre[0]}, {e.centre[1]})" if e.centre else "") for e in elements
    )


def mark_centres(tree: str) -> tuple[tuple[int, int], ...]:
    """Centres of the clickable elements of a tree, in the order :func:`marked_a11y` numbers them from 1."""
    return tuple(e.centre for e in a11y_elements(tree) or () if e.centre)


def mark_boxes(tree: str) -> tuple[tuple[int, int, int, int], ...]:
    """Boxes ``(x0, y0, x1, y1)`` of the same elements as :func:`mark_centres`, in the same order (element N of a
    marked prompt is ``boxes[N - 1]``); what decides which element a click hits."""
    return tuple(e.box for e in a11y_elements(tree) or () if e.centre and e.box)


def mark_refs(text: str) -> tuple[int, ...]:
    """The element numbers a response names with ``@N``, in order of appearance."""
    return tuple(int(m) for m in _MARK.findall(text))


def marked_a11y(tree: str) -> str:
    """Set-of-marks view: ``[N] role "name"`` for element N with a position (``@N`` in an action stands for its
    centre, see :func:`resolve_marks`), ``role "name"`` for containers without one; no coordinates."""
    elements = a11y_elements(tree)
    if elements is None:
        return tree
    lines, n = [], 0
    for e in elements:
        if e.centre:
            n += 1
            lines.append(f'[{n}] {e.role} "{e.name}"')
        else:
            lines.append(f'{e.role} "{e.name}"')
    return "\n".join(lines)


_MARK = re.compile(r"@(\d+)")
_POINT_ACTIONS = ("click", "doubleClick", "rightClick", "tripleClick", "moveTo")


def resolve_marks(action: str, centres: tuple[tuple[int, int], ...]) -> str:
    """Replace every ``@N`` of an action by ``x, y``, the centre of element N (1-based). An unknown N raises
    ``ActionError`` naming the elements on screen, so the agent sees what went wrong."""

    def centre(m: re.Match) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(centres):
            raise ActionError(
                f"@{n} names no element: the screen has elements @1..@{len(centres)}"
                if centres
                else f"@{n} names no element: the screen lists none"
            )
        x, y = centres[n - 1]
        return f"{x}, {y}"

    return _MARK.sub(centre, action)


def mark_action(action: str, centres: tuple[tuple[int, int], ...]) -> str:
    """The inverse for demonstrations: a point action on an element's exact centre becomes ``...(@N)``; any other
    action is returned unchanged (coordinates stay valid in a marked prompt)."""
    try:
        parsed = parse_action(action, "pyautogui")
    except ActionError:
        return action
    if len(parsed) == 1 and parsed[0].name in _POINT_ACTIONS and set(parsed[0].args) == {"x", "y"}:
        point = (parsed[0].args["x"], parsed[0].args["y"])
        if point in centres:
            return f"pyautogui.{parsed[0].name}(@{centres.index(point) + 1})"
    return action


def observation_text(
    obs: dict[str, Any],
    chars: int,
    gui_observation: str = "a11y",
    a11y_format: str = "compact",
    image_mark: str | None = None,
) -> str:
    """The observation block: text envs' ``observation``; GUI envs' accessibility tree (``compact``: see
    :func:`compact_a11y`; ``marks``: :func:`marked_a11y`; ``raw``: the env's text) and/or the screenshot: its size
    for a text-only model, ``image_mark`` (where the image goes) for a vision-language one. Cut to ``chars``
    characters after the screenshot part."""
    if "observation" in obs and isinstance(obs["observation"], str):
        return obs["observation"][:chars]
    parts = []
    if gui_observation in ("screenshot", "both") and obs.get("screenshot") is not None:
        shape = getattr(obs["screenshot"], "shape", None)
        if image_mark is not None:
            parts.append(f"Screenshot: {image_mark}")
            chars += len(parts[-1])
        elif shape is not None:
            parts.append(f"Screenshot: {shape[1]}x{shape[0]} pixels")
        else:
            parts.append("Screenshot: present")
    if gui_observation in ("a11y", "both") and obs.get("a11y_tree"):
        view = {"raw": str, "marks": marked_a11y}.get(a11y_format, compact_a11y)
        tree = view(obs["a11y_tree"])
        parts.append(f"Accessibility tree:\n{tree}")
    return "\n".join(parts)[:chars]


@dataclass
class History:
    """What one episode has done so far: each response and the observation text that followed it; ``screens``
    keeps the screenshot shown at each step (by step index) when prompts show earlier screenshots."""

    responses: list[str] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)
    screens: dict[int, Any] = field(default_factory=dict)

    def add(self, response: str, next_observation: str) -> None:
        self.responses.append(response)
        self.observations.append(next_observation)


class PromptBuilder:
    """Builds the prompt text and token ids of a step. See the module docstring for the layout."""

    def __init__(
        self,
        tokenizer: Any,
        *,
        history_window: int = 3,
        history_observations: bool = False,
        observation_chars: int = 2000,
        gui_observation: str = "a11y",
        a11y_format: str = "compact",
        max_prompt_tokens: int = 768,
        action_mode: str = "text",
        history_images: int = 0,
    ):
        #: A multimodal processor (it has an image processor) when the policy is a vision-language model.
        self.processor = tokenizer if getattr(tokenizer, "image_processor", None) is not None else None
        self.tokenizer = tokenizer.tokenizer if self.processor is not None else tokenizer
        self.history_images = history_images
        self.history_window = history_window
        self.history_observations = history_observations
        self.observation_chars = observation_chars
        self.gui_observation = gui_observation
        self.a11y_format = a11y_format
        self.max_prompt_tokens = max_prompt_tokens
        self.action_mode = action_mode
        self.chat = bool(getattr(tokenizer, "chat_template", None) or getattr(self.tokenizer, "chat_template", None))

    @classmethod
    def from_config(cls, tokenizer: Any, cfg: Any, action_mode: str) -> PromptBuilder:
        return cls(
            tokenizer,
            history_window=cfg.history_window,
            history_observations=cfg.history_observations,
            observation_chars=cfg.observation_chars,
            gui_observation=cfg.gui_observation,
            a11y_format=cfg.a11y_format,
            max_prompt_tokens=cfg.max_prompt_tokens,
            action_mode=action_mode,
            history_images=getattr(cfg, "history_images", 0),
        )

    @property
    def shows_images(self) -> bool:
        """Whether prompts carry screenshots as images (a vision-language policy, screenshot or both)."""
        return self.processor is not None and self.gui_observation in ("screenshot", "both")

    def images(self, obs: dict[str, Any], history: History) -> list[Any]:
        """The screenshots a step's prompt shows, oldest first: up to ``history_images`` earlier ones, then the
        current one. Records the current one in ``history.screens`` (by step index, so rebuilding a step's prompt
        is idempotent)."""
        if not self.shows_images or obs.get("screenshot") is None:
            return []
        step = len(history.responses)
        if self.history_images > 0:
            history.screens[step] = obs["screenshot"]
        earlier = [history.screens[i] for i in range(max(0, step - self.history_images), step) if i in history.screens]
        return [*earlier, obs["screenshot"]]

    def text(self, instruction: str, obs: dict[str, Any], history: History, earlier_images: int = 0) -> str:
        """The prompt text; with ``earlier_images`` > 0 (and for the current screenshot of a vision-language
        policy) image placeholders (:data:`IMAGE_MARK`) stand where the images go."""
        lines = [f"Task: {instruction}"]
        k = self.history_window
        if k > 0 and history.responses:
            lines.append("Previous actions:")
            start = max(0, len(history.responses) - k)
            for i in range(start, len(history.responses)):
                lines.append(f"{i + 1}. {history.responses[i]}")
                if self.history_observations:
                    lines.append(f"   -> {history.observations[i][:200]}")
        if earlier_images:
            lines.append("Previous screenshots: " + IMAGE_MARK * earlier_images)
        mark = IMAGE_MARK if self.shows_images else None
        block = observation_text(obs, self.observation_chars, self.gui_observation, self.a11y_format, mark)
        lines.append(f"Observation: {block}")
        admissible = obs.get("admissible_actions")
        if admissible:
            lines.append("Admissible actions: " + " | ".join(admissible))
        if self.action_mode == "pyautogui":
            where = " (@N stands for the centre of element [N])" if self.uses_marks(obs) else ""
            lines.append(f"Respond with one pyautogui action{where}, or DONE, FAIL or WAIT.")
        lines.append("Action:")
        return "\n".join(lines)

    def uses_marks(self, obs: dict[str, Any]) -> bool:
        """Whether this step's prompt numbers elements (pyautogui mode, ``marks`` format, a tree in view)."""
        return (
            self.action_mode == "pyautogui"
            and self.a11y_format == "marks"
            and self.gui_observation in ("a11y", "both")
            and bool(obs.get("a11y_tree"))
        )

    def marks(self, obs: dict[str, Any]) -> tuple[tuple[int, int], ...] | None:
        """Element centres that ``@N`` resolves to in this step's prompt (None when the prompt numbers none)."""
        return mark_centres(obs["a11y_tree"]) if self.uses_marks(obs) else None

    def boxes(self, obs: dict[str, Any]) -> tuple[tuple[int, int, int, int], ...] | None:
        """Boxes of the tree's elements in mark order (:func:`mark_boxes`) for a pyautogui env with a tree, whatever
        the prompt's view (None otherwise): SL-GRPO's action match asks which element a click hits."""
        if self.action_mode != "pyautogui" or not obs.get("a11y_tree"):
            return None
        return mark_boxes(obs["a11y_tree"]) or None

    def target(self, action: str, obs: dict[str, Any]) -> str:
        """A demonstration action as the model should write it for this prompt (``@N`` where elements are
        numbered and the action points at one)."""
        centres = self.marks(obs)
        return mark_action(action, centres) if centres else action

    def history_text(self, obs: dict[str, Any]) -> str:
        """What the history keeps of the observation that followed a response (rollout and SFT both use it):
        nothing (``""``) unless prompts show it (``history_observations``), so that it is not rendered in vain."""
        if not self.history_observations:
            return ""
        return observation_text(obs, 200, self.gui_observation, self.a11y_format)

    def encode(self, text: str, images: list[Any] = ()) -> list[int]:
        """Token ids of a prompt; longer than the budget, it keeps its head (the task) and its tail. With
        ``images`` (one per :data:`IMAGE_MARK` in ``text``) the processor expands each placeholder into the image's
        tokens, which a cut never splits."""
        if self.processor is not None:
            return self._encode_processor(text, list(images))
        if self.chat:
            ids = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": text}], add_generation_prompt=True, tokenize=True
            )
            ids = list(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids)
        else:
            ids = self.tokenizer(text + " ", add_special_tokens=False)["input_ids"]
        budget = self.max_prompt_tokens
        if len(ids) > budget:
            head = budget // 4
            ids = ids[:head] + ids[len(ids) - (budget - head) :]
        return list(ids)

    def _encode_processor(self, text: str, images: list[Any]) -> list[int]:
        """A vision-language policy's prompt: one user message of text and image parts through the processor's
        chat template; the processor gives each image its number of tokens."""
        pieces = text.split(IMAGE_MARK)
        if len(pieces) != len(images) + 1:
            raise ValueError(f"the prompt has {len(pieces) - 1} image placeholders for {len(images)} images")
        content: list[dict[str, str]] = []
        for k, piece in enumerate(pieces):
            if piece:
                content.append({"type": "text", "text": piece})
            if k < len(images):
                content.append({"type": "image"})
        if not getattr(self.processor, "chat_template", None):
            raise ValueError("a vision-language policy needs a processor with a chat template (its image tokens)")
        rendered = self.processor.apply_chat_template(
            [{"role": "user", "content": content}], add_generation_prompt=True, tokenize=False
        )
        ids = list(self.processor(text=[rendered], images=[images] if images else None)["input_ids"][0])
        return self._cut_keeping_special(ids)

    def _cut_keeping_special(self, ids: list[int]) -> list[int]:
        """``ids`` within the budget, dropping text tokens from the middle and never a special token (image spans,
        image pads and chat markers stay whole); an error when the special tokens alone exceed it."""
        budget = self.max_prompt_tokens
        if len(ids) <= budget:
            return [int(i) for i in ids]
        special = set(self.tokenizer.all_special_ids)
        image_token = getattr(self.processor, "image_token_id", None)
        if image_token is not None:
            special.add(image_token)
        kept_special = sum(i in special for i in ids)
        if kept_special > budget:
            raise ValueError(
                f"the prompt's images take {kept_special} tokens, more than max_prompt_tokens={budget}; raise "
                "--max-prompt-tokens or lower --history-images"
            )
        text_budget = budget - kept_special
        text_positions = [k for k, i in enumerate(ids) if i not in special]
        head = text_budget // 4
        keep = set(text_positions[:head]) | set(text_positions[len(text_positions) - (text_budget - head) :])
        return [int(i) for k, i in enumerate(ids) if i in special or k in keep]

    def build(self, instruction: str, obs: dict[str, Any], history: History) -> PromptIds:
        """The step's prompt ids, carrying the screenshots it shows (see :meth:`images`)."""
        images = self.images(obs, history)
        text = self.text(instruction, obs, history, earlier_images=max(0, len(images) - 1))
        return PromptIds(self.encode(text, images), images)

    def response_ids(self, action: str) -> list[int]:
        """Token ids of a response that states ``action`` and ends (the SFT target)."""
        ids = self.tokenizer(action, add_special_tokens=False)["input_ids"]
        return list(ids) + [self.tokenizer.eos_token_id]


@dataclass(frozen=True)
class Extracted:
    """An action pulled out of a response. ``valid`` is False when the text parses as no action of the mode."""

    action: str
    valid: bool
    error: str | None = None


def extract_action(response: str, mode: str = "text", centres: tuple[tuple[int, int], ...] | None = None) -> Extracted:
    """The action in ``response``, the same for every agent.

    The inside of the last ``<action>...</action>`` if present (any case), else the text after the last
    ``Action:``, else the whole response; surrounding backticks go. Text mode keeps the first non-empty line; other
    modes keep the whole text when it parses and fall back to its first non-empty line otherwise (small models
    that ignore the tags still play). With ``centres`` (a marked prompt) each ``@N`` is first resolved to element
    N's centre. Checked with ``parse_action``; an unparsable action is still returned (the env then answers with its
    own error) but marked invalid. An empty response gives ``Extracted("", False, ...)``: callers that must act
    send ``WAIT`` instead (``.action or "WAIT"``)."""
    text = response or ""
    tagged = _TAG.findall(text)
    if tagged:
        text = tagged[-1]
    elif "Action:" in text:
        text = text.rsplit("Action:", 1)[1]
    text = text.strip().strip("`").strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if mode == "text":
        text = first
    if not text:
        return Extracted("", False, "the response holds no action")
    candidates = [text] if first == text or mode == "text" else [text, first]
    error = None
    for candidate in candidates:
        try:
            resolved = resolve_marks(candidate, centres) if centres is not None else candidate
            parse_action(resolved, mode)
        except ActionError as e:
            error = error or (candidate, str(e))
            continue
        return Extracted(resolved, True)
    assert error is not None
    bad, why = error
    if centres is not None:
        try:
            bad = resolve_marks(bad, centres)
        except ActionError:
            pass
    return Extracted(bad, False, why)


# -- chat prompts for API models ---------------------------------------------------------------------------------
# One system message that fixes the answer format (``<action>...</action>``), one user message per step. The
# history keeps the last few actions (``window``) so that a stateless endpoint sees what the episode already tried;
# in multi-turn mode the agent sends earlier steps as turns instead and passes no history here.

_ACTION_HELP = {
    "text": "one command, e.g. one of the admissible actions, exactly as written",
    "pyautogui": "one pyautogui call such as pyautogui.click(120, 45), pyautogui.write('hello') or "
    "pyautogui.press('enter')",
    "computer_13": "one JSON action object in OSWorld's computer_13 format",
    "android": "one JSON action object in AndroidWorld's format",
}


def system_prompt(action_mode: str) -> str:
    what = _ACTION_HELP.get(action_mode, "one action")
    return (
        "You are an agent that completes tasks step by step. At each step you see the task and the current "
        f"observation. Reply with {what}, or DONE when the task is complete, or FAIL if it cannot be done. "
        "Put the action between <action> and </action>; you may think briefly before it."
    )
