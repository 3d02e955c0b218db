"""The debrief conversation: flows, extraction, the evidence gate, corrections, replies and the engine."""

from __future__ import annotations

from assistant.conversation.both_sides import Interview, Interviews, SideStatus
from assistant.conversation.debriefs import Debrief, Debriefs, TurnOutcome
from assistant.conversation.extraction import Extractor, PastTurn
from assistant.conversation.recording import GateResult, apply_updates, flag_remarks
from assistant.conversation.refiner import BackgroundRefiner
from assistant.conversation.replies import label, show
from assistant.conversation.rereading import Rereader
from assistant.conversation.untrusted import untrusted_spans

__all__ = [
    "BackgroundRefiner",
    "Debrief",
    "Debriefs",
    "Extractor",
    "GateResult",
    "Interview",
    "Interviews",
    "PastTurn",
    "Rereader",
    "SideStatus",
    "TurnOutcome",
    "apply_updates",
    "flag_remarks",
    "label",
    "show",
    "untrusted_spans",
]
