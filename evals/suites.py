"""`debrief eval`: pick the cases, connect to the model, run the suites, print and write the report.

Each suite is a function from a SuiteContext to a SuiteResult: rich tables for the terminal and its
section of report.md: extraction, retrieval (evals/retrieval.py, hit@1/hit@3/MRR) and drafts
(evals/drafts.py, with the lint's figures from evals/lint.py). A suite that needs the chat model calls
`context.models.get()` (started on first use only), one that does not never starts it, and its report
lands in evals/results/<suite>/ unless --out says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from assistant.core import PromptLibrary, Settings
from assistant.model import Endpoint, ModelRuntime, chat_model
from evals.baseline import Baseline, OneShot
from evals.chart import ChartUnavailable, write_f1_chart
from evals.datasets import Case, load_cases
from evals.endpoints import model_slug, parse_model_option
from evals.metrics import ExtractionMetrics, measure
from evals.provenance import PROJECT_ROOT, describe_run
from evals.report import CHART_FILE, extraction_markdown, field_table, summary_table, write_report
from evals.runner import CaseRun, Engine, run_cases
from evals.runner import Progress as RunProgress

RESULTS_DIR = PROJECT_ROOT / "evals" / "results"


class Suite(StrEnum):
    EXTRACTION = "extraction"
    RETRIEVAL = "retrieval"
    DRAFTS = "drafts"
    ALL = "all"


@dataclass
class EvalOptions:
    suite: Suite = Suite.EXTRACTION
    model: str | None = None  # URL/NAME (evals/endpoints.py); None: the configured or embedded model
    case_ids: list[str] | None = None
    limit: int | None = None
    baseline: bool = True
    # With `baseline`: the per-turn naive extractor as well as the one-shot one (it costs the most).
    per_turn_baseline: bool = True
    out: Path | None = None


def select_cases(case_ids: list[str] | None = None, limit: int | None = None) -> list[Case]:
    """The named cases (all when none are named), in file order, the first `limit` of them."""
    cases = load_cases()
    if case_ids:
        known = {case.id for case in cases}
        unknown = [case_id for case_id in case_ids if case_id not in known]
        if unknown:
            raise ValueError(f"no such case: {', '.join(unknown)} (see evals/datasets/extraction/)")
        cases = [case for case in cases if case.id in set(case_ids)]
    return cases[:limit] if limit else cases


# --- the model, connected only when a suite needs it ------------------------------------------------


@dataclass
class Connection:
    endpoint: Endpoint
    embedded: bool
    model: BaseChatModel


class ModelConnection:
    """Starts the embedded model (or reads --model) on first use, so suites that need no chat model
    never start llama.cpp."""

    def __init__(self, option: str | None, settings: Settings, console: Console) -> None:
        self._option, self._settings, self._console = option, settings, console
        self._runtime: ModelRuntime | None = None
        self.connection: Connection | None = None

    def get(self) -> Connection:
        if self.connection is None:
            if self._option:
                endpoint, embedded = parse_model_option(self._option, self._settings), False
            else:
                self._runtime = ModelRuntime(self._settings)
                endpoint, embedded = self._runtime.start(), self._settings.llm.uses_embedded_model
            self.connection = Connection(endpoint, embedded, chat_model(endpoint, self._settings))
        return self.connection

    def close(self) -> None:
        if self._runtime:
            self._runtime.stop()


# --- suites -----------------------------------------------------------------------------------------


@dataclass
class SuiteContext:
    options: EvalOptions
    settings: Settings
    cases: list[Case]
    models: ModelConnection
    console: Console  # stderr: progress and notices
    results: Path | None = None  # set by a suite that knows which model it measured


@dataclass
class SuiteResult:
    tables: list[RenderableType] = field(default_factory=list)
    markdown: str = ""
    summaries: dict[str, ExtractionMetrics] = field(default_factory=dict)
    raw: dict[str, list[CaseRun]] = field(default_factory=dict)


@dataclass
class ExtractionOutcome:
    engine: ExtractionMetrics
    engine_runs: list[CaseRun]
    baseline: ExtractionMetrics | None = None
    baseline_runs: list[CaseRun] | None = None
    # The engine's record after its turns alone (before the whole-conversation pass), and the one-shot
    # baseline: one call over the whole conversation at the end.
    turns_only: ExtractionMetrics | None = None
    one_shot: ExtractionMetrics | None = None
    one_shot_runs: list[CaseRun] | None = None

    @property
    def others(self) -> list[ExtractionMetrics]:
        return [m for m in (self.turns_only, self.one_shot) if m is not None]


def run_extraction(
    model: BaseChatModel, cases: list[Case], settings: Settings, baseline: bool = True,
    progress: RunProgress | None = None, refine: bool = True, per_turn_baseline: bool = True,
) -> ExtractionOutcome:
    """The engine (and the baselines) over the cases on one model; also what the CI threshold test runs.
    `refine`: run the whole-conversation pass once the engine's turns are done."""
    engine = Engine(model, settings, refine)
    try:
        engine_runs = run_cases(engine, cases, progress)
    finally:
        engine.close()
    outcome = ExtractionOutcome(measure(engine.label, engine_runs), engine_runs)
    outcome.turns_only = measure("engine, turns only", [run.turns_only() for run in engine_runs])
    if baseline and per_turn_baseline:
        naive = Baseline(model, PromptLibrary(settings.content.prompts_dir))
        outcome.baseline_runs = run_cases(naive, cases, progress)
        outcome.baseline = measure(naive.label, outcome.baseline_runs)
    if baseline:
        one_shot = OneShot(model, PromptLibrary(settings.content.prompts_dir))
        outcome.one_shot_runs = run_cases(one_shot, cases, progress)
        outcome.one_shot = measure(one_shot.label, outcome.one_shot_runs)
    return outcome


