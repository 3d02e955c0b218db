"""The one tokeniser and stemmer every word comparison uses."""

from __future__ import annotations

from assistant.core import STOP_WORDS, stem, words


def test_words_keep_technology_names_and_figures_whole() -> None:
    assert words("Node.js, C++ and C# \u2014 3+ yrs") == ["node.js", "c++", "and", "c#", "3+", "yrs"]


def test_inflections_meet_at_one_stem() -> None:
    assert stem("presenting") == stem("presentation") == stem("presentations")
    assert stem("services") == stem("service")
    assert stem("coroutines") == stem("coroutine")
    assert stem("sites") == stem("site")
    assert stem("managers") == stem("manager")
    assert stem("Candidate's") == stem("candidate")


def test_short_words_and_figures_are_left_alone() -> None:
    assert stem("uses") == "use"
    assert stem("bus") == "bus"
    assert stem("3+") == "3"
    assert stem("120k") == "120k"


def test_stop_words_are_function_words_only() -> None:
    assert {"the", "and", "with", "she"} <= STOP_WORDS
    assert not {"kubernetes", "python", "notice", "offer"} & STOP_WORDS
