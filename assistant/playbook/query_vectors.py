"""Query vectors kept for the next time the same words are asked.

Embedding a query is most of what a search costs (a few milliseconds of matrix work against tens for the
embedder), and the same words come back often: guidance reads each message again on the next two turns
as context, a recruiter repeats a search, and many recruiters send the same short replies ("yes", "no
offer yet"). The embedders read text as whitespace-separated words, so text that differs only in its
spacing has one vector and one entry here. A query being embedded is embedded once: a second caller
asking for it meanwhile waits for that vector instead of computing it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future

# Vectors kept, least recently used dropped first: 1.5 KB each at 384 dimensions.
KEPT = 2048


class QueryVectors:
    def __init__(self, embed: Callable[[str], list[float]], kept: int = KEPT) -> None:
        self._embed = embed
        self._kept_at_most = kept
        self._kept: OrderedDict[str, Future[list[float]]] = OrderedDict()
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, text: str) -> list[float]:
        key = " ".join(text.split())
        with self._guard:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            else:
                mine: Future[list[float]] = Future()
                self._kept[key] = mine
                while len(self._kept) > self._kept_at_most:
                    self._kept.popitem(last=False)
        if found is not None:
            return found.result()
        try:
            vector = self._embed(text)
        except BaseException as exc:
            with self._guard:
                if self._kept.get(key) is mine:
                    del self._kept[key]  # a failure is not kept: the next caller tries again
            mine.set_exception(exc)
            raise
        mine.set_result(vector)
        return vector
