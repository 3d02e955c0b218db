"""/playbook/search: the playbook and the recruiter's own documents, searched by meaning and by words, with
citations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import PlaybookDep, RecruiterDep
from api.models import CitationOut, PassageOut, Problem, SearchOut, TypedText
from assistant.playbook import COLLECTIONS

router = APIRouter(prefix="/playbook", tags=["playbook"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown API key"},
    422: {"model": Problem, "description": "Empty or over-long question"},
    503: {"model": Problem, "description": "The embedding model or Chroma is not available"},
}


def citation_out(entry_id: str, title: str, heading: str, file: str, collection: str) -> CitationOut:
    return CitationOut(entry_id=entry_id, title=title, heading=heading, file=file, collection=collection)  # type: ignore[arg-type]


@router.get("/search", response_model=SearchOut, responses=ERRORS)
async def search(
    recruiter: RecruiterDep,
    playbook: PlaybookDep,
    q: Annotated[
        TypedText, Query(min_length=1, max_length=2000, description="A question or situation, in plain words")
    ],
    k: Annotated[int, Query(ge=1, le=50, description="How many passages")] = 5,
    source: Annotated[Literal["all", "playbook", "documents"], Query(description="Which collection")] = "all",
) -> SearchOut:
    """Passages that answer `q`, grouped by entry (the best entry's passages first), each cited by entry id,
    title and heading, with its cosine similarity to `q`."""
    collections = COLLECTIONS if source == "all" else (source,)
    passages = await run_in_threadpool(playbook.search, q, k, collections)
    return SearchOut(query=q, results=[
        PassageOut(
            rank=rank, similarity=p.similarity, text=p.text,
            citation=citation_out(p.citation.entry_id, p.citation.title, p.citation.heading, p.citation.file,
                                  p.citation.collection),
        )
        for rank, p in enumerate(passages, start=1)
    ])
