"""One structured model call per recruiter turn: the field updates the newest message states.

The prompt is laid out for the model server's prefix cache: the instructions are identical for every
turn of every debrief of one side (the answer's schema is a grammar, not prompt text), earlier turns
(when shown) are appended and never rewritten, and only the newest message is new each turn. The record
so far is not shown: it grows with every turn, so reading it made late turns slower, and a correction
restates its field anyway ("notice is 3 months not 1"); the code, not the model, replaces the old value
(assistant/recording.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.core import (
    MODEL_CALL_SECONDS,
    MODEL_CALLS_IN_FLIGHT,
    MODEL_TOKENS,
    ModelOutputInvalid,
    ModelUnavailable,
    PromptLibrary,
    ProposedUpdate,
    Side,
    turn_specs,
)
from assistant.model import Breaker, Redactor, invoked_answer, streamed_answer, structured

ANSWER_NAME = "record_updates"
MAX_UPDATES = 16
# The record update is small; a runaway generation on a slow CPU would hold the turn for minutes.
MAX_OUTPUT_TOKENS = 600


@dataclass(frozen=True)
class PastTurn:
    question_before: str | None  # what the assistant had asked when the recruiter wrote this
    message: str
    # Who and what the debrief is about so far ("candidate: Jo Baker; role: ops analyst"), so that
    # "he" and "the role" resolve without showing the whole record.
    known: str | None = None


@dataclass
class Extraction:
    proposed: list[ProposedUpdate]
    input_tokens: int = 0
    output_tokens: int = 0
    prompt_sha256: dict[str, str] = field(default_factory=dict)


def update_schema(side: Side) -> dict[str, Any]:
    """The JSON the model must answer with; flat so the grammar stays small."""
    keys = [spec.key for spec in turn_specs(side)]
    return {
        "type": "object",
        "properties": {
            "updates": {
                "type": "array",
                "maxItems": MAX_UPDATES,
                "items": {
                    "type": "object",
                    # Quote first: a small model copies the words, then labels them, and mislabels far
                    # less than when it picks a field and then hunts for words. Objects, not
                    # [quote, field, value] arrays: the keys are two thirds of what the model writes, and
                    # arrays wrote a third fewer tokens on the eval gate, but the 1.5B model labelled
                    # worse (micro-F1 0.541 to 0.497).
                    "properties": {
                        "quote": {"type": "string"},
                        "field": {"type": "string", "enum": keys},
                        # Optional: for text fields the quote is the value, which halves the tokens a
                        # slow CPU has to write.
                        "value": {"type": "string"},
                    },
                    "required": ["quote", "field"],
                },
            }
        },
        "required": ["updates"],
    }


# A sentence ends at its closing punctuation or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE_END = re.compile(r"(?<=,)\s+")


def message_parts(message: str, max_chars: int) -> list[str]:
    """A long message as consecutive parts of whole sentences, each up to `max_chars` where a sentence
    allows. A small model answering for a long message with many facts lists the first few and drops
    the rest; in parts of a few sentences each, it reads every one. The parts are the message's own
    text, so every quote still stands in it."""
    if max_chars <= 0 or len(message) <= max_chars:
        return [message]
    parts: list[str] = []
    current = ""
    sentences = [s for s in _SENTENCE_END.split(message) if s.strip()]
    # Recruiters type run-on notes joined by commas: such a sentence splits at its commas instead.
    pieces = [p for s in sentences for p in (_CLAUSE_END.split(s) if len(s) > max_chars else [s])]
    for sentence in pieces:
        if current and len(current) + 1 + len(sentence) > max_chars:
            parts.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        parts.append(current)
    return parts


def escape_message(message: str) -> str:
    # The message sits between <message> tags; it must not be able to close them.
    return message.replace("<message>", "<message >").replace("</message>", "</message >")


class Extractor:
    def __init__(
        self, chat_model: BaseChatModel, prompts: PromptLibrary, breaker: Breaker | None = None,
        redact: bool = False, split_over_chars: int = 0,
    ) -> None:
        """`breaker` fails turns fast while the endpoint is down; `redact` keeps contact details out of
        prompts sent off this machine (see assistant/redaction.py); a message longer than
        `split_over_chars` (0: none) is read in parts of whole sentences, one call each."""
        self._split_over_chars = split_over_chars
        self._prompts = prompts
        self._breaker = breaker
        self._redact = redact
        self._bound = {
            side: structured(chat_model, ANSWER_NAME, update_schema(side), MAX_OUTPUT_TOKENS)
            for side in ("candidate", "client")
        }

    def build_messages(
        self, side: Side, history: list[PastTurn], newest: PastTurn
    ) -> tuple[list[BaseMessage], dict[str, str]]:
        """Earlier turns are rendered exactly as they were when each was the newest, so the server's
        cached prefix runs up to the end of the previous message."""
        system = self._prompts.render("extraction_system.j2", side=side, specs=turn_specs(side))
        messages: list[BaseMessage] = [SystemMessage(system.text)]
        hashes = {system.name: system.template_sha256}
        for turn in [*history, newest]:
            rendered = self._prompts.render(
                "extraction_message.j2", question=turn.question_before, message=escape_message(turn.message),
                known=turn.known,
            )
            messages.append(HumanMessage(rendered.text))
            hashes[rendered.name] = rendered.template_sha256
        return messages, hashes

    def warm_up(self, side: Side) -> None:
        """Have the server read the fixed part of the prompt (instructions and fields) once, so the
        first recruiter turn reuses it from the server's cache instead of waiting for a cold read."""
        messages, _ = self.build_messages(side, [], PastTurn(None, ""))
        self._bound[side].invoke(messages, extra_body={"max_tokens": 1})

    def extract(
        self,
        side: Side,
        history: list[PastTurn],
        newest: PastTurn,
        on_progress: Callable[[int], None] | None = None,
    ) -> Extraction:
        """One model call, or one per part of a long message. With `on_progress` the answer is streamed
        and each chunk reported."""
        parts = message_parts(newest.message, self._split_over_chars)
        if len(parts) == 1:
            return self._extract_one(side, history, newest, on_progress)
        done = 0

        def progress(n: int) -> None:
            if on_progress:
                on_progress(done + n)

        whole = Extraction(proposed=[])
        for part in parts:
            one = self._extract_one(side, history, PastTurn(newest.question_before, part, newest.known),
                                    progress if on_progress else None)
            whole.proposed += one.proposed
            whole.input_tokens += one.input_tokens
            whole.output_tokens += one.output_tokens
            whole.prompt_sha256.update(one.prompt_sha256)
            done = whole.output_tokens
        return whole

    def _extract_one(
        self, side: Side, history: list[PastTurn], newest: PastTurn, on_progress: Callable[[int], None] | None
    ) -> Extraction:
        messages, hashes = self.build_messages(side, history, newest)
        # Quotes come back with the originals restored, so the evidence gate checks the recruiter's words.
        redactor = Redactor() if self._redact else None
        if redactor:
            messages = redactor.redact_messages(messages)
        model = self._bound[side]

        def ask() -> tuple[Any, dict[str, Any]]:
            if on_progress is None:
                return invoked_answer(model, messages)
            return streamed_answer(model.stream(messages), on_progress)

        args, usage = call_model(self._breaker, ask)
        return extraction_from(parse_updates(redactor.restore(args) if redactor else args), usage, hashes)


