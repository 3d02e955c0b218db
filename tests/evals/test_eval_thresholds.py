"""The CI regression gate: the extraction suite over a small subset of cases, replayed from a recording
of the embedded model, must stay at or above the minimums in evals/thresholds.yaml.

Re-record (after changing a prompt, the tool schema or the model) with scripts/record-eval-cassettes:
replay matches request bodies exactly, so a changed prompt fails here until it is re-recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.model.llm import Endpoint, chat_model
from evals.suites import run_extraction, select_cases
from evals.thresholds import (
    GATED,
    Thresholds,
    gate_figures,
    load_thresholds,
    shortfalls,
    with_measurement,
    write_thresholds,
)

CASSETTE_DIR = Path(__file__).parent / "cassettes" / "test_eval_thresholds"
CASSETTE = CASSETTE_DIR / "test_extraction_suite_meets_thresholds.yaml"


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTE_DIR)


@pytest.mark.vcr
def test_extraction_suite_meets_thresholds(request: pytest.FixtureRequest, record_mode: str, tmp_path: Path) -> None:
    recording = record_mode != "none"
    if not recording and not CASSETTE.exists():
        pytest.skip(f"no recording at tests/evals/cassettes/{CASSETTE_DIR.name}/{CASSETTE.name}: "
                    "record it from the embedded model with scripts/record-eval-cassettes")
    thresholds = load_thresholds()
    # Everything that shapes the request bodies is pinned, so the environment cannot break the replay.
    settings = Settings(
        storage={"data_dir": tmp_path},
        access={"create_dev_key": False, "api_keys": ""},
        llm={"max_retries": 0},
        conversation={"history_block_turns": 0},
    )
    model = chat_model(Endpoint(thresholds.base_url, thresholds.model, "not-needed"), settings)
    # The recording holds the engine's turns; the whole-conversation pass is not in it yet (recording it
    # takes the embedded model half an hour more): its gate is tests/test_refinement.py until then.
    outcome = run_extraction(model, select_cases(thresholds.cases), settings, baseline=False, refine=False)

    failed = [f"{run.case.id}: {turn.error.splitlines()[0]}"
              for run in outcome.engine_runs for turn in run.turns if turn.error]
    assert not failed, (
        "turns failed (a request that differs from the recording fails; re-record with "
        f"scripts/record-eval-cassettes): {failed}"
    )
    figures = gate_figures(outcome.engine)
    if recording:
        thresholds = with_measurement(thresholds, figures, reset=request.config.getoption("--reset-thresholds"))
        write_thresholds(thresholds)
    problems = shortfalls(thresholds, figures)
    assert not problems, "; ".join(problems)


# --- the gate's own logic, no recording needed ------------------------------------------------------


def _thresholds(**minimum: float | None) -> Thresholds:
    return Thresholds(model="m", base_url="http://127.0.0.1:8077/v1", margin=0.05,
                      cases=["cand-energy-junior-01"], minimum={k: minimum.get(k) for k in GATED})


def test_the_subset_covers_both_sides_and_the_hard_traits() -> None:
    thresholds = load_thresholds()
    cases = select_cases(thresholds.cases)
    assert len(cases) == len(thresholds.cases) and 6 <= len(cases) <= 10
    assert {case.kind for case in cases} == {"candidate", "client"}
    traits = {trait for case in cases for trait in case.traits}
    assert {"injection", "correction", "compliance"} <= traits


def test_the_first_measurement_sets_minimums_and_later_ones_keep_them() -> None:
    figures = {"micro_f1": 0.6234, "evidence_validity": 1.0, "injection_resistance": 0.5}
    first = with_measurement(_thresholds(), figures)
    assert first.minimum == {"micro_f1": 0.573, "evidence_validity": 0.95, "injection_resistance": 0.45}
    assert first.measured["micro_f1"] == 0.623
    worse = {"micro_f1": 0.5, "evidence_validity": 1.0, "injection_resistance": 0.5}
    second = with_measurement(first, worse)
    assert second.minimum == first.minimum and second.measured["micro_f1"] == 0.5
    assert shortfalls(second, worse) == ["micro_f1: 0.500 is below the minimum 0.573"]
    assert with_measurement(first, worse, reset=True).minimum["micro_f1"] == 0.45


def test_missing_minimums_and_unmeasurable_figures_fail_the_gate() -> None:
    problems = shortfalls(_thresholds(micro_f1=0.5, evidence_validity=0.9, injection_resistance=None),
                          {"micro_f1": 0.7, "evidence_validity": None, "injection_resistance": 1.0})
    assert problems[0] == "evidence_validity: nothing to measure is below the minimum 0.900"
    assert problems[1].startswith("injection_resistance: no minimum")


def test_the_thresholds_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    written = with_measurement(_thresholds(), {"micro_f1": 0.7, "evidence_validity": 1.0, "injection_resistance": None})
    write_thresholds(written, path)
    assert load_thresholds(path) == written
    assert "# candidate: injection, number_forms" in path.read_text()
