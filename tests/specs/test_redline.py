import codecs

import pytest

from assistant.core.errors import InvalidInput
from assistant.specs.redline import Change, ChangeEvidence, read_spec_upload, redline, redline_markdown, requirements

ORIGINAL = """# Platform Engineer, Harbourline Logistics

Harbourline runs the routing software behind 400 delivery vans across the North West. The platform team
is five engineers and looks after everything from CI to on-call.

## What you'll bring

- 3+ years of Python, writing services that other teams depend on
- Experience running PostgreSQL at scale, including query tuning
- A degree in Computer Science or a related field
- Comfortable owning on-call for the systems you build

## Nice to have

* Terraform or Pulumi
* Exposure to event streaming with Kafka
"""

# The same spec after the client debrief: one requirement changed (Python 3+ -> 5+), one removed (the
# degree), one added (Kubernetes in production); the rest reordered, renumbered, re-cased, re-punctuated.
REVISED = """# Platform Engineer, Harbourline Logistics

Harbourline runs the routing software behind 400 delivery vans across the North West.  The platform team
is five engineers and looks after everything from CI to on-call.

## What you'll bring

1. Comfortable owning on-call for the systems you build.
2. 5+ years of Python, writing services that other teams depend on
3. Hands-on experience running Kubernetes in production
4. experience running PostgreSQL at scale, including query tuning

## Nice to have

- Exposure to event streaming with Kafka
- Terraform or Pulumi
"""

K8S = ChangeEvidence(
    "requirement_changes", "they now want someone who has run k8s in prod",
    "they now want someone who has run k8s in prod", "client",
)
PYTHON = ChangeEvidence(
    "hiring_manager_priorities", "five years of Python",
    "the HM kept asking whether she had five years of Python behind her", "candidate",
)
DEGREE = ChangeEvidence(
    "requirement_changes", "degree no longer matters",
    "Tom said to drop the degree, half their best people never did one", "client",
)
COMMUTE = ChangeEvidence("concerns", "long commute", "she lives in Preston and the commute worried her", "candidate")


def test_redline_lists_exactly_the_added_removed_and_changed_requirements_with_their_causes() -> None:
    changes = redline(ORIGINAL, REVISED, [COMMUTE, DEGREE, PYTHON, K8S])

    assert changes == [
        Change(
            "changed", "3+ years of Python, writing services that other teams depend on",
            "5+ years of Python, writing services that other teams depend on", PYTHON,
        ),
        Change("added", None, "Hands-on experience running Kubernetes in production", K8S),
        Change("removed", "A degree in Computer Science or a related field", None, DEGREE),
    ]


def test_a_quote_sharing_one_incidental_word_is_not_cited() -> None:
    # "production" alone is a coincidence outside requirement_changes: the concern is about something else.
    incidental = ChangeEvidence(
        "concerns", "production support", "worried about covering production support alone", "client"
    )

    changes = redline(ORIGINAL, REVISED, [COMMUTE, incidental])

    assert [change.kind for change in changes] == ["changed", "added", "removed"]
    assert all(change.cause is None for change in changes)


def test_a_change_the_debrief_does_not_explain_has_no_cause() -> None:
    changes = {change.kind: change for change in redline(ORIGINAL, REVISED, [K8S, PYTHON])}

    assert changes["added"].cause == K8S
    assert changes["removed"].cause is None


def test_requirement_changes_evidence_wins_a_tie() -> None:
    manager = ChangeEvidence(
        "hiring_manager_priorities", "Kubernetes in production", "asked about Kubernetes in production", "candidate"
    )
    client = ChangeEvidence(
        "requirement_changes", "Kubernetes in production", "must have Kubernetes in production", "client"
    )

    for evidence in ([manager, client], [client, manager]):
        added = [c for c in redline(ORIGINAL, REVISED, evidence) if c.kind == "added"]
        assert added[0].cause == client


def test_reformatting_and_reordering_are_not_changes() -> None:
    reformatted = ORIGINAL.replace("- ", "+ ").replace("* ", "1. ").upper().replace("\n", "\r\n")
    lines = reformatted.split("\r\n")
    lines[8], lines[9] = lines[9], lines[8]

    assert redline(ORIGINAL, "\r\n".join(lines), [K8S]) == []


def test_an_unrelated_replacement_is_a_removal_and_an_addition() -> None:
    revised = ORIGINAL.replace("Exposure to event streaming with Kafka", "Exposure to customer-facing incident calls")

    changes = redline(ORIGINAL, revised, [])

    # Shown where it stood, like a diff: the old line, then the new one.
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("removed", "Exposure to event streaming with Kafka", None),
        ("added", None, "Exposure to customer-facing incident calls"),
    ]


