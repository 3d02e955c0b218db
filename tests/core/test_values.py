import pytest

from assistant.core.schema import SPECS_BY_KEY
from assistant.core.values import (
    InvalidValue,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_interest,
    parse_value,
    says_correction,
    says_no,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120k", 120_000), ("£95,000", 95_000), ("one-twenty", 120_000), ("95-100k", 95_000),
        ("$140k base", 140_000), ("85", 85_000), ("1.2m", 1_200_000), ("ninety five grand", 95_000),
        ("110,000 EUR", 110_000), ("€72.5k", 72_500),
    ],
)
def test_amounts_are_read_the_way_recruiters_write_them(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


def test_text_without_a_figure_is_not_an_amount() -> None:
    with pytest.raises(InvalidValue):
        parse_amount("competitive")


@pytest.mark.parametrize("text", ["+15%", "a 10 % rise", "20 percent more"])
def test_a_percentage_is_not_an_amount(text: str) -> None:
    with pytest.raises(InvalidValue, match="percentage"):
        parse_amount(text)


def test_a_bonus_percentage_after_the_base_leaves_the_base() -> None:
    assert parse_amount("£84k base + 10% bonus") == 84_000


@pytest.mark.parametrize(("text", "code"), [("£95,000", "GBP"), ("$140k", "USD"), ("eur", "EUR"), ("80 quid", "GBP")])
def test_currency(text: str, code: str) -> None:
    assert parse_currency(text) == code


@pytest.mark.parametrize(("text", "score"), [("4", 4), ("4/5", 4), ("8/10", 4), ("three", 3), ("5 out of 5", 5)])
def test_interest_scores(text: str, score: int) -> None:
    assert parse_interest(text) == score


@pytest.mark.parametrize("text", ["12", "0", "7/5", "very"])
def test_interest_outside_one_to_five_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_interest(text)


def test_choices_accept_common_wordings_and_refuse_others() -> None:
    decision = SPECS_BY_KEY["decision"]
    assert parse_choice("Rejected", decision.choices) == "reject"
    assert parse_choice("next round", decision.choices) == "advance"
    with pytest.raises(InvalidValue):
        parse_choice("banana", decision.choices)


def test_booleans() -> None:
    spec = SPECS_BY_KEY["competing_offers"]
    assert parse_value(spec, "yes") is True
    assert parse_value(spec, "No") is False
    with pytest.raises(InvalidValue):
        parse_value(spec, "perhaps")


@pytest.mark.parametrize(("text", "no"), [
    ("no offer yet", True),
    ("hasn't got anything else on", True),
    ("without a counter-offer", True),
    ("not sure", False),  # not knowing is not a no
    ("she doesnt know yet", False),
    ("no idea if it's him, the role or us", False),
    ("not really sure tbh", False),
    ("she doesn't know why", False),
    ("didn't know QOF or the GP contract", True),  # what the candidate knew, not the speaker's doubt
])
def test_a_no_is_a_negation_and_not_knowing_is_not_one(text: str, no: bool) -> None:
    assert says_no(text) is no


@pytest.mark.parametrize(("text", "correcting"), [
    ("sorry her name's siobhan, siobhan moran. autocorrect", True),
    ("actually it's the Leeds office, not Bradford", True),
    ("typo - it's Halden not Holden", True),
    ("I meant the planner role", True),
    ("make that Halden Foods", True),
    ("also interviewing at arla, final next week", False),
    ("said the ops director kept coming back to S&OP", False),
])
def test_a_correction_is_told_by_the_words_that_take_something_back(text: str, correcting: bool) -> None:
    assert says_correction(text) is correcting
