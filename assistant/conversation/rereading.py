"""The whole-conversation pass: one model call that reads every message of a debrief and proposes what
the turn-by-turn record missed, including the judgements that need the whole conversation (the client's
decision, why the interview failed, the relationship, how the interview was run).

Laid out for the server's prefix cache like a turn: the instructions are fixed for each side, the
messages follow oldest first (each rendered the same way every time, so a later pass over a longer
conversation reuses the earlier one's prefix), and only the short summary of the record so far, which
changes between passes, comes last. Nothing it proposes is trusted: assistant/refinement.py puts
every proposal through the turn's evidence gate.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.conversation.extraction import (
    ANSWER_NAME,
    Extraction,
    PastTurn,
    call_model,
    escape_message,
    extraction_from,
    update_schema,
)
from assistant.core import SIDES, PromptLibrary, Record, Side, specs_for
from assistant.model import Breaker, Redactor, invoked_answer, structured

MAX_PROPOSALS = 32
# Enough for a long debrief's missed facts with short quotes; the pass is off the recruiter's path,
# but an unbounded answer would hold the model server for minutes.
MAX_OUTPUT_TOKENS = 700
SHOWN_CHARS = 60


def recorded_lines(record: Record) -> list[str]:
    """The record as short lines for the end of the prompt, so the model leaves out what is known."""
    lines = []
    for name, item in record.fields.items():
        value = item.value
        if isinstance(value, list):
            shown = "; ".join(str(v)[:SHOWN_CHARS] for v in value)
        elif isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items())
        else:
            shown = str(value)[:SHOWN_CHARS]
        lines.append(f"{name}: {shown}")
    return lines


class Rereader:
    def __init__(
        self, chat_model: BaseChatModel, prompts: PromptLibrary, breaker: Breaker | None = None,
        redact: bool = False,
    ) -> None:
        self._prompts = prompts
        self._breaker = breaker
        self._redact = redact
        self._bound = {
            side: structured(chat_model, ANSWER_NAME, update_schema(side, MAX_PROPOSALS, specs_for(side)),
                             MAX_OUTPUT_TOKENS)
            for side in SIDES
        }

    def build_messages(
        self, side: Side, turns: list[PastTurn], record: Record
    ) -> tuple[list[BaseMessage], dict[str, str]]:
        system = self._prompts.render("rereading_system.j2", side=side, specs=specs_for(side))
        messages: list[BaseMessage] = [SystemMessage(system.text)]
        hashes = {system.name: system.template_sha256}
        for turn in turns:
            rendered = self._prompts.render(
                "rereading_message.j2", question=turn.question_before, message=escape_message(turn.message)
            )
            messages.append(HumanMessage(rendered.text))
            hashes[rendered.name] = rendered.template_sha256
        request = self._prompts.render("rereading_request.j2", recorded=recorded_lines(record))
        messages.append(HumanMessage(request.text))
        hashes[request.name] = request.template_sha256
        return messages, hashes

    def reread(self, side: Side, turns: list[PastTurn], record: Record) -> Extraction:
        messages, hashes = self.build_messages(side, turns, record)
        redactor = Redactor() if self._redact else None
        if redactor:
            messages = redactor.redact_messages(messages)
        bound = self._bound[side]
        args, usage = call_model(self._breaker, lambda: invoked_answer(bound, messages))
        return extraction_from(redactor.restore(args) if redactor else args, usage, hashes, MAX_PROPOSALS)
