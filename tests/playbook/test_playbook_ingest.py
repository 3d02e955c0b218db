"""Ingesting into Chroma: incremental re-ingest, deletions, two collections, citations in search."""

from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.core.errors import InvalidInput
from assistant.playbook.embedding import HashingEmbedder
from assistant.playbook.entries import SITUATION
from assistant.playbook.search import DOCUMENTS, PLAYBOOK, RECHECK_S, Playbook
from tests.support.playbook_fixtures import CountingEmbedder, write_entry

SILENT = {"Spotting the silence": "The hiring manager stopped answering calls and emails after the interview.",
          "Reopening contact": "Phone, then email, then a mutual contact; ask for twenty minutes in person."}
REJECT = {"Before the call": "Get the client's job-related reasons first.",
          "On the call": "Say it in the first minute, then pause and let the candidate react."}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    write_entry(knowledge, "silent.md", "client-gone-silent", SILENT, "  - {relationship_risk: true}")
    write_entry(knowledge, "reject.md", "empathetic-rejection", REJECT, "  - {decision: reject}")
    return knowledge


def _playbook(tmp_path: Path, folder: Path, embedder: HashingEmbedder) -> Playbook:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    return Playbook(lambda: client, embedder, folder)


def test_reingest_embeds_only_what_changed_and_deletes_what_is_gone(tmp_path: Path, folder: Path) -> None:
    embedder = CountingEmbedder()
    playbook = _playbook(tmp_path, folder, embedder)
    first = playbook.ingest()
    assert (first.added, first.unchanged, first.files) == (4, 0, 2)

    embedder.texts.clear()
    again = playbook.ingest()
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 4, 0)
    assert embedder.texts == []

    write_entry(folder, "silent.md", "client-gone-silent",
                {**SILENT, "Reopening contact": "Ask to meet in person, and bring the revised shortlist."},
                "  - {relationship_risk: true}")
    changed = playbook.ingest()
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 3)
    assert len(embedder.texts) == 1 and "revised shortlist" in embedder.texts[0]

    (folder / "reject.md").unlink()
    removed = playbook.ingest()
    assert removed.removed == 2
    assert {p.citation.entry_id for p in playbook.search("candidate react", k=10)} == {"client-gone-silent"}


def test_search_returns_ranked_passages_with_their_citation(tmp_path: Path, folder: Path) -> None:
    playbook = _playbook(tmp_path, folder, HashingEmbedder())
    playbook.ingest()
    results = playbook.search("the hiring manager stopped answering my calls", k=3)
    assert results[0].citation.entry_id == "client-gone-silent"
    assert results[0].citation.heading == "Spotting the silence"
    assert results[0].citation.title == "Client Gone Silent"
    assert results[0].citation.file == "silent.md"
    assert results[0].citation.collection == PLAYBOOK
    # Grouped by entry: each entry's passages together, the best entry's first.
    entries = [r.citation.entry_id for r in results]
    assert entries == sorted(entries, key=entries.index)
    assert results[0].similarity == max(r.similarity for r in results)
    with pytest.raises(InvalidInput):
        playbook.search("   ")


def test_own_documents_go_to_their_own_collection_and_accumulate(tmp_path: Path, folder: Path) -> None:
    playbook = _playbook(tmp_path, folder, HashingEmbedder())
    playbook.ingest()
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "offers.txt").write_text("Our offer policy: counter-offers above band need sign-off.", encoding="utf-8")
    (notes / "visa.md").write_text("# Visas\n\n## Sponsorship\nWe sponsor skilled worker visas.", encoding="utf-8")

    report = playbook.ingest([notes / "offers.txt"])
    assert report.collection == "debrief-documents" and report.added == 1
    playbook.ingest([notes / "visa.md"])  # a second file does not remove the first
    assert playbook.index(DOCUMENTS).count() == 2
    assert playbook.index(PLAYBOOK).count() == 4

    found = playbook.search("counter-offers above band", k=1, collections=[DOCUMENTS])
    assert found[0].citation.entry_id == "offers" and found[0].citation.collection == DOCUMENTS
    assert playbook.ingest().unchanged == 4  # re-ingesting the playbook leaves documents alone
    assert playbook.index(DOCUMENTS).count() == 2