def test_a_narrowed_requirement_is_one_change() -> None:
    revised = ORIGINAL.replace("Terraform or Pulumi", "Terraform")

    assert redline(ORIGINAL, revised, []) == [Change("changed", "Terraform or Pulumi", "Terraform", None)]


def test_a_requirement_moved_to_another_section_is_changed_but_a_renamed_heading_is_not() -> None:
    revised = (
        ORIGINAL.replace("## What you'll bring", "## Essential")
        .replace("* Exposure to event streaming with Kafka\n", "")
        .replace("- Comfortable owning", "- Exposure to event streaming with Kafka\n- Comfortable owning")
    )
    kafka = ChangeEvidence(
        "requirement_changes", "Kafka is now essential", "Kafka is essential now, not a bonus", "client"
    )

    changes = redline(ORIGINAL, revised, [kafka])

    assert changes == [
        Change(
            "changed", "Nice to have: Exposure to event streaming with Kafka",
            "Essential: Exposure to event streaming with Kafka", kafka,
        )
    ]


def test_markdown_spec_splits_into_bullets_and_sentences_without_headings() -> None:
    spec = """Senior Analyst
==============

We are a small team in Bristol. Hybrid working, e.g. two days in the office. Salary is 55k.

REQUIREMENTS
- Advanced Excel, including
  pivot tables and Power Query
2) **SQL** for ad-hoc analysis
Nice to have:
- [Looker](https://looker.com) dashboards
"""
    assert requirements(spec) == [
        "We are a small team in Bristol.",
        "Hybrid working, e.g. two days in the office.",
        "Salary is 55k.",
        "Advanced Excel, including pivot tables and Power Query",
        "SQL for ad-hoc analysis",
        "Looker dashboards",
    ]


def test_plain_prose_spec_splits_into_sentences() -> None:
    spec = (
        "We need a payroll administrator for our Leeds office. You should have run a monthly payroll for at "
        "least 200 staff! Do you know Sage 50? Experience with pensions auto-enrolment (i.e. the employer side) "
        "helps.\nThe role is full time, Mon. to Fri."
    )
    assert requirements(spec) == [
        "We need a payroll administrator for our Leeds office.",
        "You should have run a monthly payroll for at least 200 staff!",
        "Do you know Sage 50?",
        "Experience with pensions auto-enrolment (i.e. the employer side) helps.",
        "The role is full time, Mon. to Fri.",
    ]


def test_redline_markdown_shows_each_change_with_its_cause_or_none() -> None:
    text = redline_markdown(redline(ORIGINAL, REVISED, [K8S, PYTHON]))

    assert "+ Hands-on experience running Kubernetes in production  <- client: " \
           '"they now want someone who has run k8s in prod"' in text
    assert "- A degree in Computer Science or a related field  <- not explained by the debrief" in text
    assert "~ 3+ years of Python, writing services that other teams depend on -> 5+ years of Python" in text
    assert text.startswith("```diff\n") and text.endswith("\n```\n")


def test_redline_markdown_fence_outlasts_backticks_in_a_quote() -> None:
    quote = ChangeEvidence("requirement_changes", "Kubernetes", "```\n# they want Kubernetes", "client")
    text = redline_markdown([Change("added", None, "Kubernetes", quote)])

    fence = text.split("diff\n", 1)[0]
    assert len(fence) > 3 and text.endswith(f"\n{fence}\n")
    assert '"``` # they want Kubernetes"' in text
    assert redline_markdown([]) == "No requirement changes.\n"


def test_upload_reads_markdown_and_text_in_the_encodings_recruiters_save() -> None:
    assert read_spec_upload("spec.md", b"- Python\r\n- SQL\r\n", 1000) == "- Python\n- SQL\n"
    assert read_spec_upload("Spec.TXT", codecs.BOM_UTF8 + "Café rota".encode(), 1000) == "Café rota"
    assert read_spec_upload("spec.txt", "\u2018must\u2019 drive".encode("cp1252"), 1000) == "\u2018must\u2019 drive"
    assert read_spec_upload("spec.txt", "Notepad – UTF-16".encode("utf-16"), 1000) == "Notepad – UTF-16"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("spec.pdf", b"%PDF-1.7 ...", "must be a .md or .txt file, not a .pdf file"),
        ("spec", b"Python", "not a file without an extension"),
        ("spec.txt", b"x" * 1001, "1,001 bytes; the limit is 1,000"),
        ("spec.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3", "is a PDF, not text"),
        ("spec.md", b"PK\x03\x04\x14\x00\x06\x00", "is a Word or zip file"),
        ("spec.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
        ("spec.txt", bytes(range(1, 32)) * 4 + b"abc", "looks binary"),
        ("spec.txt", b"  \n\n ", "is empty"),
    ],
)
def test_upload_refuses_what_is_not_a_text_spec(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_spec_upload(filename, data, 1000)
