"""The two servers bench/turn_overhead.py compares, as uvicorn factories run in their own processes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from langchain_core.messages import BaseMessage

from api.app import create_app
from assistant.core import Settings
from assistant.service import Service
from tests.support.fakes import ScriptedChatModel, update


def stub_updates(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """An instant 'model' that records the newest message's first words as a strength."""
    newest = str(messages[-1].content).split("<message>")[-1].split("</message>")[0].strip()
    words = " ".join(newest.split()[:3])
    return [update("strengths", words, words)]


def debrief_app() -> FastAPI:
    """Debrief as deployed (settings from DEBRIEF_* variables, SQLite on disk), with the stub model."""
    return create_app(Service(Settings(), model=ScriptedChatModel(script=stub_updates)).start())


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    def echo(body: dict[str, Any]) -> dict[str, Any]:
        return body

    return app


# A candidate debrief as a recruiter types it, one message a turn: what the load benches send.
NOTES = [
    "spoke to Sam Reed after the second round for the platform engineer job at Northwind",
    "she is keen, 4 out of 5, likes the team and the on-call setup",
    "on 85k now and wants 95k, notice is two months",
    "struggled on the Kubernetes networking question but strong on incident write-ups",
    "HM kept asking about mentoring juniors and cost control",
    "no other offers, one other process at final stage",
    "said the panel started 20 minutes late which annoyed her",
    "next step: client feedback by Thursday",
]
