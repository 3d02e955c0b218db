"""The debrief conversation: flows, extraction, the evidence gate, corrections, replies and the engine."""

from __future__ import annotations

from assistant.conversation.both_sides import Interview, Interviews, SideStatus
from assistant.conversation.debriefs import Debrief, Debriefs, TurnOutcome
from assistant.conversation.extraction import Extractor, PastTurn, tool_arguments
from assistant.conversation.replies import label, show
from assistant.conversation.untrusted import untrusted_spans

__all__ = [
    "Debrief",
    "Debriefs",
    "Extractor",
    "Interview",
    "Interviews",
    "PastTurn",
    "SideStatus",
    "TurnOutcome",
    "label",
    "show",
    "tool_arguments",
    "untrusted_spans",
]
