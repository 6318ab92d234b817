"""Components V2 rules of the fake Discord (Discord's "Components Reference").

A message with the ``IS_COMPONENTS_V2`` flag (``1 << 15``) is its components alone:
``content``, ``embeds``, ``poll`` and ``sticker_ids`` are refused with 50035 Invalid Form
Body; it may hold at most 40 components counted at every level of nesting, and at most
4,000 characters across all its text displays. The flag can be set by an edit (which must
then clear the content and embeds) but never removed. Without the flag only action rows may
sit at the top level. A section holds one to three text displays beside a button or a
thumbnail; button labels, custom ids and link urls keep their lengths.

The functions return Invalid Form Body errors as ``{field path: message}`` for the server
to raise, so this module depends on nothing else of the fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

IS_COMPONENTS_V2 = 1 << 15
MAX_COMPONENTS = 40
MAX_TEXT = 4000
ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL, CONTAINER = 1, 2, 9, 10, 11, 17
V2_ONLY_FIELDS = ("content", "embeds", "poll", "sticker_ids")


def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component at every level: children, a section's accessory, a label's component."""
    for component in components:
        yield component
        children = list(component.get("components") or [])
        for key in ("accessory", "component"):
            if component.get(key):
                children.append(component[key])
        yield from walk(children)


def count(components: list[dict[str, Any]]) -> int:
    """Components as Discord counts them against the 40: every level, accessories included."""
    return sum(1 for _ in walk(components))


def text_of(components: list[dict[str, Any]]) -> str:
    """The text of every text display, in order (what readers see, mentions included)."""
    return "\n".join(str(c.get("content") or "") for c in walk(components) if c.get("type") == TEXT_DISPLAY)


def text_length(components: list[dict[str, Any]]) -> int:
    """Characters across all text displays (Discord's 4,000)."""
    return sum(len(str(c.get("content") or "")) for c in walk(components) if c.get("type") == TEXT_DISPLAY)


def _has(value: Any) -> bool:
    return bool(value)


def check_create(payload: dict[str, Any]) -> dict[str, str]:
    """Errors of a new message's components (empty when Discord would take it)."""
    flags = int(payload.get("flags") or 0)
    components: list[dict[str, Any]] = payload.get("components") or []
    if not flags & IS_COMPONENTS_V2:
        return {
            f"components.{i}.type": 'Value of field "type" must be one of (1,).'
            for i, c in enumerate(components)
            if c.get("type") != ACTION_ROW
        }
    errors = {
        key: "Cannot be used when the IS_COMPONENTS_V2 flag is set."
        for key in V2_ONLY_FIELDS
        if _has(payload.get(key))
    }
    return {**errors, **_sizes(components)}


def check_edit(
    flags: int, content: str, embeds: list[dict[str, Any]], payload: dict[str, Any]
) -> dict[str, str]:
    """Errors of an edit to a message now holding ``flags``, ``content`` and ``embeds``."""
    new_flags = int(payload["flags"]) if payload.get("flags") is not None else flags
    if flags & IS_COMPONENTS_V2 and not new_flags & IS_COMPONENTS_V2:
        return {"flags": "The IS_COMPONENTS_V2 flag cannot be removed once set."}
    if not new_flags & IS_COMPONENTS_V2:
        if "components" in payload:
            return check_create({"components": payload["components"], "flags": new_flags})
        return {}
    after = {"content": content, "embeds": embeds}
    after.update({k: payload[k] for k in ("content", "embeds") if k in payload})
    errors = {
        key: "Cannot be used when the IS_COMPONENTS_V2 flag is set."
        for key in ("content", "embeds")
        if _has(after[key])
    }
    if "components" in payload:
        errors.update(_sizes(payload.get("components") or []))
    return errors


def _shape(components: list[dict[str, Any]], path: str = "components") -> dict[str, str]:
    """A section holds one to three text displays beside a button or thumbnail; an action
    row one to five buttons; a button's label, custom id and link within their lengths."""
    errors: dict[str, str] = {}
    for i, component in enumerate(components):
        here = f"{path}.{i}"
        kind = component.get("type")
        children = component.get("components") or []
        if kind == SECTION:
            if not 1 <= len(children) <= 3 or any(c.get("type") != TEXT_DISPLAY for c in children):
                errors[f"{here}.components"] = "A section holds 1 to 3 text displays."
            accessory = component.get("accessory") or {}
            if accessory.get("type") not in (BUTTON, THUMBNAIL):
                errors[f"{here}.accessory"] = "A section needs a button or a thumbnail as its accessory."
            else:
                errors.update(_shape([accessory], f"{here}.accessory"))
        elif kind == ACTION_ROW and children and all(c.get("type") == BUTTON for c in children):
            if len(children) > 5:
                errors[f"{here}.components"] = "Must be 5 or fewer in length."
        elif kind == BUTTON:
            if len(str(component.get("label") or "")) > 80:
                errors[f"{here}.label"] = "Must be 80 or fewer in length."
            if len(str(component.get("custom_id") or "")) > 100:
                errors[f"{here}.custom_id"] = "Must be 100 or fewer in length."
            if component.get("style") == 5 and not 1 <= len(str(component.get("url") or "")) <= 512:
                errors[f"{here}.url"] = "Must be between 1 and 512 in length."
        if kind != SECTION:
            errors.update(_shape(children, f"{here}.components"))
    return errors


def _sizes(components: list[dict[str, Any]]) -> dict[str, str]:
    errors = _shape(components)
    if count(components) > MAX_COMPONENTS:
        errors["components"] = f"Must be {MAX_COMPONENTS} or fewer in total (nested components included)."
    if text_length(components) > MAX_TEXT:
        errors["components"] = f"The total length of text displays must be {MAX_TEXT} or fewer."
    return errors
