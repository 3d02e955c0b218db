"""The `debrief` command: serve the API, debrief in the terminal, extract a record from a file, ingest and
search the playbook, run evals, erase a candidate's data and purge expired debriefs, deliver webhooks and
ATS notes, and export debriefs."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from assistant.access import Recruiter
from assistant.ats import FORMATS as EXPORT_FORMATS
from assistant.ats import Courier, export
from assistant.core import SIDES, DebriefError, get_settings
from assistant.drafting import Draft, DraftKind
from assistant.model import ModelFileError
from assistant.playbook import COLLECTIONS, DOCUMENTS, PLAYBOOK, GuidanceNote, Playbook
from assistant.service import Service
from assistant.specs import read_spec_upload
from assistant.storage import Erased, Erasure, RecruiterRow, Store

app = typer.Typer(help="Debrief: post-interview debriefs with an evidence-linked record.", no_args_is_help=True)
keys_app = typer.Typer(help="Recruiter API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
# Everything for people goes to stderr; stdout carries only results that scripts read.
err = Console(stderr=True)

KindOption = Annotated[str, typer.Option("--kind", "-k", help="candidate or client")]


@app.callback()
def _on_termination() -> None:
    """A `kill` (SIGTERM) ends a command the way Ctrl-C does, through its clean-up: Python's default would
    skip it, and an embedded model server the command started would be left running without a parent."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _check_kind(kind: str) -> str:
    if kind not in SIDES:
        raise typer.BadParameter(f"must be one of {', '.join(SIDES)}", param_hint="--kind")
    return kind


def _local_service(with_guidance: bool = True) -> tuple[Service, str]:
    """An engine on a throwaway in-memory store: terminal debriefs are not kept. Without guidance the
    playbook is neither ingested at start nor searched each turn, which only prints could use."""
    playbook: dict[str, object] = {} if with_guidance else {"auto_ingest": False, "guidance_per_turn": 0}
    settings = get_settings().overridden(access={"create_dev_key": False, "api_keys": ""}, playbook=playbook)
    service = Service(settings, store=Store("sqlite://")).start()
    recruiter = service.keys.authenticate(service.keys.add("terminal"))
    return service, recruiter.id


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default DEBRIEF_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DEBRIEF_PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="API worker processes behind the one port")] = 1,
) -> None:
    """Run the HTTP API (docs at /docs); starts the embedded model when no endpoint is configured."""
    import uvicorn

    from api.app import create_app
    from api.logs import logging_config

    settings = get_settings()
    log_config = logging_config(settings.server.log_format, settings.server.log_level)
    if workers == 1:
        uvicorn.run(create_app(), host=host or settings.server.host, port=port or settings.server.port,
                    log_config=log_config)
        return
    if settings.llm.uses_embedded_model:
        # Each worker would start (or race to start) its own embedded server, and the first worker to stop
        # would take the model away from the others.
        raise typer.BadParameter(
            "several workers need one shared model server: run `debrief serve-model` and set "
            "DEBRIEF_LLM_BASE_URL to the address it prints (README: Deploying for a team)",
            param_hint="--workers",
        )
    uvicorn.run("api.app:create_app", factory=True, workers=workers,
                host=host or settings.server.host, port=port or settings.server.port, log_config=log_config)


@app.command("serve-model")
def serve_model() -> None:
    """Run the embedded model server alone, for API workers that share it through DEBRIEF_LLM_BASE_URL."""
    import signal
    import threading

    from assistant.model import ModelRuntime

    settings = get_settings().overridden(llm={"base_url": None})
    runtime = ModelRuntime(settings)
    endpoint = runtime.start()
    err.print(f"Serving the embedded model: DEBRIEF_LLM_BASE_URL={endpoint.base_url} "
              f"DEBRIEF_LLM_MODEL={endpoint.model}")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()


