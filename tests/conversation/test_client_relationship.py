"""A relationship risk rests on words about how the client deals with us, not on any sentence of a
tense debrief."""

from __future__ import annotations

from assistant.conversation import apply_updates
from assistant.core.schema import ProposedUpdate, Record


def _risk(message: str, quote: str, value: str = "yes") -> tuple[object, list[str]]:
    record = Record(kind="client")
    result = apply_updates(record, [ProposedUpdate(field="relationship_risk", value=value, quote=quote)], [message])
    return record.value("relationship_risk"), [r.reason for r in result.rejected]


def test_a_risk_is_taken_from_words_about_answering_silence_or_trust() -> None:
    assert _risk("no reply to 3 emails since tuesday", "no reply to 3 emails since tuesday") == (True, [])
    assert _risk("MD has gone very quiet on us", "MD has gone very quiet on us") == (True, [])
    assert _risk("she's asked another agency to send CVs", "asked another agency to send CVs") == (True, [])


def test_a_risk_quoted_from_words_that_say_nothing_of_it_is_refused() -> None:
    message = "they rated her modelling highly, role is on hold till budgets are signed off"
    assert _risk(message, "role is on hold") == (None, ["says nothing of how the client deals with us"])
    assert _risk(message, "they rated her modelling highly") == (None, ["says nothing of how the client deals with us"])


def test_no_risk_needs_no_such_words() -> None:
    assert _risk("he's still keen to work with us", "he's still keen to work with us", "no") == (False, [])
