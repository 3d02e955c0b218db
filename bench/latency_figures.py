"""The figures bench/turn_latency.py prints and saves: per-turn medians and their ratios.

    .venv/bin/python -m bench.latency_figures bench/results/turn-latency-1.5b.json   # README's tables
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

# The engine pass over the same debriefs with each one's second and last messages exchanged.
SWAPPED = "engine, turns 2 and last swapped"


@dataclass
class Turn:
    subject: str  # "engine", "baseline", or a shared-server pass such as "in turn x2" (sharing_labels)
    case: str
    index: int  # 1 for the debrief's first recruiter message
    seconds: float
    prompt_tokens: int = 0
    output_tokens: int = 0
    read: int | None = None  # prompt tokens the server read anew (see bench/prompt_reuse.py)
    reused: int | None = None  # prompt tokens it restored from its cache
    error: str | None = None


def pct(values: list[float], q: float) -> float:
    """Nearest rank, as bench/turn_overhead.py: with a handful of samples, p95 is the slowest."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _median(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def per_turn(turns: list[Turn], subject: str) -> dict[int, dict[str, Any]]:
    by_index: dict[int, list[Turn]] = defaultdict(list)
    for turn in turns:
        if turn.subject == subject and turn.error is None:
            by_index[turn.index].append(turn)
    return {
        index: {
            "n": len(group),
            "median_s": statistics.median(t.seconds for t in group),
            "p95_s": pct([t.seconds for t in group], 0.95),
            "prompt_tokens": _median([t.prompt_tokens for t in group]),
            "read_tokens": _median([t.read for t in group]),
            "reused_tokens": _median([t.reused for t in group]),
            "output_tokens": _median([t.output_tokens for t in group]),
        }
        for index, group in sorted(by_index.items())
    }


def overall_median(turns: list[Turn], subject: str) -> float | None:
    times = [t.seconds for t in turns if t.subject == subject and t.error is None]
    return statistics.median(times) if times else None