@app.command()
def chat(
    kind: KindOption = "candidate",
    out: Annotated[Path | None, typer.Option(help="Write the final record as JSON to this file")] = None,
) -> None:
    """A debrief in the terminal. Type your notes; an empty line or Ctrl-D ends it."""
    _check_kind(kind)
    service, recruiter = _local_service()
    try:
        debrief = service.debriefs.open(recruiter, kind)
        err.print(f"[bold]{debrief.question}[/bold]")
        while True:
            try:
                text = input("> ")
            except EOFError:
                break
            if not text.strip():
                break
            try:
                with err.status("Reading your notes..."):
                    outcome = service.debriefs.post_message(recruiter, debrief.id, text)
            except DebriefError as exc:
                err.print(f"[red]{exc}[/red]")
                continue
            err.print(outcome.reply)
            for note in outcome.guidance:
                _print_note(note)
        with err.status("Reading the whole conversation once more..."):
            service.settle_record(recruiter, debrief.id)
        record = service.debriefs.get(recruiter, debrief.id).record
        err.print_json(record.model_dump_json())
        if out:
            out.write_text(record.model_dump_json(indent=2), encoding="utf-8")
    finally:
        service.stop()


def read_messages(path: Path) -> list[str]:
    """One recruiter message per paragraph; paragraphs are separated by blank lines."""
    text = path.read_text(encoding="utf-8")
    paragraphs, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: KindOption = "candidate",
) -> None:
    """Run a file of recruiter messages through the debrief engine; print the record as JSON on stdout."""
    _check_kind(kind)
    messages = read_messages(file)
    if not messages:
        raise typer.BadParameter("the file holds no messages", param_hint="FILE")
    # The record is all that is printed: playbook guidance would be computed for nothing.
    service, recruiter = _local_service(with_guidance=False)
    try:
        debrief = service.debriefs.open(recruiter, kind)
        for number, text in enumerate(messages, start=1):
            err.print(f"[dim]message {number}/{len(messages)}[/dim]")
            service.debriefs.post_message(recruiter, debrief.id, text)
        err.print("[dim]reading the whole conversation once more[/dim]")
        service.settle_record(recruiter, debrief.id)
        record = service.debriefs.get(recruiter, debrief.id).record
        sys.stdout.write(record.model_dump_json(indent=2) + "\n")
    except DebriefError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        service.stop()


@app.command()
def draft(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="Recruiter messages, one per paragraph")],
    draft_type: Annotated[str, typer.Option("--type", "-t", help=", ".join(k.value for k in DraftKind))],
    kind: KindOption = "client",
    spec: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="The original job spec, .md or .txt (revised_job_spec)")] = None,
    instructions: Annotated[str | None, typer.Option(help="Tone, length or emphasis")] = None,
) -> None:
    """Debrief from a file of messages, then write a draft: streamed to stderr as it is written, the
    checked draft on stdout, its findings and unsupported sentences on stderr. Nothing is sent."""
    _check_kind(kind)
    messages = read_messages(file)
    if not messages:
        raise typer.BadParameter("the file holds no messages", param_hint="FILE")
    original = None
    if spec is not None:
        try:
            original = read_spec_upload(spec.name, spec.read_bytes(), get_settings().limits.max_spec_chars * 4)
        except DebriefError as exc:
            raise typer.BadParameter(str(exc), param_hint="--spec") from exc
    service, recruiter_id = _local_service()
    try:
        debrief = service.debriefs.open(recruiter_id, kind)
        for number, text in enumerate(messages, start=1):
            err.print(f"[dim]message {number}/{len(messages)}[/dim]")
            service.debriefs.post_message(recruiter_id, debrief.id, text)
        recruiter = Recruiter(recruiter_id, "terminal")
        for event in service.drafts.stream_create(recruiter, debrief.id, draft_type, instructions, original):
            if isinstance(event, Draft):
                _print_draft(event)
            elif event[0] == "delta":
                err.print(event[1]["text"], end="", style="dim", highlight=False)
    except DebriefError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        service.stop()


def _print_draft(result: Draft) -> None:
    version = result.current
    err.print()
    for notice in result.notices:
        err.print(f"[yellow]{notice}[/yellow]")
    for finding in version.review.findings:
        colour = "red" if finding.severity == "blocking" else "yellow"
        label = f"[{colour}]{finding.severity}: {finding.category}[/{colour}]"
        err.print(f"{label} \"{finding.text}\": {finding.explanation}", highlight=False)
    for sentence in version.review.unsupported:
        missing = ", ".join(sentence.unsupported)
        err.print(f"[magenta]not in the debrief:[/magenta] {sentence.text} [dim]({missing})[/dim]", highlight=False)
    for change in version.review.redline or []:
        cause = f" <- {change.cause.side}: \"{change.cause.quote}\"" if change.cause else " (no cause in the debrief)"
        err.print(f"[cyan]{change.kind}[/cyan] {change.before or ''} -> {change.after or ''}{cause}", highlight=False)
    sys.stdout.write(version.text.rstrip() + "\n")


