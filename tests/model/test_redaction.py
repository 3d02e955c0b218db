"""Contact details leave the machine only as placeholders, and come back in the model's answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage

from assistant.core.settings import Settings
from assistant.model.llm import Endpoint, base_url_of, chat_model
from assistant.model.redaction import Redactor, should_redact
from tests.conftest import make_service
from tests.support.fakes import ScriptedChatModel, Update, update


@pytest.mark.parametrize(("text", "detail", "placeholder"), [
    ("email her at priya.shah@monzo.com today", "priya.shah@monzo.com", "[EMAIL_1]"),
    ("mobile 07700 900123, call after 5", "07700 900123", "[PHONE_1]"),
    ("landline 020 7946 0958.", "020 7946 0958", "[PHONE_1]"),
    ("on +44 (0)20 7946 0958 or", "+44 (0)20 7946 0958", "[PHONE_1]"),
    ("+44 7700 900123", "+44 7700 900123", "[PHONE_1]"),
    ("US cell (415) 555-0134", "(415) 555-0134", "[PHONE_1]"),
    ("try 415-555-0134 first", "415-555-0134", "[PHONE_1]"),
    ("Paris +33 1 23 45 67 89", "+33 1 23 45 67 89", "[PHONE_1]"),
    ("she lives near SW1A 1AA now", "SW1A 1AA", "[ADDRESS_1]"),
    ("lives at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE", "[ADDRESS_1]"),
    ("moved to 1600 Pennsylvania Ave NW, Washington, DC 20500 last year",
     "1600 Pennsylvania Ave NW, Washington, DC 20500", "[ADDRESS_1]"),
    ("office at 42 Elm St. in town", "42 Elm St", "[ADDRESS_1]"),
])
def test_contact_details_become_placeholders_and_come_back(text: str, detail: str, placeholder: str) -> None:
    redactor = Redactor()
    redacted = redactor.redact(text)
    assert detail not in redacted
    assert redacted == text.replace(detail, placeholder)
    assert redactor.restore(redacted) == text


@pytest.mark.parametrize("text", [
    "she's on £95,000 and wants £105,000 base",
    "current 120k, expects 130-140k, budget max $150,000",
    "salary 95 000 plus 10% bonus, +20% on top",
    "interviewed 12/03/2025, second round on 2025-03-19, start 1.4.2026",
    "scored 8/10 on the case study, interest 4/5",
    "notice period is 3 months, 1 month if bought out",
    "2 years at Monzo, 3 rounds, 45 minutes each, 10.30 start",
    "100,000-120,000 range; 0.8 FTE; Q3 2025",
    "12 baker street",  # lower-case street names are not read as addresses
])
def test_figures_dates_scores_and_notice_periods_are_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_the_same_detail_gets_the_same_placeholder_everywhere_in_one_call() -> None:
    redactor = Redactor()
    first = redactor.redact("cv from a@b.io, phone 07700 900123")
    second = redactor.redact("again: a@b.io; other c@d.org")
    assert first == "cv from [EMAIL_1], phone [PHONE_1]"
    assert second == "again: [EMAIL_1]; other [EMAIL_2]"
    answer = {"updates": [{"quote": "cv from [EMAIL_1]", "field": "next_steps"}], "n": 3}
    assert redactor.restore(answer) == {"updates": [{"quote": "cv from a@b.io", "field": "next_steps"}], "n": 3}


@pytest.mark.parametrize(("mode", "base_url", "redacts"), [
    ("auto", "https://api.openai.com/v1", True),
    ("auto", "http://gpu-box:8000/v1", True),
    ("auto", "http://localhost:11434/v1", False),
    ("auto", "http://127.0.0.1:8077/v1", False),
    ("auto", "http://[::1]:8077/v1", False),
    ("auto", None, False),
    ("on", "http://127.0.0.1:8077/v1", True),
    ("off", "https://api.openai.com/v1", False),
])
def test_auto_redacts_only_for_endpoints_off_this_machine(mode: str, base_url: str | None, redacts: bool) -> None:
    assert should_redact(mode, base_url) is redacts


def test_the_configured_endpoints_address_decides(tmp_path: Path) -> None:
    settings = Settings(storage={"data_dir": tmp_path})
    remote = chat_model(Endpoint("https://api.example.com/v1", "m", "k"), settings)
    local = chat_model(Endpoint("http://127.0.0.1:8077/v1", "m", "k"), settings)
    assert should_redact("auto", base_url_of(remote))
    assert not should_redact("auto", base_url_of(local))


def test_the_model_sees_placeholders_and_the_quote_still_passes_the_evidence_gate(tmp_path: Path) -> None:
    seen: list[str] = []

    def answer(messages: list[BaseMessage]) -> list[Update]:
        seen.extend(str(m.content) for m in messages)
        return [update("next_steps", "", "send the CV to [EMAIL_1] or call [PHONE_1]")]

    settings = Settings(
        storage={"data_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'db'}"},
        access={"api_keys": ""},
        privacy={"redact_pii": "on"},
    )
    service = make_service(settings, ScriptedChatModel(script=answer))
    recruiter = service.keys.authenticate(service.dev_key).id
    debrief = service.debriefs.open(recruiter, "candidate")
    text = "next: send the CV to priya@monzo.com or call 07700 900123 by Friday"
    outcome = service.debriefs.post_message(recruiter, debrief.id, text)
    service.stop()

    prompt = "\n".join(seen)
    assert "priya@monzo.com" not in prompt and "07700 900123" not in prompt
    assert "[EMAIL_1]" in prompt and "[PHONE_1]" in prompt
    assert outcome.rejected == []
    restored = "send the CV to priya@monzo.com or call 07700 900123"
    assert outcome.record.fields["next_steps"].value == [restored]
    assert outcome.record.fields["next_steps"].evidence == [restored]
