"""bench/latency_figures.py and bench/server_options.py: the figures the latency benches print."""

from __future__ import annotations

import pytest

from bench.latency_figures import SWAPPED, Turn, summarise
from bench.server_options import _rates
from bench.turn_latency import swap_second_and_last
from evals.datasets import load_cases


def _turns(subject: str, seconds: dict[tuple[str, int], float]) -> list[Turn]:
    return [Turn(subject, case, index, s) for (case, index), s in seconds.items()]


def test_a_shared_pass_is_compared_with_the_same_messages_sent_alone() -> None:
    # Late turns of the single pass are slow; the shared pass sent only turns 1-2, so they must not count.
    engine = _turns("engine", {("a", 1): 2.0, ("a", 2): 4.0, ("a", 3): 50.0, ("b", 1): 2.0, ("b", 2): 4.0,
                               ("b", 3): 50.0})
    shared = _turns("in turn x2", {("a", 1): 3.0, ("a", 2): 6.0, ("b", 1): 3.0, ("b", 2): 6.0})
    summary = summarise(engine + shared, [2], 2, [])
    figures = summary["shared"]["in turn x2"]
    assert figures["single_median_s"] == 3.0
    assert figures["median_s"] == 4.5
    assert figures["ratio_to_single"] == 1.5
    assert "at once x2" not in summary["shared"]  # a pass that did not run is not reported


def test_growth_compares_the_last_turn_with_turn_two() -> None:
    engine = _turns("engine", {("a", 1): 9.0, ("a", 2): 4.0, ("a", 3): 5.0, ("a", 4): 6.0})
    summary = summarise(engine, [], 4, [])
    assert summary["engine_last_vs_turn_2"] == {"last_turn": 4, "ratio": 1.5}
    assert summary["baseline_last_vs_turn_2"] is None


def test_failed_turns_are_listed_and_left_out_of_the_medians() -> None:
    turns = [Turn("engine", "a", 1, 2.0), Turn("engine", "a", 2, 99.0, error="ModelUnavailable: down")]
    summary = summarise(turns, [], 4, [])
    assert summary["engine_median_s"] == 2.0
    assert [e["index"] for e in summary["errors"]] == [2]


# Timing lines as llama-server logs them: a cold read, then two turns.
LOG = """0.19.1 I slot print_timing: id  3 | task 0 | prompt eval time =   19406.21 ms /  1126 tokens (   17.23 ms per token,    58.02 tokens per second)
0.19.1 I slot print_timing: id  3 | task 0 |        eval time =       0.00 ms /     1 tokens (    0.00 ms per token,      inf tokens per second)
0.29.1 I slot print_timing: id  3 | task 2 | prompt eval time =    1000.00 ms /    60 tokens (   16.67 ms per token,    60.00 tokens per second)
0.29.1 I slot print_timing: id  3 | task 2 |        eval time =    6000.00 ms /    42 tokens (  142.86 ms per token,     7.00 tokens per second)
0.39.1 I slot print_timing: id  3 | task 9 | prompt eval time =    1000.00 ms /    60 tokens (   16.67 ms per token,    60.00 tokens per second)
0.39.1 I slot print_timing: id  3 | task 9 |        eval time =    8000.00 ms /    56 tokens (  142.86 ms per token,     7.00 tokens per second)
"""  # noqa: E501


def test_server_rates_come_from_the_cold_read_and_the_written_tokens() -> None:
    read, write = _rates(LOG)
    assert read == pytest.approx(1126 / 19.40621)
    assert write == pytest.approx(98 / 14.0)  # the one-token warm-up is not a write


def test_the_ratio_to_the_baseline_compares_the_messages_both_ran() -> None:
    engine = _turns("engine", {("a", 1): 2.0, ("a", 2): 2.0, ("a", 3): 30.0, ("a", 4): 30.0})
    baseline = _turns("baseline", {("a", 1): 10.0, ("a", 2): 10.0})  # cut to the first two turns
    summary = summarise(engine + baseline, [], 4, [])
    assert summary["engine_median_on_baseline_turns_s"] == 2.0
    assert summary["ratio_engine_to_baseline"] == 0.2


def test_the_readme_tables_come_from_a_saved_run() -> None:
    import json

    from bench.latency_figures import markdown

    turns = _turns("engine", {("a", 1): 2.0, ("a", 2): 4.0}) + _turns("baseline", {("a", 1): 10.0})
    turns += _turns("in turn x2", {("a", 1): 3.0})
    saved = json.loads(json.dumps({"summary": summarise(turns, [2], 1, [])}))  # as read back from the file
    table = markdown(saved)
    assert "| 1 | 2.0 (2.0) | - / - | 0 | 10.0 (10.0) | - / - | 0 | 0.20 |" in table
    assert "| 2 | 4.0 (4.0) | - / - | 0 | - | - | - | - |" in table
    assert "| in turn x2 | 1 | 3.0 (3.0) | 2.0 | 1.50 | - / - |" in table


def test_same_messages_growth_times_each_message_at_turn_two_and_at_the_last_turn() -> None:
    # Message "a8" is long (10 s wherever it comes), "a2" short (4 s); the debrief's length adds 10 %.
    engine = _turns("engine", {("a", 1): 5.0, ("a", 2): 4.0, ("a", 3): 6.0, ("a", 4): 11.0})
    swapped = _turns(SWAPPED, {("a", 1): 5.0, ("a", 2): 10.0, ("a", 3): 6.0, ("a", 4): 4.4})
    summary = summarise(engine + swapped, [], 4, [])
    assert summary["engine_last_vs_turn_2"]["ratio"] == pytest.approx(11.0 / 4.0)
    same = summary["engine_same_messages_last_vs_turn_2"]
    assert same["messages"] == 2
    assert same["turn_2_median_s"] == pytest.approx(7.0)  # 4.0 and 10.0
    assert same["last_median_s"] == pytest.approx(7.7)  # 4.4 and 11.0
    assert same["ratio"] == pytest.approx(1.1)


def test_same_messages_growth_leaves_out_a_debrief_whose_pass_failed() -> None:
    engine = _turns("engine", {("a", 1): 5.0, ("a", 2): 4.0, ("a", 3): 6.0})
    swapped = [Turn(SWAPPED, "a", 1, 5.0), Turn(SWAPPED, "a", 2, 9.0, error="ModelUnavailable: down")]
    summary = summarise(engine + swapped, [], 3, [])
    assert summary["engine_same_messages_last_vs_turn_2"] is None


def test_the_swapped_debrief_exchanges_its_second_and_last_messages() -> None:
    case = next(c for c in load_cases() if len(c.messages) >= 4)
    swapped = swap_second_and_last(case)
    assert swapped.messages[1] == case.messages[-1] and swapped.messages[-1] == case.messages[1]
    assert swapped.messages[0] == case.messages[0] and sorted(swapped.messages) == sorted(case.messages)
