"""The redline of a revised job spec: which requirements were added, removed or changed, each with the
debrief evidence that explains it.

Pure text work, no model: the recruiter must be able to check every line against the two specs and
their own debrief notes. A change the debrief does not explain is shown as unexplained, never given a
cause that merely sounds plausible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from assistant.core import Side
from assistant.specs.requirements import Requirement, content_stems, requirement_items, requirements, shared, words
from assistant.specs.spec_files import read_spec_upload

__all__ = ["Change", "ChangeEvidence", "read_spec_upload", "redline", "redline_markdown", "requirements"]

# Two requirements are one requirement reworded when half their meaningful words are shared (Dice):
# "3+ years of Python" -> "5+ years of Python" is a change, "Terraform" -> "stakeholder management" is not.
SIMILAR = 0.5
# A quote must share this many meaningful words with a change to be cited as its cause: one shared word
# ("team", "data") is too often a coincidence. A requirement_changes item is about the spec by definition,
# so one word ("they'd drop the degree") is enough there, as it is for a one-word requirement.
MIN_SHARED = 2
_CAUSE_FIELD = "requirement_changes"


@dataclass(frozen=True)
class ChangeEvidence:
    field: str  # the record field, e.g. "requirement_changes", "hiring_manager_priorities", "concerns"
    value: str  # the field's value (one list item)
    quote: str  # the recruiter's words it rests on
    side: Side


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "removed", "changed"]
    before: str | None  # the requirement in the original spec (None when added)
    after: str | None  # the requirement in the revised spec (None when removed)
    cause: ChangeEvidence | None  # None: nothing in the debrief explains it


def redline(original: str, revised: str, evidence: Sequence[ChangeEvidence]) -> list[Change]:
    old, new = requirement_items(original), requirement_items(revised)
    pairs = _pair_identical(old, new)
    section_map = _section_map(pairs, old, new)
    moved = {(i, j) for i, j in pairs if section_map[_key(old[i].section)] != _key(new[j].section)}
    left = sorted(set(range(len(old))) - {i for i, _ in pairs})
    right = sorted(set(range(len(new))) - {j for _, j in pairs})
    similar = _pair_similar(left, right, old, new)

    placed: list[tuple[tuple[float, int], Change]] = []
    for i, j in sorted(moved | set(similar)):
        relocated = section_map[_key(old[i].section)] != _key(new[j].section)
        before, after = _label(old[i], relocated), _label(new[j], relocated)
        cause = _cause(old[i].text + " " + new[j].text, _diff_text(before, after), evidence)
        placed.append(((j, 0), Change("changed", before, after, cause)))
    paired_new = {j for _, j in pairs} | {j for _, j in similar}
    for j in sorted(set(range(len(new))) - paired_new):
        placed.append(((j, 0), Change("added", None, new[j].text, _cause(new[j].text, new[j].text, evidence))))
    anchors = dict(pairs) | dict(similar)
    for i in sorted(set(range(len(old))) - set(anchors)):
        # A removed requirement is shown where it stood: after whatever preceded it in the original.
        anchor = max((anchors[k] for k in range(i) if k in anchors), default=-1)
        placed.append(((anchor + 0.5, i), Change("removed", old[i].text, None, _cause(old[i].text, "", evidence))))
    return [change for _, change in sorted(placed, key=lambda p: p[0])]


def _pair_identical(old: list[Requirement], new: list[Requirement]) -> list[tuple[int, int]]:
    """Requirements equal but for case, spacing, punctuation and bullet style, same section preferred."""
    waiting: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        waiting.setdefault(_key(item.text), []).append(i)
    pairs: list[tuple[int, int]] = []
    for j, item in enumerate(new):
        candidates = waiting.get(_key(item.text), [])
        if candidates:
            same = [i for i in candidates if _key(old[i].section) == _key(item.section)]
            i = (same or candidates)[0]
            candidates.remove(i)
            pairs.append((i, j))
    return pairs


def _section_map(pairs: list[tuple[int, int]], old: list[Requirement], new: list[Requirement]) -> dict[str, str]:
    """Each original section's counterpart in the revision: itself if it is still there, else the
    section most of its requirements went to, so renaming a heading does not move every line under it."""
    kept = {_key(item.section) for item in new}
    votes: dict[str, Counter[str]] = {}
    for i, j in pairs:
        votes.setdefault(_key(old[i].section), Counter())[_key(new[j].section)] += 1
    mapping: dict[str, str] = {}
    for item in old:
        section = _key(item.section)
        if section in kept or section not in votes:
            mapping[section] = section
        else:
            mapping[section] = votes[section].most_common(1)[0][0]
    return mapping


def _key(text: str | None) -> str:
    """Requirements and headings compare as their words: case, spacing, punctuation and bullets aside."""
    return " ".join(words(text or ""))


def _pair_similar(
    left: list[int], right: list[int], old: list[Requirement], new: list[Requirement]
) -> list[tuple[int, int]]:
    scored = []
    for i in left:
        for j in right:
            score = _similarity(old[i].text, new[j].text)
            if score >= SIMILAR:
                ratio = SequenceMatcher(None, words(old[i].text), words(new[j].text)).ratio()
                scored.append((score, ratio, -abs(i - j), i, j))
    pairs: list[tuple[int, int]] = []
    used_i: set[int] = set()
    used_j: set[int] = set()
    for *_, i, j in sorted(scored, reverse=True):
        if i not in used_i and j not in used_j:
            pairs.append((i, j))
            used_i.add(i)
            used_j.add(j)
    return pairs


def _similarity(a: str, b: str) -> float:
    """Dice over meaningful stems."""
    sa, sb = _terms(a), _terms(b)
    if not sa or not sb:
        return 0.0
    return (shared(sa, sb) + shared(sb, sa)) / (len(sa) + len(sb))


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    """Figures aside, since a changed figure is the commonest change of all; unless figures are all there is."""
    stems = content_stems(text)
    return frozenset(s for s in stems if not s[0].isdigit()) or stems


def _label(item: Requirement, relocated: bool) -> str:
    return f"{item.section}: {item.text}" if relocated and item.section else item.text


def _diff_text(before: str, after: str) -> str:
    a, b = words(before), words(after)
    return " ".join(w for w in a + b if (w in a) != (w in b))


def _cause(text: str, focus: str, evidence: Sequence[ChangeEvidence]) -> ChangeEvidence | None:
    """The quote sharing the most meaningful words with the change, words of what changed counting twice."""
    stems, focus_stems = content_stems(text), content_stems(focus)
    terms = frozenset(s for s in stems if not s[0].isdigit())
    best: tuple[int, int, int] | None = None
    chosen: ChangeEvidence | None = None
    for index, item in enumerate(evidence):
        said = content_stems(item.value + " " + item.quote)
        overlap = shared(stems, said)
        need = 1 if item.field == _CAUSE_FIELD else min(MIN_SHARED, len(stems))
        # A shared figure alone ("5") explains nothing: at least one shared word is required.
        if overlap < need or shared(terms, said) == 0:
            continue
        rank = (overlap + shared(focus_stems, said), item.field == _CAUSE_FIELD, -index)
        if best is None or rank > best:
            best, chosen = rank, item
    return chosen


def redline_markdown(changes: Sequence[Change]) -> str:
    """The redline as a fenced diff block: readable as plain text, coloured by markdown renderers, and a
    quote holding backticks or markdown cannot break out of it."""
    if not changes:
        return "No requirement changes.\n"
    lines = []
    for change in changes:
        if change.kind == "added":
            line = f"+ {change.after}"
        elif change.kind == "removed":
            line = f"- {change.before}"
        else:
            line = f"~ {change.before} -> {change.after}"
        cause = change.cause
        quote = " ".join(cause.quote.split()) if cause else ""
        lines.append(f'{line}  <- {cause.side}: "{quote}"' if cause else f"{line}  <- not explained by the debrief")
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return f"{fence}diff\n{body}\n{fence}\n"


def _longest_backtick_run(text: str) -> int:
    run = best = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best