def test_a_different_embedder_rebuilds_the_collection(tmp_path: Path, folder: Path) -> None:
    _playbook(tmp_path, folder, HashingEmbedder()).ingest()
    other = HashingEmbedder(dimension=64)
    other.name = "hash-64"
    report = _playbook(tmp_path, folder, other).ingest()
    assert report.added == 4  # the old vectors were not comparable, so all are embedded again


def test_a_missing_path_is_a_clear_error(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        _playbook(tmp_path, folder, HashingEmbedder()).ingest([tmp_path / "nope"])


def test_an_ingest_here_is_searched_at_once_and_one_elsewhere_after_the_recheck(
    tmp_path: Path, folder: Path
) -> None:
    now = [100.0]
    here = Playbook(_playbook(tmp_path, folder, HashingEmbedder()).client, HashingEmbedder(), folder,
                    clock=lambda: now[0])
    here.ingest()
    assert here.search("visa sponsorship", k=1, collections=[PLAYBOOK])  # the collection is read into memory
    write_entry(folder, "visa.md", "visa-sponsorship", {"Sponsorship": "We sponsor skilled worker visas."})
    here.ingest()
    # This process's ingest replaces what it read: the new entry is found at once.
    assert here.search("skilled worker visas", k=1)[0].citation.entry_id == "visa-sponsorship"

    # Another process (another Playbook on the same store) ingests; this one trusts what it read for
    # RECHECK_S, then sees the change.
    elsewhere = Playbook(here.client, HashingEmbedder(), folder)
    write_entry(folder, "relocation.md", "relocation", {"Moving": "Relocation packages are the client's call."})
    elsewhere.ingest()
    assert "relocation" not in {p.citation.entry_id for p in here.search("relocation packages", k=10)}
    now[0] += RECHECK_S
    assert here.search("relocation packages", k=1)[0].citation.entry_id == "relocation"


def test_query_vectors_are_kept_per_embedder(tmp_path: Path, folder: Path) -> None:
    embedder = CountingEmbedder()
    playbook = _playbook(tmp_path, folder, embedder)
    playbook.ingest()
    embedder.texts.clear()
    playbook.search("candidate react", k=1)
    playbook.search("candidate  react", k=1)
    playbook.advise("candidate react")
    assert embedder.texts == ["candidate react"]  # one embedding for the three searches
    other = CountingEmbedder()
    playbook.embedder = other
    playbook.search("candidate react", k=1)
    assert other.texts == ["candidate react"]  # another embedder's vectors are not reused


def test_an_entry_is_found_through_its_situation_and_shows_its_sections(tmp_path: Path, folder: Path) -> None:
    # The question's words are in no section, only in the summary of the entry it is about; the other
    # entry's sections share an everyday word ("client").
    question = "the client ghosted us, not a word since Tuesday"
    playbook = _playbook(tmp_path, folder, HashingEmbedder())
    playbook.ingest()
    assert playbook.advise(question, 1)[0].entry_id == "empathetic-rejection"

    write_entry(folder, "silent.md", "client-gone-silent", SILENT, "  - {relationship_risk: true}",
                summary="A client who has ghosted you and sent no word for days.")
    report = playbook.ingest()
    assert (report.added, report.updated, report.unchanged) == (1, 0, 4)  # the situation passage alone

    [advice] = playbook.advise(question, 1)
    assert advice.entry_id == "client-gone-silent"
    # The situation passage is searched, never shown: the recruiter reads the entry's sections.
    assert {p.citation.heading for p in advice.passages} <= set(SILENT)
    assert all(SITUATION not in (p.citation.heading, p.text) for p in playbook.search(question, k=10))
    nearest = playbook.nearest(playbook.embed_query(question), k=10)
    assert nearest and all(p.citation.heading != SITUATION for p in nearest)
