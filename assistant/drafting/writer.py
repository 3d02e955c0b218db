"""Writing a draft: the brief a draft is written from, the model call that streams it, and the
template-only draft that stands in when the model cannot help.

The model sees only what the draft's reader may read (assistant.disclosure), and what it writes is
cleaned of markup and links before anyone sees it: a draft is plain text a recruiter will paste into
an email, and a link or image slipped in through pasted text must not travel with it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.core import ModelUnavailable, PromptLibrary, Record, clean
from assistant.drafting.disclosure import Audience, Fact
from assistant.model import Breaker
from assistant.playbook import GuidanceNote


class DraftKind(StrEnum):
    CANDIDATE_FEEDBACK_EMAIL = "candidate_feedback_email"
    CANDIDATE_COACHING_NOTE = "candidate_coaching_note"
    REVISED_JOB_SPEC = "revised_job_spec"
    CLIENT_FOLLOW_UP = "client_follow_up"


@dataclass(frozen=True)
class KindInfo:
    title: str
    audience: Audience
    export: Literal["eml", "md"]


KINDS: dict[DraftKind, KindInfo] = {
    DraftKind.CANDIDATE_FEEDBACK_EMAIL: KindInfo("feedback email to the candidate", "candidate", "eml"),
    DraftKind.CANDIDATE_COACHING_NOTE: KindInfo("coaching note for the candidate", "candidate", "md"),
    DraftKind.REVISED_JOB_SPEC: KindInfo("revised job spec", "spec", "md"),
    DraftKind.CLIENT_FOLLOW_UP: KindInfo("follow-up email to the client", "client", "eml"),
}


@dataclass
class Brief:
    """Everything one draft is written from."""

    kind: DraftKind
    record: Record
    facts: list[Fact]
    recruiter: str
    guidance: list[GuidanceNote] = field(default_factory=list)
    instructions: str | None = None
    original_spec: str | None = None
    # The other side's debrief of the same interview, when there is one.
    other_side: Record | None = None

    @property
    def info(self) -> KindInfo:
        return KINDS[self.kind]


@dataclass
class Written:
    text: str
    author: str  # the model's name, or "template"
    prompts: dict[str, str]  # prompt file -> sha256
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    removed: list[str] = field(default_factory=list)  # links, images and markup taken out
    echoed: list[str] = field(default_factory=list)  # lines that repeated the drafting instructions


TEMPLATE = "template"
GUIDANCE_CHARS = 400


class DraftWriter:
    def __init__(
        self, chat_model: BaseChatModel, prompts: PromptLibrary, breaker: Breaker, max_tokens: int = 700,
    ) -> None:
        """`breaker` is the turns' own: a model server that is down or restarting fails a draft at once,
        in the same words as a turn, and a draft's failures count towards pausing the model."""
        self._breaker = breaker
        self._model = chat_model
        self._prompts = prompts
        self._max_tokens = max_tokens

    @property
    def model_name(self) -> str:
        return str(getattr(self._model, "model_name", None) or self._model._llm_type)

    def shape(self, brief: Brief) -> str:
        """The draft type's instructions: the wording its drafts are built from besides the facts."""
        return self._prompts.render(f"draft_{brief.kind.value}.j2", recruiter=brief.recruiter,
                                    audience=brief.info.audience).text

    def messages(self, brief: Brief) -> tuple[list[SystemMessage | HumanMessage], dict[str, str]]:
        """The kind's instructions first (the same for every draft of that kind, so the server's prompt
        cache holds them), the brief after."""
        system = self._prompts.render(f"draft_{brief.kind.value}.j2", recruiter=brief.recruiter,
                                      audience=brief.info.audience)
        guidance = [
            {"title": n.title, "text": _short(n.text, GUIDANCE_CHARS)} for n in brief.guidance
        ]
        data = self._prompts.render(
            "draft_brief.j2", title=brief.info.title, facts=brief.facts, guidance=guidance,
            original_spec=brief.original_spec, instructions=brief.instructions,
        )
        hashes = {
            system.name: system.template_sha256,
            "draft_rules.j2": self._prompts.sha256("draft_rules.j2"),
            data.name: data.template_sha256,
        }
        return [SystemMessage(system.text), HumanMessage(data.text)], hashes

    def stream(self, brief: Brief) -> Generator[str, None, Written]:
        """Yield the text as the model writes it; return the cleaned draft."""
        messages, hashes = self.messages(brief)
        started = time.perf_counter()
        parts: list[str] = []
        usage: dict[str, Any] = {}
        try:
            with self._breaker.call():
                for chunk in self._model.stream(messages, extra_body={"max_tokens": self._max_tokens}):
                    text = chunk.content if isinstance(chunk.content, str) else ""
                    if text:
                        parts.append(text)
                        yield text
                    reported = getattr(chunk, "usage_metadata", None)
                    if reported:
                        usage = dict(reported)
        except ModelUnavailable:
            raise
        except Exception as exc:  # transport errors of every kind mean the same to the recruiter
            raise ModelUnavailable(str(exc)) from exc
        # Servers that report no usage when streaming (llama-cpp-python): a chunk is about one token.
        usage.setdefault("output_tokens", len(parts))
        text, removed = clean("".join(parts))
        text, echoed = without_instructions(text, str(messages[0].content), self.template(brief).text)
        return Written(
            text=text, author=self.model_name, prompts=hashes,
            input_tokens=int(usage.get("input_tokens", 0)), output_tokens=int(usage.get("output_tokens", 0)),
            seconds=round(time.perf_counter() - started, 3), removed=removed, echoed=echoed,
        )

    def template(self, brief: Brief) -> Written:
        """A draft filled in from the record alone: plainer, but never empty-handed."""
        rendered = self._prompts.render(f"fallback/{brief.kind.value}.j2", **_template_values(brief))
        text = re.sub(r"\n{3,}", "\n\n", rendered.text).strip()
        return Written(text=text, author=TEMPLATE, prompts={rendered.name: rendered.template_sha256})


