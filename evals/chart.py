"""Per-field F1 as a PNG: engine and baseline bars side by side, one row per field."""

from __future__ import annotations

from pathlib import Path

from evals.metrics import ExtractionMetrics


class ChartUnavailable(RuntimeError):
    """matplotlib is not installed (it comes with the dev extra)."""


def _informative(metrics: ExtractionMetrics, name: str) -> bool:
    counts = metrics.per_field.get(name)
    return counts is not None and counts.tp + counts.fp + counts.fn > 0


def write_f1_chart(path: Path, engine: ExtractionMetrics, baseline: ExtractionMetrics | None, title: str) -> Path:
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: evals run in terminals and CI
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ChartUnavailable("install matplotlib (pip install -e '.[dev]') for the chart") from exc

    # Fields nobody expected or wrote carry no information; leaving them out keeps the chart readable.
    subjects = [engine] if baseline is None else [engine, baseline]
    names = [name for name in engine.per_field if any(_informative(s, name) for s in subjects)]
    height = 0.8 / len(subjects)
    figure, axes = plt.subplots(figsize=(8, 0.32 * len(names) + 1.6), dpi=110)
    for offset, (subject, colour) in enumerate(zip(subjects, ("#2b6cb0", "#c9c9c9"), strict=False)):
        scores = [subject.per_field[n].f1 if n in subject.per_field else 0.0 for n in names]
        positions = [i + offset * height for i in range(len(names))]
        axes.barh(positions, scores, height=height, color=colour,
                  label=f"{subject.label} (micro-F1 {subject.micro.f1:.2f})")
    axes.set_yticks([i + height * (len(subjects) - 1) / 2 for i in range(len(names))], names)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("F1")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    # Below the axes, where it cannot hide a bar near 1.0.
    figure.legend(loc="lower center", ncol=len(subjects), fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
