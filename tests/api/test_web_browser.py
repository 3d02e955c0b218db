"""The web app in a real browser (Debian's Chromium driven by Playwright) against the real app on a
loopback port, with a scripted model: a whole candidate debrief, the record and its evidence, a
correction, a model outage and its retry, drafts with their checks, approval, download and audit."""

from __future__ import annotations

import email
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core.settings import Settings
from assistant.service import Service
from tests.conftest import NO_PASS, make_service
from tests.support.fakes import ScriptedChatModel, update
from tests.support.web_server import serving

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium; .ci/run installs it)"),
]

FIRST = ("Sam Patel, platform engineer at Halcyon, final round. He's keen, 4/5. "
         "Strong on system design, shaky on running Kubernetes in production.")
FIRST_UPDATES = [
    update("candidate_name", "", "Sam Patel"),
    update("role_title", "", "platform engineer"),
    update("company", "", "Halcyon"),
    update("interview_stage", "", "final round"),
    update("candidate_interest", "4", "keen, 4/5"),
    update("strengths", "", "Strong on system design"),
    update("weak_areas", "", "shaky on running Kubernetes in production"),
]
SECOND = ("He wants 100k, their budget tops out at 95k. "
          "The hiring manager now wants someone who has run Kubernetes in production.")
SECOND_UPDATES = [
    update("compensation_expected", "100k", "wants 100k"),
    update("compensation_budget_max", "95k", "their budget tops out at 95k"),
    update("requirement_changes", "", "now wants someone who has run Kubernetes in production"),
]
THIRD = "Notice is one month and he has no other offers."
THIRD_UPDATES = [update("notice_period", "", "Notice is one month")]

LEAKY_EMAIL = (
    "Subject: Your final round with Halcyon\n\n"
    "Hi Sam,\n\n"
    "Thank you for your time at the final round for the platform engineer role at Halcyon. "
    "The budget is £95,000, below what you asked. "
    "They would have liked more depth on running Kubernetes in production.\n\n"
    "Best regards,\nDev"
)
ORIGINAL_SPEC = (
    "# Platform Engineer\n\n## Requirements\n- 3+ years of Python\n- Experience with AWS\n"
    "- Kubernetes is a nice-to-have\n- Comfortable presenting to large audiences\n"
)
REVISED_SPEC = (
    "# Platform Engineer\n\n## Requirements\n- 3+ years of Python\n- Experience with AWS\n"
    "- Has run Kubernetes in production (must-have)\n"
)


class Answers:
    """What the scripted model says next, queued by the test right before the action that calls it."""

    def __init__(self) -> None:
        self.queue: deque[Any] = deque()

    def __call__(self, _messages: Any) -> Any:
        assert self.queue, "the model was called with nothing scripted"
        return self.queue.popleft()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Service, ScriptedChatModel, Answers]]:
    tmp = tmp_path_factory.mktemp("web")
    # The real playbook, embedded by word hashing (fast, no model), so the guidance panel has entries.
    settings = Settings(
        storage={"data_dir": tmp, "database_url": f"sqlite:///{tmp / 'web.db'}"}, access={"api_keys": ""},
        playbook={"embedder": "hash", "auto_ingest": True}, llm={"max_retries": 0},
        # The test clicks through pages faster than anyone could; the limits have their own tests
        # (tests/api/test_api_limits.py).
        limits={"rate_limit_per_minute": 0},
        # The answers are queued per action; a pass would take one meant for a turn or a draft.
        refinement=NO_PASS,
    )
    answers = Answers()
    model = ScriptedChatModel(script=answers)
    service = make_service(settings, model)
    with serving(service) as base:
        yield base, service, model, answers
    service.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"])
        yield launched
        launched.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, base: str, key: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Your recruiter API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def send(page: Any, text: str) -> None:
    page.get_by_label("Your notes").fill(text)
    page.get_by_role("button", name="Send").click()
    # The status line reads "Sending…" from the click on, until the turn and the panels' refresh are over.
    page.locator("#turn-status").filter(has_text=re.compile(r"^(Done\.|Stopped)")).wait_for()


