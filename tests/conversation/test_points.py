"""One point, one place: a turn's list items that only restate other points are left out, and an item
that only points at words around it is turned down."""

from __future__ import annotations

from assistant.conversation import apply_updates
from assistant.core.schema import FieldValue, ProposedUpdate, Record


def _item(field: str, quote: str, value: str = "") -> ProposedUpdate:
    return ProposedUpdate(field=field, value=value, quote=quote)


def _values(record: Record, name: str) -> list[str]:
    value = record.value(name)
    return list(value) if isinstance(value, list) else []


def test_a_sentence_filed_whole_beside_its_own_parts_is_left_out() -> None:
    message = "final went great, formal offer via their HR tmrw, i'll prep ines tonight"
    record = Record(kind="client")
    result = apply_updates(record, [
        _item("strengths", "formal offer via their HR tmrw, i'll prep ines tonight"),
        _item("next_steps", "formal offer via their HR tmrw"),
        _item("next_steps", "i'll prep ines tonight"),
    ], [message])
    assert _values(record, "strengths") == []
    assert _values(record, "next_steps") == ["formal offer via their HR tmrw", "i'll prep ines tonight"]
    assert [u.field for u in result.applied] == ["next_steps", "next_steps"]
    assert not result.rejected  # a restatement is not news, like a repeat


def test_an_item_holding_points_already_recorded_is_left_out() -> None:
    message = "strong on substation protection + the IEC 61850 migration he led"
    record = Record(kind="candidate")
    apply_updates(record, [_item("strengths", "strong on substation protection"),
                           _item("strengths", "IEC 61850 migration")], [message])
    apply_updates(record, [_item("strengths", message)], [message])
    assert _values(record, "strengths") == ["strong on substation protection", "IEC 61850 migration"]


def test_a_piece_of_another_item_of_the_same_field_is_left_out_but_not_of_another_field() -> None:
    messages = ["they need someone on site 5 days, not 15 days", "she said he doesn't drive which makes the site hard"]
    record = Record(kind="client")
    apply_updates(record, [
        _item("requirement_changes", "they need someone on site 5 days"),
        _item("requirement_changes", "5 days"),
        _item("requirement_changes", "15 days"),  # not inside "5 days" nor the reverse: words, not letters
        _item("interview_conduct", "she said he doesn't drive which makes the site hard"),
        _item("concerns", "he doesn't drive"),
    ], messages)
    assert _values(record, "requirement_changes") == ["they need someone on site 5 days", "15 days"]
    assert _values(record, "concerns") == ["he doesn't drive"]


def test_the_same_clause_goes_under_the_first_field_only() -> None:
    message = "his MD already sounded him out about a counter offer"
    record = Record(kind="candidate")
    apply_updates(record, [_item("concerns", message), _item("red_flags", message)], [message])
    apply_updates(record, [_item("weak_areas", message)], [message])
    assert _values(record, "concerns") == [message]
    assert _values(record, "red_flags") == [] and _values(record, "weak_areas") == []


def test_the_quote_of_a_recorded_figure_is_not_also_a_list_item() -> None:
    messages = ["£84k base + 10% bonus + car allowance", "they want someone who knows NIS regs"]
    record = Record(kind="candidate", fields={"compensation": FieldValue(
        value={"current": 84000}, evidence=["£84k base + 10% bonus + car allowance"])})
    apply_updates(record, [
        _item("hiring_manager_priorities", "£84k base + 10% bonus + car allowance"),
        _item("hiring_manager_priorities", "knows NIS regs"),
    ], messages)
    assert _values(record, "hiring_manager_priorities") == ["knows NIS regs"]


def test_an_item_that_only_points_at_the_words_around_it_is_turned_down() -> None:
    message = ("she's sharp, very formal panel, wants to sleep on it, i pointed out the gap, "
               "it's not normal, will check, liked the team")
    record = Record(kind="candidate")
    result = apply_updates(record, [
        _item("strengths", "she's sharp", "she's sharp"),
        _item("concerns", "very formal panel", "very formal panel"),
        _item("next_steps", "sleep on it", "sleep on it"),
        _item("concerns", "i pointed out", "i pointed out"),
        _item("concerns", "it's not normal", "it's not normal"),
        _item("next_steps", "will check", "will check"),
        _item("strengths", "liked the team", "liked the team"),
    ], [message])
    assert _values(record, "strengths") == ["she's sharp", "liked the team"]
    assert _values(record, "concerns") == ["very formal panel"]
    assert _values(record, "next_steps") == []
    assert sorted(r.value for r in result.rejected) == ["i pointed out", "it's not normal", "sleep on it", "will check"]
    assert {r.reason for r in result.rejected} == {"too short to mean anything on its own"}


def test_an_item_that_only_weighs_what_is_said_around_it_is_turned_down() -> None:
    message = ("they need a CSCS card, non negotiable. the night shifts are one thing she wasnt keen on, "
               "and the commute's not a dealbreaker")
    record = Record(kind="client")
    result = apply_updates(record, [
        _item("requirement_changes", "they need a CSCS card", "they need a CSCS card"),
        _item("requirement_changes", "non negotiable", "non negotiable"),
        _item("concerns", "one thing she wasnt keen on", "one thing she wasnt keen on"),
        _item("concerns", "not a dealbreaker", "not a dealbreaker"),
        _item("concerns", "the night shifts", "the night shifts"),
    ], [message])
    assert _values(record, "requirement_changes") == ["they need a CSCS card"]
    assert _values(record, "concerns") == ["the night shifts"]
    assert {r.reason for r in result.rejected} == {"a verdict that does not say on what"}


def test_an_item_that_only_judges_without_saying_on_what_is_turned_down() -> None:
    message = ("short version: my bad on the brief, he's right. she felt pretty solid overall, "
               "strong on IFRS 16, no driving licence, process felt rushed")
    record = Record(kind="candidate")
    result = apply_updates(record, [
        _item("concerns", "short version", "short version"),
        _item("concerns", "my bad", "my bad"),
        _item("concerns", "he's right", "he's right"),
        _item("strengths", "she felt pretty solid overall", "she felt pretty solid overall"),
        _item("strengths", "strong on IFRS 16", "strong on IFRS 16"),
        _item("concerns", "no driving licence", "no driving licence"),
        _item("process_feedback", "process felt rushed", "process felt rushed"),
    ], [message])
    assert _values(record, "strengths") == ["strong on IFRS 16"]
    assert _values(record, "concerns") == ["no driving licence"]
    assert _values(record, "process_feedback") == ["process felt rushed"]
    assert sorted(r.value for r in result.rejected) == [
        "he's right", "my bad", "she felt pretty solid overall", "short version"]
    assert {r.reason for r in result.rejected} == {"a verdict that does not say on what"}
