"""Values that say more than their field's type: the quote settles a yes/no or a choice, and the next
question asks only for what the record does not hold."""

from __future__ import annotations

import pytest

from assistant.core.schema import SPECS_BY_KEY, FieldValue, Record
from assistant.core.values import InvalidValue, answer_in_quote
from assistant.service import Service
from tests.support.fakes import ScriptedChatModel, update


def test_a_yes_no_field_takes_the_answer_its_quote_states() -> None:
    offers = SPECS_BY_KEY["competing_offers"]
    assert answer_in_quote(offers, "He has a competing offer from Monzo at 98k") is True
    with pytest.raises(InvalidValue):
        answer_in_quote(offers, "no other offers that I know of")
    # A quote that does not name the field's subject says nothing clear either way.
    with pytest.raises(InvalidValue):
        answer_in_quote(SPECS_BY_KEY["relationship_risk"], "they were quick to reply")


def test_a_choice_field_takes_the_one_choice_its_quote_names() -> None:
    decision = SPECS_BY_KEY["decision"]
    assert answer_in_quote(decision, "it's a no from them") == "reject"
    assert answer_in_quote(decision, "they want to move forward with her") == "advance"
    with pytest.raises(InvalidValue):
        answer_in_quote(decision, "no offer yet, on hold")  # names three: not clear
    with pytest.raises(InvalidValue):
        answer_in_quote(decision, "they liked him")


def test_a_competing_offer_is_kept_and_the_next_question_skips_what_is_known(
    service: Service, model: ScriptedChatModel
) -> None:
    recruiter = service.keys.authenticate(service.dev_key)
    debrief = service.debriefs.open(
        recruiter.id, "candidate", {"candidate_name": "Sam", "role_title": "Backend Engineer", "company": "Acme"})
    model.script = [
        [update("interview_stage", "", "final round"), update("candidate_interest", "4", "4/5"),
         update("strengths", "", "strong on system design"), update("weak_areas", "", "shaky on SQL"),
         update("hiring_manager_priorities", "", "HM cared about ownership"),
         update("compensation_current", "90k", "on 90k"), update("notice_period", "1 month", "notice 1 month")],
        [update("competing_offers", "Monzo", "He has a competing offer from Monzo at 98k")],
    ]
    first = service.debriefs.post_message(
        recruiter.id, debrief.id,
        "final round, 4/5, strong on system design, shaky on SQL, HM cared about ownership, on 90k, notice 1 month")
    # Notice is known: the availability question asks only about other offers.
    assert "notice" not in first.reply.splitlines()[-1].lower()
    assert "other offers" in first.reply.splitlines()[-1]
    second = service.debriefs.post_message(
        recruiter.id, debrief.id, "He has a competing offer from Monzo at 98k, needs answer by Friday")
    assert second.record.value("competing_offers") is True
    assert not second.rejected
    question = second.reply.splitlines()[-1].lower()
    assert "offers" not in question and "notice" not in question


def test_a_topic_question_narrows_to_its_missing_fields(service: Service) -> None:
    flow = service.debriefs.flow("candidate")
    who = flow.topic("who")
    assert who is not None
    record = Record(kind="candidate")
    assert who.question(record) == who.ask
    record.fields["candidate_name"] = FieldValue(value="Sam", evidence=["Sam"])
    assert who.question(record) == "Which role was the interview for? Which company is hiring?"

