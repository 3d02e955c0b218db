"""A scripted stand-in for the chat model: tests say exactly what "the model" answers."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr

Update = dict[str, str]
Script = Callable[[list[BaseMessage]], list[Update] | dict[str, Any] | str]


class ScriptedChatModel(BaseChatModel):
    """Answers each call with the next scripted list of updates, as the JSON {"updates": [...]} a
    structured call answers with (for a scripted dict, with that whole record as JSON, as the eval
    baseline writes it; for a string, with that text, as a draft)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    script: Any
    fail_with: Any = None
    _calls: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _iterator: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        return self._calls

    def _next_updates(self, messages: list[BaseMessage]) -> Any:
        if callable(self.script):
            return self.script(messages)
        if self._iterator is None:
            self._iterator = itertools.chain(iter(self.script), itertools.repeat([]))
        return next(self._iterator)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._calls.append(messages)
        if self.fail_with is not None:
            raise self.fail_with
        updates = self._next_updates(messages)
        if isinstance(updates, str):
            usage = {"input_tokens": 100, "output_tokens": len(updates) // 4, "total_tokens": 0}
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=updates, usage_metadata=usage))])
        # A dict is a whole record, as the eval baseline writes it.
        answer = updates if isinstance(updates, dict) else {"updates": updates}
        message = AIMessage(
            content=json.dumps(answer),
            usage_metadata={"input_tokens": sum(len(str(m.content)) // 4 for m in messages),
                            "output_tokens": 10 * len(updates), "total_tokens": 0},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])


def update(field: str, value: str, quote: str) -> Update:
    return {"field": field, "value": value, "quote": quote}


def whole_record(*updates: Update) -> dict[str, Any]:
    """The whole-conversation pass's answer (one property per field) holding these updates: text as its
    words, list items in a list, figures, yes/no and choices as {quote, value}."""
    from assistant.core import SPECS_BY_KEY, Kind

    answer: dict[str, Any] = {}
    for item in updates:
        kind = SPECS_BY_KEY[item["field"]].kind
        if kind is Kind.TEXT_LIST:
            answer.setdefault(item["field"], []).append(item["quote"])
        elif kind is Kind.TEXT:
            answer[item["field"]] = item["quote"]
        else:
            answer[item["field"]] = {"quote": item["quote"], "value": item["value"]}
    return answer