def _extraction_suite(context: SuiteContext) -> SuiteResult:
    connection = context.models.get()
    with _RunProgress(context.console) as report:
        outcome = run_extraction(connection.model, context.cases, context.settings, context.options.baseline, report,
                                 per_turn_baseline=context.options.per_turn_baseline)
    folder = context.results = context.options.out or RESULTS_DIR / model_slug(connection.endpoint.model)
    chart: str | None = CHART_FILE
    try:
        write_f1_chart(folder / CHART_FILE, outcome.engine, outcome.baseline,
                       f"Per-field F1: {connection.endpoint.model}, {len(context.cases)} debriefs")
    except ChartUnavailable as exc:
        context.console.print(f"[yellow]No chart: {exc}[/yellow]")
        chart = None
    result = SuiteResult(
        tables=[summary_table(outcome.engine, outcome.baseline, outcome.others),
                field_table(outcome.engine, outcome.baseline, outcome.others)],
        markdown=extraction_markdown(outcome.engine, outcome.baseline, outcome.engine_runs,
                                     outcome.baseline_runs, chart, outcome.others)
        + _refinement_markdown(outcome.engine_runs),
        summaries={outcome.engine.label: outcome.engine},
        raw={outcome.engine.label: outcome.engine_runs},
    )
    if outcome.baseline and outcome.baseline_runs is not None:
        result.summaries[outcome.baseline.label] = outcome.baseline
        result.raw[outcome.baseline.label] = outcome.baseline_runs
    if outcome.one_shot and outcome.one_shot_runs is not None:
        result.summaries[outcome.one_shot.label] = outcome.one_shot
        result.raw[outcome.one_shot.label] = outcome.one_shot_runs
    if outcome.turns_only:
        result.summaries[outcome.turns_only.label] = outcome.turns_only
    return result


def _refinement_markdown(runs: list[CaseRun]) -> str:
    """What the whole-conversation pass cost, per debrief length (the turns' costs are in the tables)."""
    rows = [
        f"| {run.case.id} | {len(run.case.messages)} | {run.refinement.seconds:.1f} s | "
        f"{run.refinement.input_tokens} | {run.refinement.output_tokens} |"
        for run in runs if run.refinement and run.refinement.error is None
    ]
    if not rows:
        return ""
    return "\n".join([
        "", "### The whole-conversation pass", "",
        "| case | messages | seconds | input tokens | output tokens |", "|---|---:|---:|---:|---:|", *rows, "",
    ])


def _drafts_suite(context: SuiteContext) -> SuiteResult:
    """Drafts from the gold records, on the chat model; the lint's labelled sentences need none."""
    from evals import drafts
    from evals.lint import lint_section

    connection = context.models.get()
    settings = context.settings
    judge = None
    if settings.judge.base_url:
        endpoint = Endpoint(settings.judge.base_url, settings.judge.model or "gpt-4o-mini",
                            settings.judge.api_key.get_secret_value() if settings.judge.api_key else "not-needed")
        judge = drafts.Judge(chat_model(endpoint, settings), PromptLibrary(settings.content.prompts_dir))
    with _RunProgress(context.console) as report:
        measured = drafts.run_drafts(
            connection.model, context.cases, settings, judge,
            progress=lambda number, total, what: report("drafts", number, total, what),
        )
    rows = drafts.summary(measured)
    lint = lint_section()
    if context.results is None:
        context.results = context.options.out or RESULTS_DIR / model_slug(connection.endpoint.model)
    return SuiteResult(
        tables=[drafts.table(rows, connection.endpoint.model), *lint.tables],
        markdown=drafts.markdown(rows, connection.endpoint.model, len(context.cases)) + "\n" + lint.markdown,
    )


