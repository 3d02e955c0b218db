"""The chat model: an OpenAI-compatible endpoint or the embedded llama.cpp server, the circuit breaker, redaction."""

from __future__ import annotations

from assistant.model.breaker import Breaker
from assistant.model.embedded import (
    EmbeddedServer,
    ModelFileError,
    ServerOptions,
    ensure_model_file,
    installed_binary,
    model_package,
)
from assistant.model.llm import Endpoint, ModelRuntime, base_url_of, chat_model, is_endpoint_fault
from assistant.model.redaction import Redactor, should_redact
from assistant.model.structured import answer_of, invoked_answer, streamed_answer, structured
from assistant.model.supervision import ModelSupervisor, exit_description
from assistant.model.waiting import Wait, answers_ok, wait_until_answering

__all__ = [
    "Breaker",
    "EmbeddedServer",
    "Endpoint",
    "ModelFileError",
    "ModelRuntime",
    "ModelSupervisor",
    "Redactor",
    "Wait",
    "ServerOptions",
    "answer_of",
    "answers_ok",
    "base_url_of",
    "chat_model",
    "ensure_model_file",
    "exit_description",
    "installed_binary",
    "invoked_answer",
    "is_endpoint_fault",
    "model_package",
    "should_redact",
    "streamed_answer",
    "structured",
    "wait_until_answering",
]
