"""Recruiter API keys: only their SHA-256 is stored; a key identifies whose debriefs a caller sees."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from assistant.core import DebriefError
from assistant.storage import Store

DEV_RECRUITER = "dev"


class AccessDenied(DebriefError):
    pass


class KeyConfigError(ValueError):
    """DEBRIEF_API_KEYS is malformed: reported at start-up rather than silently locking people out."""


@dataclass(frozen=True)
class Recruiter:
    id: str
    name: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "dbf_" + secrets.token_urlsafe(24)


def parse_configured_keys(spec: str) -> dict[str, str]:
    """'alice:<sha256>,bob:<sha256>' -> {name: sha256}."""
    keys: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, digest = item.partition(":")
        if not name or not re.fullmatch(r"[0-9a-f]{64}", digest.lower()):
            raise KeyConfigError(
                f"DEBRIEF_API_KEYS entry {item[:20]!r}... must be name:<64 hex characters of sha256>"
            )
        keys[name] = digest.lower()
    return keys


class Keys:
    def __init__(self, store: Store) -> None:
        self._store = store

    def sync_configured(self, spec: str) -> int:
        configured = parse_configured_keys(spec)
        for name, digest in configured.items():
            self._store.upsert_recruiter(name, digest)
        return len(configured)

    def ensure_dev_key(self) -> str | None:
        """On first start with no recruiter at all, create one and return its key to show once."""
        if self._store.count_recruiters():
            return None
        key = new_key()
        self._store.upsert_recruiter(DEV_RECRUITER, hash_key(key))
        return key

    def add(self, name: str) -> str:
        key = new_key()
        self._store.upsert_recruiter(name, hash_key(key))
        return key

    def authenticate(self, key: str | None) -> Recruiter:
        if not key:
            raise AccessDenied("missing API key: send Authorization: Bearer <key>")
        row = self._store.recruiter_by_key_hash(hash_key(key))
        if row is None:
            raise AccessDenied("unknown API key")
        return Recruiter(row.id, row.name)

    def authenticate_hash(self, key_sha256: str | None) -> Recruiter:
        """A web session keeps the key's hash, never the key itself; a replaced key ends its sessions."""
        row = self._store.recruiter_by_key_hash(key_sha256) if key_sha256 else None
        if row is None:
            raise AccessDenied("not signed in")
        return Recruiter(row.id, row.name)
