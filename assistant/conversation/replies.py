"""What the assistant says back after a turn: what it captured, what it left out, what it asks next."""

from __future__ import annotations

from typing import Any

from assistant.core import AppliedUpdate, Rejection


def label(field: str) -> str:
    return field.replace(".", " ").replace("_", " ")


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and value >= 1000:
        return f"{value:,}"
    return str(value)


def _captured_line(update: AppliedUpdate) -> str:
    if update.field == "candidate_interest":
        text = f"interest {update.value}/5"
    else:
        text = f"{label(update.field)}: {show(update.value)}"
    if update.corrected_from is not None:
        text += f" (was {show(update.corrected_from)})"
    return text


def _left_out_line(rejection: Rejection) -> str:
    # A value the model left empty is named as such: an empty pair of quotation marks reads like a glitch.
    value = rejection.value.strip()
    shown = f"\u201c{value}\u201d" if value else "with no value"
    return f"{label(rejection.field)} {shown} ({rejection.reason})"


def compose(applied: list[AppliedUpdate], rejected: list[Rejection], question: str | None, closing: str) -> str:
    lines = []
    if applied:
        lines.append("Captured: " + "; ".join(_captured_line(u) for u in applied) + ".")
    else:
        lines.append("Nothing new to record from that.")
    if rejected:
        lines.append(f"Left out: {'; '.join(_left_out_line(r) for r in rejected)}.")
    lines.append(question if question else closing)
    return "\n".join(lines)


def refined(applied: list[AppliedUpdate]) -> str:
    """The log line of a whole-conversation pass, shown in the transcript like a turn's reply."""
    return "Filled from the whole conversation: " + "; ".join(_captured_line(u) for u in applied) + "."
