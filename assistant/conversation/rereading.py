"""The whole-conversation pass: one model call that reads every message of a debrief and writes the
record as it stands after the last one, including the judgements that need the whole conversation
(the client's decision, why the interview failed, the relationship, how the interview was run).

The answer is a checklist, not a list of updates: one JSON property per field of the side, in the
record's order, each holding the recruiter's exact words (and, for figures, yes/no and choices, the
value they state). Walking the fields one by one is what lets a small model cover a long debrief: asked
for "the updates the record is missing", it answered with few or none. The pass writes the whole
record, not only what is new, so its prompt never shows the record: the instructions are fixed for
each side and the messages follow oldest first, each rendered the same way every time, so a later pass
over a longer conversation reuses the earlier one's prefix from the server's cache. Nothing it writes
is trusted: assistant/conversation/refinement.py puts every proposal through the turn's evidence gate
and keeps only what the record does not hold yet.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.conversation.extraction import (
    Extraction,
    PastTurn,
    call_model,
    escape_message,
    extraction_from,
)
from assistant.core import SIDES, FieldSpec, Kind, PromptLibrary, ProposedUpdate, Side, specs_for
from assistant.model import Breaker, Redactor, invoked_answer, structured

ANSWER_NAME = "debrief_record"
MAX_PROPOSALS = 48
MAX_ITEMS = 8
# The whole record with its quotes, for a long debrief; the pass is off the recruiter's path, but an
# unbounded answer would hold the model server for minutes.
MAX_OUTPUT_TOKENS = 1200
# A judgement the pass cannot make from the messages is answered, not guessed.
UNKNOWN = "unknown"


def _typed(spec: FieldSpec) -> dict[str, Any]:
    if spec.kind is Kind.BOOLEAN:
        return {"type": "string", "enum": ["yes", "no"]}
    if spec.kind is Kind.CHOICE:
        return {"type": "string", "enum": [*spec.choices, UNKNOWN]}
    if spec.kind is Kind.INTEREST:
        return {"type": "integer", "minimum": 1, "maximum": 5}
    return {"type": "string"}  # money and currency as written: the gate parses "98k" and "£95,000"


def _property(spec: FieldSpec) -> dict[str, Any]:
    if spec.kind is Kind.TEXT:
        return {"type": "string"}
    if spec.kind is Kind.TEXT_LIST:
        return {"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "string"}}
    # Quote first, as in a turn's answer: the model copies the words, then reads the value off them.
    return {
        "type": "object",
        "properties": {"quote": {"type": "string"}, "value": _typed(spec)},
        "required": ["quote", "value"],
    }


def record_checklist_schema(side: Side) -> dict[str, Any]:
    """One optional property per field of the side, in the record's order (a grammar, not prompt text:
    the prompt names the fields)."""
    return {"type": "object", "properties": {spec.key: _property(spec) for spec in specs_for(side)}}


def proposals_from(answer: Any, side: Side) -> list[ProposedUpdate]:
    """The checklist as the updates the gate takes: for text, the words are both quote and value."""
    if not isinstance(answer, dict):
        return []
    keys = {spec.key: spec for spec in specs_for(side)}
    proposed: list[ProposedUpdate] = []
    for key, written in answer.items():
        spec = keys.get(key)
        if spec is None:
            continue
        if spec.kind is Kind.TEXT_LIST:
            items = written if isinstance(written, list) else [written]
            proposed.extend(ProposedUpdate(field=key, value="", quote=str(item)) for item in items[:MAX_ITEMS])
        elif spec.kind is Kind.TEXT:
            proposed.append(ProposedUpdate(field=key, value="", quote=str(written)))
        elif isinstance(written, dict):
            proposed.append(ProposedUpdate(
                field=key, value=str(written.get("value", "")), quote=str(written.get("quote", ""))))
    return [update for update in proposed if update.quote.strip()][:MAX_PROPOSALS]


class Rereader:
    def __init__(
        self, chat_model: BaseChatModel, prompts: PromptLibrary, breaker: Breaker | None = None,
        redact: bool = False,
    ) -> None:
        self._prompts = prompts
        self._breaker = breaker
        self._redact = redact
        self._bound = {
            side: structured(chat_model, ANSWER_NAME, record_checklist_schema(side), MAX_OUTPUT_TOKENS)
            for side in SIDES
        }

    def build_messages(self, side: Side, turns: list[PastTurn]) -> tuple[list[BaseMessage], dict[str, str]]:
        system = self._prompts.render("rereading_system.j2", side=side, specs=specs_for(side))
        messages: list[BaseMessage] = [SystemMessage(system.text)]
        hashes = {system.name: system.template_sha256}
        for turn in turns:
            rendered = self._prompts.render(
                "rereading_message.j2", question=turn.question_before, message=escape_message(turn.message)
            )
            messages.append(HumanMessage(rendered.text))
            hashes[rendered.name] = rendered.template_sha256
        request = self._prompts.render("rereading_request.j2", side=side)
        messages.append(HumanMessage(request.text))
        hashes[request.name] = request.template_sha256
        return messages, hashes

    def reread(self, side: Side, turns: list[PastTurn]) -> Extraction:
        messages, hashes = self.build_messages(side, turns)
        redactor = Redactor() if self._redact else None
        if redactor:
            messages = redactor.redact_messages(messages)
        bound = self._bound[side]
        args, usage = call_model(self._breaker, lambda: invoked_answer(bound, messages))
        return extraction_from(proposals_from(redactor.restore(args) if redactor else args, side), usage, hashes)