def _retrieval_suite(context: SuiteContext) -> SuiteResult:
    """Playbook retrieval needs no chat model: the embedder and Chroma only."""
    from rich.table import Table

    from evals import retrieval

    context.console.print("retrieval: ingesting the playbook into a scratch collection ...")
    measured = retrieval.run(context.settings)
    s = measured.scores
    table = Table(title=f"Playbook retrieval ({measured.embedder}, {s['situations']:.0f} situations)")
    for column in ("half", "situations", "hit@1", "hit@3", "MRR", "median query ms"):
        table.add_column(column, justify="right")
    rows = [*measured.by_split.items(), ("all", s)]
    for split, f in rows:
        table.add_row(split, f"{f['situations']:.0f}", f"{f['hit@1']:.3f}", f"{f['hit@3']:.3f}", f"{f['mrr']:.3f}",
                      f"{f['median_query_ms']}")
    markdown = (
        f"## Playbook retrieval\n\nEmbedder `{measured.embedder}`, {measured.ranking} ranking, "
        f"{s['situations']:.0f} situations (`evals/datasets/retrieval/`; the held-apart half is never used to "
        f"tune), {measured.passages_embedded} passages ingested in {measured.ingest_seconds:.1f} s.\n\n"
        "| half | situations | hit@1 | hit@3 | MRR | median query |\n|---|---:|---:|---:|---:|---:|\n"
        + "".join(
            f"| {split} | {f['situations']:.0f} | {f['hit@1']:.3f} | {f['hit@3']:.3f} | {f['mrr']:.3f} | "
            f"{f['median_query_ms']} ms |\n"
            for split, f in rows
        )
    )
    if context.results is None:
        context.results = context.options.out or RESULTS_DIR / "retrieval"
    return SuiteResult(tables=[table], markdown=markdown)


SuiteRunner = Callable[[SuiteContext], SuiteResult]
SUITE_RUNNERS: dict[Suite, SuiteRunner] = {
    Suite.EXTRACTION: _extraction_suite,
    Suite.RETRIEVAL: _retrieval_suite,
    Suite.DRAFTS: _drafts_suite,
}


class _RunProgress:
    """One transient bar per subject on stderr; nothing is left behind in logs or CI output."""

    def __init__(self, console: Console) -> None:
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=console, transient=True)
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _RunProgress:
        self._bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._bar.stop()

    def __call__(self, label: str, number: int, total: int, case_id: str) -> None:
        if label not in self._tasks:
            self._tasks[label] = self._bar.add_task(label, total=total)
        self._bar.update(self._tasks[label], completed=number - 1, description=f"{label}: {case_id}")


def run_evals(
    options: EvalOptions, settings: Settings, out: Console, err: Console,
    cases: list[Case] | None = None, models: ModelConnection | None = None,
) -> Path | None:
    """Run the chosen suites; print their tables on `out` and write the report. Returns report.md's path,
    or None when no suite produced figures."""
    cases = cases if cases is not None else select_cases(options.case_ids, options.limit)
    models = models or ModelConnection(options.model, settings, err)
    suites = [s for s in Suite if s is not Suite.ALL] if options.suite is Suite.ALL else [options.suite]
    context = SuiteContext(options, settings, cases, models, err)
    results: list[SuiteResult] = []
    try:
        for suite in suites:
            results.append(SUITE_RUNNERS[suite](context))
    finally:
        models.close()
    produced = [r for r in results if r.markdown]
    if not produced:
        return None
    for result in produced:
        for table in result.tables:
            out.print(table)
    connection = models.connection
    info = describe_run(connection.endpoint if connection else None, bool(connection and connection.embedded),
                        settings, options.suite.value, [case.id for case in cases], len(load_cases()),
                        options.baseline)
    # A suite that measured a model names the folder after it; one that needed none, after itself.
    folder = context.results or options.out or RESULTS_DIR / suites[0].value
    summaries = {label: m for r in produced for label, m in r.summaries.items()}
    raw = {label: runs for r in produced for label, runs in r.raw.items()}
    report = write_report(folder, info, [r.markdown for r in produced], summaries, raw)
    err.print(f"Report: {report}")
    return report
