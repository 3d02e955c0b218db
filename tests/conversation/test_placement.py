"""Which list a remark belongs in, read from whom it is about: the interviewers' questions are their
priorities (or, on the client side, how they ran the interview), and what the interviewers or the process
did, with no word of the candidate, is feedback on the process."""

from __future__ import annotations

from assistant.conversation import apply_updates
from assistant.conversation.corrections import apply_correction
from assistant.conversation.placement import placed
from assistant.core.schema import ProposedUpdate, Record


def _item(field: str, quote: str) -> ProposedUpdate:
    return ProposedUpdate(field=field, value="", quote=quote)


def _values(record: Record, name: str) -> list[str]:
    value = record.value(name)
    return list(value) if isinstance(value, list) else []


def test_candidate_side_remarks_go_where_their_subject_puts_them() -> None:
    message = ("anna hale - the panel ran 30 mins late and nobody knew what the budget was. the CFO grilled "
               "her on cash forecasting, they loved her energy though. her boss is already dangling a pay rise. "
               "she said the case study was far longer than advertised")
    record = Record(kind="candidate")
    result = apply_updates(record, [
        _item("candidate_name", "anna hale"),
        _item("red_flags", "the panel ran 30 mins late"),
        _item("concerns", "nobody knew what the budget was"),
        _item("weak_areas", "the CFO grilled her on cash forecasting"),
        _item("strengths", "they loved her energy"),
        _item("red_flags", "her boss is already dangling a pay rise"),
        _item("weak_areas", "she said the case study was far longer than advertised"),
    ], [message])
    assert _values(record, "process_feedback") == [
        "the panel ran 30 mins late", "nobody knew what the budget was",
        "the case study was far longer than advertised"]
    assert _values(record, "hiring_manager_priorities") == ["cash forecasting"]
    assert _values(record, "strengths") == ["they loved her energy"]
    assert _values(record, "red_flags") == ["her boss is already dangling a pay rise"]
    assert _values(record, "weak_areas") == []
    assert _values(record, "concerns") == []
    assert not result.rejected
    # The quote stays the recruiter's words, whichever list the point ends in.
    assert record.fields["hiring_manager_priorities"].evidence == ["the CFO grilled her on cash forecasting"]


def test_what_is_to_happen_in_the_days_ahead_is_a_next_step_wherever_it_was_filed() -> None:
    for field, item in [("red_flags", "they'll come back to me by thursday"),
                        ("requirement_changes", "they'll set up a panel week after next"),
                        ("process_feedback", "HR will send the contract tmrw")]:
        assert placed(field, item, "candidate", set(), "Tom Reed").field == "next_steps"
    # Not in the days ahead, or not what anyone will do: it stays.
    assert placed("concerns", "she'll have to relocate next year", "candidate", set(), None).field == "concerns"


def test_what_the_candidate_asked_or_their_own_employer_did_stays_where_it_was_filed() -> None:
    for field, item in [("concerns", "she asked about parking"),
                        ("concerns", "his current manager has offered a raise"),
                        ("strengths", "the SQL test was fine")]:
        assert placed(field, item, "candidate", set(), "Tom Reed").field == field


def test_questions_filed_as_process_feedback_are_the_interviewers_priorities() -> None:
    where = placed("process_feedback", "then asked loads on lone working and ward rounds", "candidate", set(), None)
    assert (where.field, where.text) == ("hiring_manager_priorities", "lone working and ward rounds")


def test_an_item_that_only_names_a_role_is_turned_down() -> None:
    message = "met the brand director and the head of people, both keen on her retail experience"
    record = Record(kind="candidate")
    result = apply_updates(record, [_item("hiring_manager_priorities", "brand director"),
                                    _item("hiring_manager_priorities", "head of people"),
                                    _item("strengths", "keen on her retail experience")], [message])
    assert _values(record, "hiring_manager_priorities") == []
    assert {r.reason for r in result.rejected} == {"names someone, not a point"}


def test_a_named_interviewer_opens_a_clause_like_their_role() -> None:
    people = {"priya"}
    where = placed("concerns", "priya kept coming back to stakeholder mapping", "candidate", people, "Tom Reed")
    assert (where.field, where.text) == ("hiring_manager_priorities", "stakeholder mapping")
    # A question the interviewers did not ask is about how the interview went, not what they care about.
    assert placed("concerns", "nobody asked about his portfolio", "candidate", people, None).field == "process_feedback"


