"""A notice period as the record holds it, however the recruiter typed it, and words that give none."""

from __future__ import annotations

import pytest

from assistant.core import common_notice, names_a_notice, notice_days


@pytest.mark.parametrize(("typed", "notice"), [
    ("notice 8 wks", "8 weeks"),
    ("3m", "3 months"),
    ("one month's", "1 month"),
    ("on a month", "1 month"),
    ("2-3 months", "2 to 3 months"),
    ("4 weeks notice", "4 weeks"),
    ("1 wk", "1 week"),
    ("immediately", "immediate"),
    ("available now", "immediate"),
])
def test_a_length_of_notice_is_written_the_common_way(typed: str, notice: str) -> None:
    assert common_notice(typed) == notice
    assert names_a_notice(typed)


@pytest.mark.parametrize("typed", [
    "a couple of weeks",  # not a figure: "2 weeks" would say more than the recruiter did
    "1 month, could negotiate to 2 weeks",  # two lengths: which is the notice is the recruiter's to say
    "end of term",
    "can leave at easter",
    "a term's notice",
    "until the 1st of September",
])
def test_a_notice_without_one_length_is_kept_as_typed(typed: str) -> None:
    assert common_notice(typed) is None
    assert names_a_notice(typed)


@pytest.mark.parametrize("typed", [
    "hard to say",
    "seemed disorganised, nobody had a copy of his CV",
    "he's at a 3",
    "the team were great",  # "a" and "m" inside a word are not "a month"
    "she may move",  # "may" alone is a verb, not the month
])
def test_words_that_give_no_notice_are_not_one(typed: str) -> None:
    assert not names_a_notice(typed)
    assert notice_days(typed) is None
