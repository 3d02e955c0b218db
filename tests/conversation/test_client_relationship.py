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


def _filed(message: str, field: str, quote: str) -> tuple[object, list[str]]:
    record = Record(kind="client")
    result = apply_updates(record, [ProposedUpdate(field=field, value=quote, quote=quote)], [message])
    return record.value(field), [r.reason for r in result.rejected]


def test_what_we_told_the_client_is_not_their_view_of_the_candidate() -> None:
    message = "HM worried about the drive from swindon, i reminded him she did that run for 3 years"
    assert _filed(message, "concerns", "worried about the drive from swindon") == (
        ["worried about the drive from swindon"], [])
    assert _filed(message, "concerns", "i reminded him she did that run for 3 years") == (
        None, ["what you told them, not their view"])
    told = "told marcus no, she won't relocate, and he said fine"
    assert _filed(told, "decision", "no") == (None, ["what you told them, not their decision"])


def test_how_the_client_treats_us_is_not_a_concern_about_the_candidate() -> None:
    message = "3 chasers and nothing back, and now they've gone to another agency for the role"
    assert _filed(message, "concerns", "they've gone to another agency for the role") == (
        None, ["how the client deals with us, not a view of the candidate"])
    # "us" in the client's own words is the client, and the candidate's doubts stay.
    said = "the FD said she 'wouldn't fit in with us', too corporate"
    assert _filed(said, "concerns", "wouldn't fit in with us") == (["wouldn't fit in with us"], [])
    assert _filed("he told me no reply from her in a week", "concerns", "no reply from her in a week") == (
        ["no reply from her in a week"], [])


def test_our_own_reading_of_the_candidate_is_not_the_clients_view() -> None:
    message = "HM said she's never owned a P&L. i read her 'ran the northern region' as budget holder, wrong"
    assert _filed(message, "concerns", "i read her 'ran the northern region' as budget holder") == (
        None, ["your own reading of the candidate, not the client's"])
    assert _filed(message, "concerns", "she's never owned a P&L") == (["she's never owned a P&L"], [])