def call_model(breaker: Breaker | None, ask: Callable[[], tuple[Any, dict[str, Any]]]) -> tuple[Any, dict[str, Any]]:
    """One model call through the circuit breaker; whatever the client raises on the way is the endpoint
    being unavailable."""
    try:
        with breaker.call() if breaker else nullcontext(), MODEL_CALLS_IN_FLIGHT.track_inprogress(), \
                MODEL_CALL_SECONDS.time():
            args, usage = ask()
    except (ModelOutputInvalid, ModelUnavailable):
        raise
    except Exception as exc:  # the client raises many transport types; all mean the same here
        raise ModelUnavailable(str(exc)) from exc
    MODEL_TOKENS.labels("input").inc(int(usage.get("input_tokens", 0)))
    MODEL_TOKENS.labels("output").inc(int(usage.get("output_tokens", 0)))
    return args, usage


def extraction_from(proposed: list[ProposedUpdate], usage: dict[str, Any], hashes: dict[str, str]) -> Extraction:
    return Extraction(
        proposed=proposed,
        input_tokens=int(usage.get("input_tokens", 0)),
        output_tokens=int(usage.get("output_tokens", 0)),
        prompt_sha256=hashes,
    )


def parse_updates(args: Any) -> list[ProposedUpdate]:
    raw_updates = args.get("updates", []) if isinstance(args, dict) else []
    updates = []
    for raw in raw_updates[:MAX_UPDATES]:
        if not isinstance(raw, dict):
            continue
        updates.append(ProposedUpdate(
            field=str(raw.get("field", "")), value=str(raw.get("value", "")), quote=str(raw.get("quote", ""))
        ))
    return updates
