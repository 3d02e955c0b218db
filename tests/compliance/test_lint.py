"""The compliance lint: what it catches, what it leaves alone, where it points, and its labelled score."""

from pathlib import Path

import pytest
import yaml

from assistant.compliance.flagging import characteristics_in
from assistant.compliance.lexicon import GAUCHER_2011, RULES
from assistant.compliance.lint import lint
from evals.lint import DATASET, score_lint

EXTRACTION = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "extraction"


@pytest.mark.parametrize(("rule", "text"), [
    ("protected.age", "The panel felt that at your age the night shifts might be a lot."),
    ("protected.age", "We're looking for a digital native to run our socials."),
    ("protected.age", "Sadly the hiring manager felt you were overqualified."),
    ("protected.age", "Join our energetic young team in Leeds!"),
    ("protected.age", "Max 5 years' experience please."),
    ("protected.age", "The site manager told him he looks about 19."),
    ("protected.age", "He doubted the older trades would take instructions from her."),
    ("protected.pregnancy", "The head chef asked whether she was planning to start a family soon."),
    ("protected.race", "The client wants to know the candidate's ethnic background."),
    ("protected.religion", "The panel asked if he'd need to leave early on Fridays for prayers."),
    ("protected.disability", "The partner asked how she'd manage the upstairs office in a wheelchair."),
    ("protected.nationality", "Native English speaker required."),
    ("protected.sex", "The client would prefer a female candidate."),
    ("protected.sexual_orientation", "The partner mentioned that the candidate is gay."),
    ("protected.marital_status", "He asked if his wife is ok with all the travel."),
])
def test_each_protected_category_is_caught_and_blocks(rule: str, text: str) -> None:
    findings = [f for f in lint(text) if f.rule == rule]
    assert findings, f"{rule} not raised"
    assert all(f.severity == "blocking" and f.category == RULES[rule].category for f in findings)
    assert all(f.explanation.endswith(".") and f.source for f in findings)


@pytest.mark.parametrize("text", [
    "Could you manage the handover to the new account manager?",
    "Engagement scores went up 12% after she took over.",
    "We'll move you to the final stage; details are on the next page.",
    "Strong command of the language of finance and good with percentages.",
    "The image on the careers page needs updating.",
    "In this day and age every candidate expects feedback.",
    "The tender pack looks about 80% done and the site visit ran about 20 minutes over.",
])
def test_words_containing_age_are_not_age(text: str) -> None:
    assert [f for f in lint(text) if f.rule == "protected.age"] == []


@pytest.mark.parametrize("text", [
    "The MD said she's only 27, so give it a couple of years.",
    "He's 63 and the client asked how long he plans to stay.",
    "they're pushing 60 and he thinks the night shifts would be a lot",
    "52yo, the head of ops reckons too set to change",
    "She's turning 40 next month and wants something closer to home.",
    "At 61 she won't want to pick up a new ERP, the FD said.",
    "The partner doubted he'd be keen on retraining in cloud at 59.",
])
def test_an_age_given_as_a_number_is_age(text: str) -> None:
    assert [f for f in lint(text) if f.rule == "protected.age"]


@pytest.mark.parametrize("text", [
    "He's 60 and wants 70k to move.",
    "She's at 55 now, asking for 62.",
    "They came in at 58.",
    "At 65 she'd move tomorrow.",
    "He's 30 minutes from the Leeds site.",
    "She's 95% sure about the offer.",
    "They're 12 weeks from go-live.",
    "He's 45 on base plus a car allowance.",
    "Can we turn 20 CVs around by Friday?",
    "She's 50/50 on the counter-offer.",
])
def test_a_number_that_is_pay_time_or_a_count_is_not_age(text: str) -> None:
    assert [f for f in lint(text) if f.rule == "protected.age"] == []