def last_vs_second(rows: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """Does a turn get slower as the debrief grows? The last turn index (8 at most) against turn 2."""
    if 2 not in rows or max(rows) <= 2:
        return None
    last = max(rows)
    return {"last_turn": last, "ratio": rows[last]["median_s"] / rows[2]["median_s"]}


def same_messages_growth(turns: list[Turn]) -> dict[str, Any] | None:
    """The last turn against turn 2 over the same messages: each debrief's second and last messages, timed
    where they came in the engine pass and again in swapped places. The plain last-vs-2 ratio also
    measures how much longer the late messages are; this one only what the debrief's length adds."""
    at_two: list[Turn] = []
    at_last: list[Turn] = []
    for case in sorted({t.case for t in turns if t.subject == SWAPPED}):
        passes = [{t.index: t for t in turns if t.subject == subject and t.case == case}
                  for subject in ("engine", SWAPPED)]
        # A pass cut short by a failed turn never reached the debrief's real last message.
        if not all(passes) or any(t.error for p in passes for t in p.values()) or max(passes[0]) != max(passes[1]):
            continue
        engine, swapped = passes
        last = max(engine)
        if last <= 2:
            continue
        at_two += [engine[2], swapped[2]]
        at_last += [swapped[last], engine[last]]
    if not at_two:
        return None
    two_s, last_s = statistics.median(t.seconds for t in at_two), statistics.median(t.seconds for t in at_last)
    return {
        "messages": len(at_two), "turn_2_median_s": two_s, "last_median_s": last_s, "ratio": last_s / two_s,
        "turn_2_output_tokens": _median([t.output_tokens for t in at_two]),
        "last_output_tokens": _median([t.output_tokens for t in at_last]),
    }


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def sharing_labels(k: int) -> list[str]:
    return [f"in turn x{k}", f"at once x{k}", f"in turn x{k}, no RAM cache"]


def _reference(turns: list[Turn], keys: set[tuple[str, int]]) -> float | None:
    """The single-conversation median over exactly the messages a shared-server pass sent."""
    times = [t.seconds for t in turns if t.subject == "engine" and t.error is None and (t.case, t.index) in keys]
    return statistics.median(times) if times else None


def summarise(turns: list[Turn], sharing: list[int], sharing_turns: int, sse: list[float]) -> dict[str, Any]:
    engine, baseline = per_turn(turns, "engine"), per_turn(turns, "baseline")
    summary: dict[str, Any] = {
        "engine": engine, "baseline": baseline,
        "engine_median_s": overall_median(turns, "engine"),
        "baseline_median_s": overall_median(turns, "baseline"),
        "engine_last_vs_turn_2": last_vs_second(engine),
        "baseline_last_vs_turn_2": last_vs_second(baseline),
        "engine_same_messages_last_vs_turn_2": same_messages_growth(turns),
        "errors": [t.__dict__ for t in turns if t.error],
    }
    # Over the messages both sent (the baseline may have been cut to the first turns of each debrief).
    sent = {(t.case, t.index) for t in turns if t.subject == "baseline" and t.error is None}
    summary["engine_median_on_baseline_turns_s"] = _reference(turns, sent)
    summary["ratio_engine_to_baseline"] = _ratio(summary["engine_median_on_baseline_turns_s"],
                                                 summary["baseline_median_s"])
    shared: dict[str, Any] = {}
    for k in sharing:
        for label in sharing_labels(k):
            mine = [t for t in turns if t.subject == label]
            if not mine:
                continue
            median, single = overall_median(turns, label), _reference(turns, {(t.case, t.index) for t in mine})
            shared[label] = {
                "k": k, "turns": len(mine), "median_s": median, "p95_s": pct([t.seconds for t in mine], 0.95),
                "single_median_s": single, "ratio_to_single": _ratio(median, single),
                "read_tokens": _median([t.read for t in mine]), "reused_tokens": _median([t.reused for t in mine]),
            }
    summary["shared"] = shared
    summary["shared_turns"] = sharing_turns
    if sse:
        summary["first_event_s"] = {"median": statistics.median(sse), "max": max(sse), "n": len(sse)}
    return summary


def show(summary: dict[str, Any], console: Console) -> None:
    table = Table(title="Seconds per turn (median / p95) and tokens (median): engine against the naive baseline")
    for column in ("turn", "engine s", "p95", "read", "reused", "out",
                   "baseline s", "p95", "read", "reused", "out", "engine/baseline"):
        table.add_column(column, justify="right")
    engine, baseline = summary["engine"], summary["baseline"]
    for index in sorted(set(engine) | set(baseline)):
        row: list[str] = [f"{index}"]
        for side in (engine.get(index), baseline.get(index)):
            row += ["-"] * 5 if side is None else [
                _fmt(side["median_s"], 1), _fmt(side["p95_s"], 1), _fmt(side["read_tokens"]),
                _fmt(side["reused_tokens"]), _fmt(side["output_tokens"]),
            ]
        both = index in engine and index in baseline
        ratio = _ratio(engine[index]["median_s"], baseline[index]["median_s"]) if both else None
        table.add_row(*row, _fmt(ratio, 2))
    console.print(table)
    console.print(
        f"median per turn: engine {_fmt(summary['engine_median_s'], 1)} s over all its turns, "
        f"{_fmt(summary['engine_median_on_baseline_turns_s'], 1)} s over the turns the baseline also ran; "
        f"baseline {_fmt(summary['baseline_median_s'], 1)} s; ratio of those medians (engine / baseline) "
        f"{_fmt(summary['ratio_engine_to_baseline'], 2)}"
    )
    for name in ("engine", "baseline"):
        growth = summary[f"{name}_last_vs_turn_2"]
        if growth:
            console.print(f"{name}: turn {growth['last_turn']} / turn 2 = {growth['ratio']:.2f}")
    same = summary.get("engine_same_messages_last_vs_turn_2")
    if same:
        console.print(
            f"engine, the same {same['messages']} messages (each debrief's second and last, also sent in swapped "
            f"places): last turn {same['last_median_s']:.1f} s / turn 2 {same['turn_2_median_s']:.1f} s = "
            f"{same['ratio']:.2f}; output tokens {_fmt(same['last_output_tokens'])} / "
            f"{_fmt(same['turn_2_output_tokens'])}"
        )
    if summary["shared"]:
        table = Table(title=f"Conversations sharing the server (engine, first {summary['shared_turns']} messages of "
                            "each): median seconds per turn against the same messages one conversation at a time")
        for column in ("pass", "turns", "median s", "p95", "one at a time s", "ratio", "read", "reused"):
            table.add_column(column, justify="right")
        for label, figures in summary["shared"].items():
            table.add_row(label, f"{figures['turns']}", _fmt(figures["median_s"], 1), _fmt(figures["p95_s"], 1),
                          _fmt(figures["single_median_s"], 1), _fmt(figures["ratio_to_single"], 2),
                          _fmt(figures["read_tokens"]), _fmt(figures["reused_tokens"]))
        console.print(table)
    if "first_event_s" in summary:
        first = summary["first_event_s"]
        console.print(
            f"first SSE event (accepted) after POST /messages/stream: median {first['median'] * 1000:.0f} ms, "
            f"max {first['max'] * 1000:.0f} ms over {first['n']} turns"
        )
    for error in summary["errors"]:
        console.print(f"[red]failed turn[/red] {error['subject']} {error['case']} #{error['index']}: {error['error']}")


def markdown(saved: dict[str, Any]) -> str:
    """The tables README "Performance" shows, from a file bench/turn_latency.py saved with --json."""
    summary = saved["summary"]
    engine, baseline = summary["engine"], summary["baseline"]
    lines = [
        "| turn | engine s (p95) | prompt tokens read / reused | output tokens | baseline s (p95) "
        "| read / reused | output | engine / baseline |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for index in sorted({int(i) for i in engine} | {int(i) for i in baseline}):
        cells = [str(index)]
        for side in (engine.get(str(index)), baseline.get(str(index))):
            cells += ["-"] * 3 if side is None else [
                f"{side['median_s']:.1f} ({side['p95_s']:.1f})",
                f"{_fmt(side['read_tokens'])} / {_fmt(side['reused_tokens'])}", _fmt(side["output_tokens"]),
            ]
        both = str(index) in engine and str(index) in baseline
        ratio = _ratio(engine[str(index)]["median_s"], baseline[str(index)]["median_s"]) if both else None
        lines.append("| " + " | ".join(cells + [_fmt(ratio, 2)]) + " |")
    same = summary.get("engine_same_messages_last_vs_turn_2")
    if same:
        lines += ["", f"Same messages (each debrief's second and last, each sent at both places): last turn "
                      f"{same['last_median_s']:.1f} s against turn 2 {same['turn_2_median_s']:.1f} s, ratio "
                      f"{same['ratio']:.2f} over {same['messages']} messages; output tokens "
                      f"{_fmt(same['last_output_tokens'])} against {_fmt(same['turn_2_output_tokens'])}."]
    if summary.get("shared"):
        lines += ["", "| pass | turns | median s (p95) | same messages alone, s | ratio | read / reused |",
                  "|---|---:|---:|---:|---:|---:|"]
        for label, f in summary["shared"].items():
            lines.append(f"| {label} | {f['turns']} | {f['median_s']:.1f} ({f['p95_s']:.1f}) | "
                         f"{_fmt(f['single_median_s'], 1)} | {_fmt(f['ratio_to_single'], 2)} | "
                         f"{_fmt(f['read_tokens'])} / {_fmt(f['reused_tokens'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
