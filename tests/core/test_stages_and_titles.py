"""A stage and a job title as the record holds them, however the recruiter typed them."""

from __future__ import annotations

import pytest

from assistant.core import job_title, names_a_stage
from assistant.core.stages import common_stage


@pytest.mark.parametrize(("typed", "stage"), [
    ("1st stage", "first round"),
    ("1st interview w/ the ops manager", "first round"),
    ("2nd interview", "second round"),
    ("round two", "second round"),
    ("R3", "third round"),
    ("final round with the CEO", "final"),  # called both final and a round: the final
    ("tech panel", "technical"),
    ("panel", "panel"),
    ("screening call", "phone screen"),
    ("assessment center", "assessment centre"),
    ("trial shift", "trial shift"),
])
def test_common_stages_are_written_the_common_way(typed: str, stage: str) -> None:
    assert common_stage(typed) == stage


def test_a_stage_that_is_none_of_the_common_ones_is_kept_as_typed() -> None:
    assert common_stage("onsite with the CEO") is None
    assert names_a_stage("onsite with the CEO")


@pytest.mark.parametrize("clause", ["her PA is emailing dates", "said it was fine", "MD", "no call ahead"])
def test_a_clause_that_names_no_stage_is_told_apart(clause: str) -> None:
    assert not names_a_stage(clause)


@pytest.mark.parametrize(("typed", "company", "title"), [
    ("assistant site mgr", None, "Assistant Site Manager"),
    ("clearmint snr backend eng", "Clearmint", "Senior Backend Engineer"),
    ("ops analyst at Finch", "Finch", "Operations Analyst"),
    ("Head of H&S", None, "Head of Health and Safety"),
    ("DevOps eng", None, "DevOps Engineer"),  # its own capitals are kept
    ("PM", None, "PM"),  # product or project: kept as typed
    ("Finch", "Finch", "Finch"),  # only the company: nothing is left to call a title
])
def test_a_title_is_the_title_alone_written_out(typed: str, company: str | None, title: str) -> None:
    assert job_title(typed, company) == title
