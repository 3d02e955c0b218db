"""Reading playbook files: front matter, splitting by heading, applies_when conditions."""

from pathlib import Path

import pytest

from assistant.core.errors import InvalidInput
from assistant.core.resources import knowledge_folder
from assistant.core.schema import FieldValue, Record
from assistant.playbook.conditions import in_words, matching, parse_conditions
from assistant.playbook.entries import MAX_CHARS, SITUATION, discover, read_entry, split_entry
from tests.support.playbook_fixtures import write_entry

KNOWLEDGE = knowledge_folder()


def _record(kind: str = "client", **values: object) -> Record:
    return Record(kind=kind, fields={k: FieldValue(value=v, evidence=["x"]) for k, v in values.items()})  # type: ignore[arg-type]


def test_every_playbook_file_reads_and_splits_into_cited_sections() -> None:
    files = discover([KNOWLEDGE])
    assert len(files) >= 12
    ids = set()
    for path in files:
        entry = read_entry(path, KNOWLEDGE)
        ids.add(entry.id)
        chunks = split_entry(entry)
        assert len(chunks) >= 3, path
        for chunk in chunks:
            assert chunk.entry_id == entry.id and chunk.title == entry.title and chunk.heading
            assert chunk.file == path.name
            assert not chunk.text.startswith("#")  # headings travel as metadata, not as text
            assert len(chunk.text) <= MAX_CHARS
    assert len(ids) == len(files), "entry ids are unique"


def test_sections_carry_their_heading_and_a_long_section_is_cut_with_overlap(tmp_path: Path) -> None:
    long_text = " ".join(f"Sentence number {n} about keeping candidates warm." for n in range(80))
    write_entry(tmp_path, "a.md", "warmth", {"Short one": "Call them back.", "Long one": long_text})
    chunks = split_entry(read_entry(tmp_path / "a.md", tmp_path))
    assert [c.heading for c in chunks][0] == "Short one"
    long_parts = [c for c in chunks if c.heading == "Long one"]
    assert len(long_parts) >= 3
    assert len({c.id for c in chunks}) == len(chunks)


def test_passage_ids_follow_headings_so_an_inserted_section_changes_no_other_id(tmp_path: Path) -> None:
    write_entry(tmp_path, "a.md", "entry", {"One": "first", "Two": "second"})
    before = {c.heading: c.id for c in split_entry(read_entry(tmp_path / "a.md", tmp_path))}
    write_entry(tmp_path, "a.md", "entry", {"Zero": "new", "One": "first", "Two": "second"})
    after = {c.heading: c.id for c in split_entry(read_entry(tmp_path / "a.md", tmp_path))}
    assert after["One"] == before["One"] and after["Two"] == before["Two"]


def test_a_plain_text_file_is_an_entry_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "our-offer-policy.txt"
    path.write_text("Offers above band need the director's sign-off.", encoding="utf-8")
    entry = read_entry(path, tmp_path)
    assert entry.id == "our-offer-policy" and entry.applies_when == ()
    [chunk] = split_entry(entry)
    assert chunk.heading == "our-offer-policy" and "sign-off" in chunk.text


def test_a_summary_becomes_the_entry_s_situation_passage_with_its_conditions_in_words(tmp_path: Path) -> None:
    sections = {"Reopening contact": "Phone, then email, then a mutual contact."}
    write_entry(tmp_path, "silent.md", "client-gone-silent", sections, "  - {relationship_risk: true}",
                summary="The client stops replying after an interview.")
    write_entry(tmp_path, "plain.md", "plain", sections, "  - {relationship_risk: true}")

    *_, situation = split_entry(read_entry(tmp_path / "silent.md", tmp_path))
    assert situation.heading == SITUATION and situation.metadata["situation"] is True
    assert situation.text.startswith("The client stops replying after an interview.")
    # The condition in the record's own words, not as the field name it is written with.
    assert "the client is unresponsive or losing confidence in us" in situation.text
    assert "relationship_risk" not in situation.text
    # No summary, no situation passage: a recruiter's plain documents are cut as before.
    assert [c.heading for c in split_entry(read_entry(tmp_path / "plain.md", tmp_path))] == ["Reopening contact"]


def test_conditions_in_words_list_the_values_of_one_field_once() -> None:
    conditions = parse_conditions([
        {"failure_cause": "brief_not_qualified"}, {"failure_cause": "client_changed_requirements"},
        {"kind": "candidate", "candidate_interest_max": 2}, {"competing_offers": False},
    ])
    assert in_words(conditions) == (
        "why the interview failed, when it did: brief not qualified or client changed requirements; "
        "a candidate debrief and the candidate's interest in the role, 1 (none) to 5 (very keen): at most 2; "
        "not the candidate holds or expects other offers"
    )


def test_every_shipped_entry_says_in_a_summary_when_it_applies() -> None:
    for path in discover([KNOWLEDGE]):
        entry = read_entry(path, KNOWLEDGE)
        assert entry.summary, f"{path.name} has no summary"
        assert split_entry(entry)[-1].heading == SITUATION


def test_conditions_any_mapping_may_hold_and_all_clauses_of_one_must() -> None:
    conditions = parse_conditions([
        {"decision": "reject"},
        {"kind": "client", "relationship_risk": True},
        {"has": "requirement_changes"},
        {"candidate_interest_max": 2},
    ])
    assert matching(conditions, _record()) is None
    assert matching(conditions, _record(decision="reject")) is not None
    assert matching(conditions, _record(relationship_risk=True)) is not None
    assert matching(conditions, _record("candidate", relationship_risk=True)) is None
    assert matching(conditions, _record(requirement_changes=["now needs Kafka"])) is not None
    assert matching(conditions, _record(requirement_changes=[])) is None
    assert matching(conditions, _record("candidate", candidate_interest=2)) is not None
    assert matching(conditions, _record("candidate", candidate_interest=4)) is None


def test_an_equality_on_a_list_field_means_it_contains_the_value() -> None:
    [condition] = parse_conditions([{"strengths": "SQL"}])
    assert matching((condition,), _record(strengths=["SQL", "Python"])) is not None


@pytest.mark.parametrize("bad", [
    [{"decison": "reject"}],  # a typo in the field name
    [{"decision": "maybe"}],  # not one of the labels
    [{"candidate_interest_max": "low"}],
    [{"kind": "martian"}],
    ["reject"],
])
def test_a_condition_that_could_never_match_fails_the_read(tmp_path: Path, bad: list) -> None:
    import yaml

    path = tmp_path / "bad.md"
    path.write_text(f"---\nid: bad\napplies_when: {yaml.safe_dump(bad, default_flow_style=True)}---\n# x\n",
                    encoding="utf-8")
    with pytest.raises(InvalidInput, match="applies_when"):
        read_entry(path, tmp_path)


def test_the_shipped_conditions_point_where_the_issue_says() -> None:
    entries = {read_entry(p, KNOWLEDGE).id: read_entry(p, KNOWLEDGE) for p in discover([KNOWLEDGE])}

    def applies(entry_id: str, record: Record) -> bool:
        return matching(entries[entry_id].applies_when, record) is not None

    brief = _record(decision="reject", failure_cause="brief_not_qualified")
    assert applies("resetting-client-requirements", brief)
    assert applies("rebuilding-spec-and-search-plan", brief)
    assert applies("client-gone-silent", _record(relationship_risk=True))
    assert applies("candidate-recovery-after-poor-interview", _record(failure_cause="candidate_performance"))
    assert applies("keeping-runners-up-warm", _record(decision="reject"))
    assert not applies("client-gone-silent", _record(decision="advance"))