@pytest.mark.parametrize("text", [
    "This is a 12-month maternity cover contract.",
    "Benefits include enhanced maternity and paternity pay and childcare vouchers.",
    "Christian Holt has accepted the offer.",
    "The interview is at our office on Church Street.",
    "We're recruiting a Mental Health Nurse for our community team.",
    "Working with children and young people is at the heart of this role.",
    "We are a Disability Confident employer; we welcome applications regardless of age, race or religion.",
    "He has spent the past year retiring the legacy ERP system.",
    "Great culture fit, the team loved his energy.",
])
def test_ordinary_recruiter_prose_is_not_blocked(text: str) -> None:
    assert [f for f in lint(text) if f.severity == "blocking"] == []


def test_a_proxy_inside_an_equal_opportunity_sentence_is_still_flagged() -> None:
    findings = lint("We welcome applications regardless of age from young and energetic graduates.")
    assert [(f.rule, f.text) for f in findings] == [("protected.age", "young and energetic")]


def test_offsets_point_at_the_offending_span() -> None:
    text = "Thanks Dave. Between us, the HM felt you were overqualified, and asked about her kids."
    findings = lint(text)
    assert [(f.rule, f.text) for f in findings] == [
        ("protected.age", "overqualified"), ("protected.pregnancy", "her kids")]
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_one_remark_can_touch_two_characteristics() -> None:
    rules = {f.rule for f in lint("The band 6 lead asked her where she's really from.")}
    assert rules == {"protected.race", "protected.nationality"}


def test_gender_coded_wording_only_in_job_specs_and_only_advisory() -> None:
    text = "We want an ambitious, competitive leader who will support and nurture the team."
    assert lint(text) == []
    findings = lint(text, job_spec=True)
    masculine = [f.text for f in findings if f.rule == "gender_coded.masculine"]
    feminine = [f.text for f in findings if f.rule == "gender_coded.feminine"]
    assert masculine == ["ambitious", "competitive", "leader"]
    assert feminine == ["support", "nurture"]
    assert {f.severity for f in findings} == {"advisory"}
    assert {f.source for f in findings} == {GAUCHER_2011}
    assert all("applicant pool" in f.explanation for f in findings)


def test_gender_coded_stems_start_at_a_word_boundary_and_skip_other_senses() -> None:
    # "workforce" is not "force*", "Salesforce" neither; "depending on" and "kind of" are not the traits.
    text = "A workforce on Salesforce, pay depending on experience, what kind of person are you?"
    assert lint(text, job_spec=True) == []


def test_record_flags_use_the_same_lexicon() -> None:
    text = "some of the older patients might struggle with her accent"
    assert characteristics_in(text) == ["nationality/accent"]
    assert [f.rule for f in lint(text)] == ["protected.nationality"]


def test_record_flags_find_most_labelled_remarks_of_the_extraction_set() -> None:
    """The gold compliance flags of the extraction cases, read back through the record's flagger."""
    remarks = []
    for path in sorted(EXTRACTION.glob("*.yaml")):
        for flag in yaml.safe_load(path.read_text(encoding="utf-8"))["gold"].get("compliance_flags") or []:
            labels, remark = flag.split(": ", 1)
            remarks.append((labels.split(" + "), remark))
    assert len(remarks) >= 15
    exact = sum(characteristics_in(remark) == labels for labels, remark in remarks)
    assert exact / len(remarks) >= 0.9  # measured 20 of 20


# Measured with `python -m evals.lint` (overall micro figures); the gate allows 0.05 below them.
MEASURED = {
    "sentences": {"precision": 0.990, "recall": 1.000, "f1": 0.995},
    "holdout": {"precision": 0.882, "recall": 0.612, "f1": 0.723},
}


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_labelled_set_scores_no_worse_than_measured(name: str) -> None:
    overall = score_lint(DATASET / f"{name}.yaml").overall
    for figure, measured in MEASURED[name].items():
        value = getattr(overall, figure)
        assert value is not None and value >= measured - 0.05, f"{name} {figure} {value} < {measured} - 0.05"


def test_labelled_sets_are_big_enough_and_cover_every_rule() -> None:
    result = score_lint(DATASET)
    assert result.sentences >= 80
    assert all(counts.tp + counts.fn > 0 for counts in result.per_rule.values())