def test_client_side_questions_describe_how_the_interview_was_run() -> None:
    message = "they asked almost nothing about his site experience. they think his notice is too long"
    record = Record(kind="client")
    apply_updates(record, [
        _item("concerns", "they asked almost nothing about his site experience"),
        _item("concerns", "they think his notice is too long"),
    ], [message])
    assert _values(record, "interview_conduct") == ["they asked almost nothing about his site experience"]
    assert _values(record, "concerns") == ["they think his notice is too long"]


def test_an_item_typed_in_the_record_panel_stays_in_the_list_the_recruiter_chose() -> None:
    record = Record(kind="candidate")
    apply_correction(record, "red_flags", "the panel ran 30 mins late\nsolid overall")
    assert _values(record, "red_flags") == ["the panel ran 30 mins late", "solid overall"]
    assert _values(record, "process_feedback") == []


def test_what_the_client_wants_or_offers_is_not_feedback_on_the_process() -> None:
    for item in ["they want someone more senior", "the HM would prefer a CPA", "they can only pay 60k"]:
        assert placed("concerns", item, "candidate", set(), "Tom Reed").field == "concerns"


def test_what_the_client_is_rather_than_what_it_did_on_the_day_stays_put() -> None:
    assert placed("concerns", "they're restructuring the whole team", "candidate", set(), None).field == "concerns"
    assert placed("strengths", "they were impressed", "candidate", set(), None).field == "strengths"
    assert placed("concerns", "the MD turned up late and distracted", "candidate", set(), None).field == (
        "process_feedback")


def test_a_topic_quoted_without_the_question_around_it_is_still_a_priority() -> None:
    message = "said the ops director kept coming back to S&OP and demand planning. she felt weak on SAP"
    record = Record(kind="candidate")
    apply_updates(record, [_item("strengths", "S&OP and demand planning"), _item("weak_areas", "weak on SAP")],
                  [message])
    assert _values(record, "hiring_manager_priorities") == ["S&OP and demand planning"]
    assert _values(record, "weak_areas") == ["weak on SAP"]
    assert _values(record, "strengths") == []


def test_a_topic_the_candidate_struggled_with_is_a_weak_area_and_a_worry_about_the_move_a_concern() -> None:
    message = ("tom reyes. he got caught out on IFRS 17 transition, and he's never used Workday. he's keen "
               "but the 90 min commute each way bothers him, and he's wary of the pay cut")
    record = Record(kind="candidate")
    apply_updates(record, [
        _item("candidate_name", "tom reyes"),
        _item("red_flags", "he got caught out on IFRS 17 transition"),
        _item("concerns", "he's never used Workday"),
        _item("weak_areas", "the 90 min commute each way bothers him"),
        _item("concerns", "he's wary of the pay cut"),
    ], [message])
    assert _values(record, "weak_areas") == ["he got caught out on IFRS 17 transition", "he's never used Workday"]
    assert _values(record, "concerns") == ["the 90 min commute each way bothers him", "he's wary of the pay cut"]
    assert _values(record, "red_flags") == []
    # On the client side the lists mean the client's view and stay as filed.
    client = Record(kind="client")
    apply_updates(client, [_item("concerns", "he got caught out on IFRS 17 transition")], [message])
    assert _values(client, "concerns") == ["he got caught out on IFRS 17 transition"]


def test_on_the_client_side_what_the_candidate_is_or_did_is_a_concern_not_a_requirement() -> None:
    assert placed("requirement_changes", "she's only ever used an outsourced payroll", "client", set(),
                  "Mina Rao").field == "concerns"
    assert placed("requirement_changes", "mina got 2/5 on the stakeholder exercise", "client", set(),
                  "Mina Rao").field == "concerns"
    # The client speaking, what the job will ask, and what the client wants stay requirements.
    for item in ("she admitted the spec we had is a year old", "she'd need to be in Leeds 3 days a week",
                 "they only want people who have run a payroll migration", "jo's only taking ACCA qualified"):
        assert placed("requirement_changes", item, "client", set(), "Mina Rao").field == "requirement_changes"
    # On the candidate side the candidate's doubts are theirs to weigh, and stay where they were filed.
    assert placed("requirement_changes", "she's only used an outsourced payroll", "candidate", set(),
                  "Mina Rao").field == "requirement_changes"