def _print_note(note: GuidanceNote) -> None:
    err.print(f"[cyan]Playbook: {note.title} > {note.heading}[/cyan] [dim]({note.entry_id}; {note.reason})[/dim]")
    err.print(f"[dim]{note.text}[/dim]", highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the playbook folder)")] = None,
    into: Annotated[
        str | None, typer.Option(help="playbook or documents (default: documents when paths are given)")
    ] = None,
) -> None:
    """Embed markdown and text files into Chroma. Unchanged passages are not embedded again; passages of
    files gone from a folder are deleted."""
    if into is not None and into not in COLLECTIONS:
        raise typer.BadParameter(f"must be one of {', '.join(COLLECTIONS)}", param_hint="--into")
    playbook = Playbook.from_settings(get_settings())
    columns = (TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("embed", total=None)
            report = playbook.ingest(
                paths or [], into, lambda done, total: bar.update(task, completed=done, total=total)
            )
    except DebriefError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    err.print(
        f"{report.collection}: {report.files} files, {report.added} passages added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.removed} removed"
    )


@app.command("playbook")
def search_playbook(
    question: Annotated[str, typer.Argument(help="A situation or question, in your own words")],
    k: Annotated[int, typer.Option("-k", help="How many passages")] = 5,
    source: Annotated[str, typer.Option(help="all, playbook or documents")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON on stdout")] = False,
) -> None:
    """Search the playbook (and your own documents) by meaning and by words; passages come grouped by entry,
    each with its citation."""
    if source not in ("all", PLAYBOOK, DOCUMENTS):
        raise typer.BadParameter("must be all, playbook or documents", param_hint="--source")
    playbook = Playbook.from_settings(get_settings())
    try:
        passages = playbook.search(question, k, COLLECTIONS if source == "all" else (source,))
    except DebriefError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if as_json:
        rows = [{"rank": n, "similarity": p.similarity, **vars(p.citation), "text": p.text}
                for n, p in enumerate(passages, start=1)]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if not passages:
        err.print("Nothing found: run `debrief ingest` first.")
    for n, p in enumerate(passages, start=1):
        sys.stdout.write(f"{n}. [{p.citation.entry_id}] {p.citation.title} > {p.citation.heading}"
                         f"  ({p.similarity:.2f})\n{p.text}\n\n")


MODEL_HELP = (
    "URL/NAME: an OpenAI-compatible base URL with the model name appended, e.g. "
    "http://localhost:11434/v1/qwen2.5:7b (the base URL ends after /v1); a bare NAME uses DEBRIEF_LLM_BASE_URL. "
    "Default: the configured endpoint, else the embedded model."
)


@app.command("eval")
def eval_command(
    model: Annotated[str | None, typer.Option("--model", "-m", help=MODEL_HELP)] = None,
    suite: Annotated[str, typer.Option(help="extraction, retrieval, drafts or all")] = "extraction",
    cases: Annotated[str | None, typer.Option(help="Comma-separated case ids (default: every case)")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Run only the first N of the chosen cases")] = None,
    baseline: Annotated[bool, typer.Option(help="Also run the naive single-prompt extractors")] = True,
    per_turn_baseline: Annotated[bool, typer.Option(
        help="With --baseline: the per-turn naive extractor too, not only the one-shot one")] = True,
    out: Annotated[Path | None, typer.Option(help="Report folder (default evals/results/<model>/)")] = None,
) -> None:
    """Measure extraction quality on the labelled debriefs; tables here, report under evals/results/."""
    from evals.endpoints import ModelOptionError, parse_model_option
    from evals.suites import EvalOptions, Suite, run_evals, select_cases

    try:
        chosen = Suite(suite.lower())
    except ValueError:
        raise typer.BadParameter(f"must be one of {', '.join(s.value for s in Suite)}", param_hint="--suite") from None
    settings = get_settings()
    if model:
        try:
            parse_model_option(model, settings)
        except ModelOptionError as exc:
            raise typer.BadParameter(str(exc), param_hint="--model") from None
    ids = [part.strip() for part in cases.split(",") if part.strip()] if cases else None
    try:
        chosen_cases = select_cases(ids, limit)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--cases") from None
    options = EvalOptions(suite=chosen, model=model, case_ids=ids, limit=limit, baseline=baseline,
                          per_turn_baseline=per_turn_baseline, out=out)
    try:
        run_evals(options, settings, Console(), err, chosen_cases)
    except (DebriefError, ModelFileError) as exc:  # the model could not be started or reached
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@keys_app.command("add")
def add_key(name: Annotated[str, typer.Argument(help="The recruiter's name")]) -> None:
    """Create (or replace) a recruiter's API key and print it once."""
    storage = get_settings().storage
    store = Store(storage.resolved_database_url, storage.sqlite_sync)
    from assistant.access import Keys

    key = Keys(store).add(name)
    err.print(f"API key for {name} (shown once; only its hash is stored):")
    sys.stdout.write(key + "\n")


def _erasure_report(erased: Erased) -> None:
    sys.stdout.write(json.dumps(asdict(erased), indent=2) + "\n")
    if erased.held:
        err.print(f"[yellow]{erased.held} debrief(s) kept: under a legal hold[/yellow]")


@app.command()
def erase(
    candidate: Annotated[str, typer.Option("--candidate", help="The candidate's full name")],
    recruiter: Annotated[str, typer.Option("--recruiter", help="The recruiter's name (as in `debrief keys add`)")],
) -> None:
    """A candidate's erasure request: every debrief of the recruiter about them, with drafts, transcripts
    and interviews naming them; audit events are kept without details. Prints the counts as JSON."""
    settings = get_settings()
    store = Store(settings.storage.resolved_database_url, settings.storage.sqlite_sync)
    try:
        with store.session() as s:
            owner = s.scalar(select(RecruiterRow.id).where(RecruiterRow.name == recruiter))
        if owner is None:
            raise typer.BadParameter("no recruiter by that name", param_hint="--recruiter")
        try:
            erased = Erasure(store, settings.storage.embedded_server_log).candidate(owner, candidate)
        except DebriefError as exc:
            raise typer.BadParameter(str(exc), param_hint="--candidate") from exc
        _erasure_report(erased)
    finally:
        store.engine.dispose()


@app.command()
def purge(
    days: Annotated[int | None, typer.Option(min=1, help="Retention in days (default DEBRIEF_RETENTION_DAYS)")] = None,
) -> None:
    """Erase every debrief with no activity for the retention period, except those under a legal hold.
    Prints the counts as JSON."""
    settings = get_settings()
    period = days or settings.privacy.retention_days
    if not period:
        raise typer.BadParameter("DEBRIEF_RETENTION_DAYS is 0 (keep forever): give --days", param_hint="--days")
    store = Store(settings.storage.resolved_database_url, settings.storage.sqlite_sync)
    try:
        _erasure_report(Erasure(store, settings.storage.embedded_server_log).expired(period))
    finally:
        store.engine.dispose()


def _recruiter_id(store: Store, name: str) -> str:
    with store.session() as s:
        owner = s.scalar(select(RecruiterRow.id).where(RecruiterRow.name == name))
    if owner is None:
        raise typer.BadParameter("no recruiter by that name", param_hint="--recruiter")
    return owner


@app.command()
def deliver() -> None:
    """Send the webhook deliveries and ATS notes that are due, once, then exit (for cron, or a worker of
    its own when DEBRIEF_ATS_DELIVER_IN_BACKGROUND is off). Prints how many of each were tried, as JSON."""
    settings = get_settings()
    store = Store(settings.storage.resolved_database_url, settings.storage.sqlite_sync)
    try:
        done = Courier(store, settings.ats).deliver_once()
        sys.stdout.write(json.dumps(asdict(done)) + "\n")
    finally:
        store.engine.dispose()


@app.command("export")
def export_debriefs(
    recruiter: Annotated[str, typer.Option("--recruiter", help="The recruiter's name (as in `debrief keys add`)")],
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")] = None,
) -> None:
    """Every debrief of the recruiter, one row each, with every field's value and its quotes."""
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    storage = get_settings().storage
    store = Store(storage.resolved_database_url, storage.sqlite_sync)
    try:
        chunks = export(store, _recruiter_id(store, recruiter), fmt)
        if output is None:
            sys.stdout.writelines(chunks)
        else:
            # Candidate data: readable by its owner only, like the database.
            with output.open("w", encoding="utf-8", newline="") as file:
                output.chmod(0o600)
                file.writelines(chunks)
    finally:
        store.engine.dispose()


if __name__ == "__main__":
    app()