def _template_values(brief: Brief) -> dict[str, Any]:
    by_field: dict[str, list[str]] = {}
    for fact in brief.facts:
        by_field.setdefault(fact.field, []).append(fact.value)

    def one(name: str) -> str | None:
        return by_field.get(name, [None])[0]

    candidate = one("candidate_name")
    return {
        "recruiter": brief.recruiter, "candidate": candidate,
        "first_name": candidate.split()[0] if candidate else None,
        "role": one("role_title"), "company": one("company"), "decision": brief.record.value("decision"),
        "strengths": by_field.get("strengths", []), "concerns": by_field.get("concerns", []),
        "next_steps": by_field.get("next_steps", []), "changes": by_field.get("requirement_changes", []),
        "practise": by_field.get("weak_areas", []) + by_field.get("concerns", []),
        "priorities": by_field.get("hiring_manager_priorities", []), "original_spec": brief.original_spec,
    }


ECHO_WORDS = 8
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def without_instructions(text: str, instructions: str, expected: str) -> tuple[str, list[str]]:
    """Drop the lines that repeat ECHO_WORDS or more consecutive words of the instructions: however the
    model was talked into it, its prompt is not something to send. Runs the template writes too (the
    shape's fixed lines, "What the interview told us about the role:") are wording, not a leak."""

    def runs(words: list[str]) -> list[tuple[str, ...]]:
        return [tuple(words[i:i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)]

    def words(of: str) -> list[str]:
        return [w.lower() for w in _WORD.findall(of)]

    secret = set(runs(words(instructions))) - set(runs(words(expected)))
    found = list(_WORD.finditer(text))
    hit: set[int] = set()  # character offsets inside a repeated run; a run may span several lines
    for i, run in enumerate(runs([m.group(0).lower() for m in found])):
        if run in secret:
            hit.update(range(found[i].start(), found[i + ECHO_WORDS - 1].end()))
    if not hit:
        return text, []
    kept: list[str] = []
    echoed: list[str] = []
    at = 0
    for line in text.split("\n"):
        (echoed if any(o in hit for o in range(at, at + len(line))) else kept).append(line)
        at += len(line) + 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip(), echoed


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
