"""Structured answers through the OpenAI protocol: a JSON-schema response format, read from the content.

The schema goes in OpenAI's `response_format` ({"type": "json_schema", ...}), which OpenAI, vLLM,
Ollama and llama.cpp's llama-server all accept; llama-server turns it into a grammar, so the embedded
model can only write JSON of that shape. A forced tool call was the older choice: llama-server reads a
named `tool_choice` as "auto" (the 1.5B model then answered in prose), and with "required" it could not
parse this model's tool-call format back out of the answer.

The format is sent in the request body as it is, not through LangChain's `response_format` argument,
which routes the call through the OpenAI client's parse helpers (OpenAI-only behaviour for streams).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.runnables import Runnable

from assistant.core import ModelOutputInvalid


def structured(chat_model: BaseChatModel, name: str, schema: dict[str, Any], max_tokens: int) -> Runnable[Any, Any]:
    """`chat_model` answering with JSON matching `schema`, at most `max_tokens` long.

    `max_tokens` travels in the body too: llama.cpp ignores the `max_completion_tokens` that LangChain
    makes of its own max_tokens argument, and OpenAI still accepts this name."""
    return chat_model.bind(extra_body={
        "max_tokens": max_tokens,
        "response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": schema}},
    })


def answer_of(reply: BaseMessage) -> Any:
    """The JSON a structured call answered with."""
    if not isinstance(reply, AIMessage):
        raise ModelOutputInvalid("the model's reply is not a chat message")
    return _parse(reply.content if isinstance(reply.content, str) else "")


def invoked_answer(model: Runnable[Any, Any], messages: list[BaseMessage]) -> tuple[Any, dict[str, Any]]:
    """The answer and the usage of one plain (not streamed) call."""
    reply = model.invoke(messages)
    return answer_of(reply), dict(getattr(reply, "usage_metadata", None) or {})


def streamed_answer(
    chunks: Iterator[BaseMessage], on_progress: Callable[[int], None]
) -> tuple[Any, dict[str, Any]]:
    """The answer of a streamed call, each chunk reported as it arrives."""
    content: list[str] = []
    usage: dict[str, Any] = {}
    count = 0
    for chunk in chunks:
        if not isinstance(chunk, AIMessageChunk):
            # Models without streaming support answer in one whole message.
            return answer_of(chunk), dict(getattr(chunk, "usage_metadata", None) or {})
        count += 1
        on_progress(count)
        if isinstance(chunk.content, str):
            content.append(chunk.content)
        if chunk.usage_metadata:
            usage = dict(chunk.usage_metadata)
    answer = _parse("".join(content))
    # Servers that do not report usage when streaming: each chunk carries about one output token.
    usage.setdefault("output_tokens", count)
    return answer, usage


def _parse(text: str) -> Any:
    if not text.strip():
        raise ModelOutputInvalid("the model gave no structured answer")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # A grammar-bound answer cut off by max_tokens ends mid-JSON.
        raise ModelOutputInvalid(f"the model's answer is not complete JSON: {exc}") from exc