def test_a_candidate_debrief_in_the_browser(app: tuple[str, Service, ScriptedChatModel, Answers], browser: Any) -> None:
    from playwright.sync_api import expect

    base, service, model, answers = app
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    # Signing in: a wrong key is refused with a message; the right one opens the (empty) list.
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.get_by_label("Your recruiter API key").fill("dbf_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not known")
    shot(page, "signin")
    assert service.dev_key
    sign_in(page, base, service.dev_key)
    expect(page.get_by_text("No debriefs yet")).to_be_visible()
    # From here on nothing may fail in the page: no script error, no blocked or missing resource.
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.get_by_label("The candidate").check()
    page.get_by_role("button", name="Start the debrief").click()
    expect(page.locator("#transcript")).to_contain_text("Who is the candidate")
    expect(page.locator("#guidance")).to_contain_text("No playbook advice yet")

    # Two turns through the streamed chat; the record panel follows without a reload.
    answers.queue.append(FIRST_UPDATES)
    send(page, FIRST)
    expect(page.locator("#transcript")).to_contain_text("Captured: candidate name: Sam Patel")
    expect(page.locator("#field-candidate_name .value")).to_have_text("Sam Patel")
    expect(page.locator("h1")).to_have_text("Sam Patel")
    expect(page.locator("#field-candidate_interest .value")).to_have_text("4")
    # Playbook entries for candidate debriefs apply once the first turn is in, each with its citation.
    expect(page.locator("#guidance .cite").first).to_contain_text("[")
    expect(page.locator("#guidance .why").first).to_contain_text("Why: ")
    answers.queue.append(SECOND_UPDATES)
    send(page, SECOND)
    expect(page.locator("#field-compensation_budget_max .value")).to_have_text("95,000")
    completeness = float(page.locator("#completeness-meter").get_attribute("value") or 0)
    assert 0 < completeness < 1
    expect(page.locator("#still-needed")).to_contain_text("notice period")

    # Evidence: the strengths' quote is marked in the transcript and lights up when its button is pressed.
    mark = page.locator('mark.evidence[data-fields~="strengths"]')
    expect(mark).to_have_text("Strong on system design")
    expect(mark).not_to_have_class(re.compile("active"))
    page.locator("#field-strengths").get_by_role("button", name=re.compile("Quotes")).click()
    expect(mark).to_have_class(re.compile("active"))
    expect(page.locator('mark.evidence.active[data-fields~="weak_areas"]')).to_have_count(0)
    # Hovering a field lights its quotes too.
    page.locator("#field-company").hover()
    expect(page.locator('mark.evidence[data-fields~="company"]')).to_have_class(re.compile("active"))
    shot(page, "debrief-laptop")

    # A correction in place, logged in the conversation like a chat correction.
    row = page.locator("#field-candidate_interest")
    row.locator("summary").click()
    row.get_by_label("Candidate interest").select_option("3")
    row.get_by_role("button", name="Save correction").click()
    expect(page.get_by_role("status").first).to_contain_text("interest 3/5 (was 4)")
    expect(page.locator("#field-candidate_interest .value")).to_have_text("3")
    expect(page.locator("#field-candidate_interest")).to_contain_text("typed in")
    expect(page.locator("#transcript")).to_contain_text("Correction: candidate interest is 3")

    # The model goes down: the message is kept, the page says so and offers a retry that works.
    model.fail_with = ConnectionError("connection refused")
    send(page, THIRD)
    expect(page.locator("#turn-error")).to_contain_text("model is unavailable")
    expect(page.locator("#transcript .msg.pending")).to_contain_text(THIRD)
    model.fail_with = None
    answers.queue.append(THIRD_UPDATES)
    page.get_by_role("button", name="Retry the last message").click()
    expect(page.locator("#field-notice_period .value")).to_have_text("1 month")
    expect(page.locator("#transcript .msg.pending")).to_have_count(0)

    page.set_viewport_size({"width": 820, "height": 1180})
    shot(page, "debrief-tablet")
    page.set_viewport_size({"width": 1366, "height": 900})

    # A feedback email that leaks the client's budget: blocking, so approval needs a real reason.
    answers.queue.append(LEAKY_EMAIL)
    page.get_by_label("Write a").select_option("candidate_feedback_email")
    expect(page.get_by_label(re.compile("The original job spec"))).to_be_hidden()
    page.get_by_role("button", name="Write the draft").click()
    expect(page.locator("h1")).to_have_text("Feedback email to the candidate")
    expect(page.locator("mark.finding.blocking")).to_have_text("£95,000")
    expect(page.locator(".sentence.supported").first).to_contain_text("Rests on")
    expect(page.locator(".sentence.unsupported")).to_contain_text("Not stated anywhere: 95000")
    expect(page.locator(".finding-note.blocking")).to_contain_text("salary budget")
    shot(page, "draft-blocking")
    page.get_by_label(re.compile("blocking finding")).fill("fine")
    page.get_by_role("button", name=re.compile("Approve")).click()
    expect(page.get_by_role("alert").first).to_contain_text("blocking finding(s) remain")
    reason = "The candidate was told the band at the first call; stating it again is expected."
    page.get_by_label(re.compile("blocking finding")).fill(reason)
    page.get_by_role("button", name=re.compile("Approve")).click()
    expect(page.locator("#draft-status")).to_have_text("approved")
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("Download the email")).click()
    download = downloading.value
    assert download.suggested_filename.endswith(".eml")
    message = email.message_from_bytes(Path(download.path()).read_bytes())
    assert message["Subject"] == "Your final round with Halcyon"

    # A revised spec from a pasted original: the redline with its cause, an edit in place, approval.
    page.goto(base + page.url.split(base)[1].split("/drafts/")[0])
    answers.queue.append(REVISED_SPEC)
    page.get_by_label("Write a").select_option("revised_job_spec")
    page.get_by_label(re.compile("The original job spec")).fill(ORIGINAL_SPEC)
    page.get_by_role("button", name="Write the draft").click()
    expect(page.locator("h1")).to_have_text("Revised job spec")
    redline = page.locator("#redline")
    expect(redline).to_contain_text("Comfortable presenting to large audiences")
    expect(redline).to_contain_text("now wants someone who has run Kubernetes in production")
    shot(page, "draft-spec-redline")
    page.get_by_label(re.compile("Text \\(each save")).fill(REVISED_SPEC + "- Clear written communication\n")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved as version 2")
    page.get_by_role("button", name="Approve version 2").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("Download the document")).click()
    spec = Path(downloading.value.path()).read_text()
    assert "Clear written communication" in spec and "Kubernetes in production" in spec

    # The audit trail lists every decision, with the override reason, and the chain is intact.
    page.get_by_role("link", name="Audit trail").click()
    expect(page.locator("#chain")).to_contain_text("intact")
    actions = page.locator("#audit .action").all_inner_texts()
    assert actions == ["draft.created", "draft.approved", "draft.exported",
                       "draft.created", "draft.edited", "draft.approved", "draft.exported"]
    expect(page.locator("#audit")).to_contain_text(reason)
    shot(page, "audit")

    page.goto(base + "/")
    expect(page.locator("table.debriefs")).to_contain_text("Sam Patel")
    shot(page, "debriefs")
    assert not errors, errors
    page.close()


def test_an_expired_session_is_reported_and_sign_out_ends_it(
    app: tuple[str, Service, ScriptedChatModel, Answers], browser: Any
) -> None:
    from playwright.sync_api import expect

    base, service, _model, _answers = app
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    assert service.dev_key
    sign_in(page, base, service.dev_key)
    page.get_by_role("button", name="Start the debrief").click()
    debrief_url = page.url

    context.clear_cookies()  # what the browser does when the session cookie's lifetime is over
    page.get_by_label("Your notes").fill("Lena Okafor, data analyst")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#turn-error")).to_contain_text("session has expired")
    page.locator("#turn-error").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("session has expired")

    sign_in(page, base, service.dev_key)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto(debrief_url)
    expect(page).to_have_url(re.compile(r"/signin\?expired=1$"))
    context.close()
