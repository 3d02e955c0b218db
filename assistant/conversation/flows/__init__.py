"""Debrief flows: the topics to cover with each side, read from YAML, and what to ask next."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.core import SIDES, Record, Side, record_field_names


class FlowError(ValueError):
    """A flow file is malformed: a deployment error, reported at start-up."""


@dataclass(frozen=True)
class Topic:
    id: str
    ask: str
    fields: tuple[str, ...]
    when: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    optional: bool = False
    # One question per field of a topic that covers several: once some are known, only the others
    # are asked for ("notice is 3 months" already answered half of "notice, and other offers?").
    parts: dict[str, str] = field(default_factory=dict)

    def applies_to(self, record: Record) -> bool:
        return all(record.value(name) in allowed for name, allowed in self.when.items())

    def is_filled(self, record: Record) -> bool:
        return all(record.is_filled(name) for name in self.fields)

    def question(self, record: Record) -> str:
        """The topic's question, narrowed to the fields the record does not hold yet."""
        missing = [name for name in self.fields if not record.is_filled(name)]
        if len(missing) == len(self.fields) or not all(name in self.parts for name in missing):
            return self.ask
        return " ".join(self.parts[name] for name in missing)


@dataclass(frozen=True)
class Progress:
    completeness: float
    still_needed: list[str]


@dataclass(frozen=True)
class Flow:
    side: Side
    opening: str
    closing: str
    topics: tuple[Topic, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def next_topic(self, record: Record, answered: set[str]) -> Topic | None:
        """The most important applicable topic that is neither filled nor already put to the recruiter.

        A topic asked once and answered is not asked again even if nothing was captured: repeating a
        question the recruiter has no answer to is what makes a form feel like an interrogation.
        """
        for topic in self.topics:
            if topic.applies_to(record) and not topic.is_filled(record) and topic.id not in answered:
                return topic
        return None

    def progress(self, record: Record, answered: set[str]) -> Progress:
        counted = [t for t in self.topics if not t.optional and t.applies_to(record)]
        done = [t for t in counted if t.is_filled(record) or (t.id in answered and _any_filled(t, record))]
        needed = [name for t in counted if t not in done for name in t.fields if not record.is_filled(name)]
        completeness = round(len(done) / len(counted), 2) if counted else 1.0
        return Progress(completeness, needed)


def _any_filled(topic: Topic, record: Record) -> bool:
    return any(record.is_filled(name) for name in topic.fields)


def _parse(data: dict[str, Any], source: Path) -> Flow:
    try:
        side = data["side"]
        if side not in SIDES:
            raise FlowError(f"{source}: side must be one of {SIDES}")
        known = set(record_field_names(side))
        topics = []
        for raw in data["topics"]:
            fields = tuple(raw["fields"])
            unknown = [name for name in fields if name not in known]
            if unknown:
                raise FlowError(f"{source}: topic {raw['id']!r} names unknown fields {unknown}")
            when = {key: tuple(v if isinstance(v, list) else [v]) for key, v in (raw.get("when") or {}).items()}
            parts = {str(name): str(text).strip() for name, text in (raw.get("parts") or {}).items()}
            if set(parts) - set(fields):
                raise FlowError(f"{source}: topic {raw['id']!r} has parts for fields it does not cover")
            topics.append(Topic(raw["id"], str(raw["ask"]).strip(), fields, when, bool(raw.get("optional")),
                                parts))
        return Flow(side, str(data["opening"]).strip(), str(data["closing"]).strip(), tuple(topics))
    except (KeyError, TypeError) as exc:
        raise FlowError(f"{source}: missing or malformed key {exc}") from exc


@lru_cache
def load_flow(side: Side, flows_dir: Path) -> Flow:
    source = flows_dir / f"{side}.yaml"
    with source.open(encoding="utf-8") as handle:
        return _parse(yaml.safe_load(handle), source)
