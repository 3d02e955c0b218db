"""The one seam to language models: an OpenAI-protocol chat model, configured or embedded."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from assistant.core import ModelOutputInvalid, Settings
from assistant.model.cpu import cpu_path
from assistant.model.embedded import EmbeddedServer, ServerOptions, ensure_model_file, installed_binary, model_package
from assistant.model.supervision import ModelSupervisor

log = logging.getLogger("debrief")


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str
    api_key: str


def chat_model(endpoint: Endpoint, settings: Settings, http_client: httpx.Client | None = None) -> BaseChatModel:
    """`http_client` lets a measurement read the server's raw answers (bench/turn_latency.py)."""
    return ChatOpenAI(
        base_url=endpoint.base_url,
        model=endpoint.model,
        api_key=endpoint.api_key,  # type: ignore[arg-type]
        temperature=0,
        timeout=request_timeout(settings.llm.timeout_s),
        max_retries=settings.llm.max_retries,
        # A runaway generation on a slow CPU would hold the server for minutes; structured calls set their
        # own bound (assistant/model/structured.py). Sent as the classic `max_tokens`: llama.cpp's server
        # ignores `max_completion_tokens`, the name ChatOpenAI uses for its own max_tokens setting.
        extra_body={"max_tokens": 600},
        stream_usage=True,
        http_client=http_client,
    )


# A live host accepts a connection in milliseconds, even a busy llama.cpp (the kernel does it); one that
# never completes the handshake is unreachable, and waiting the full read timeout for it only delays the 503.
CONNECT_TIMEOUT_S = 10.0


def request_timeout(timeout_s: float) -> httpx.Timeout:
    """`timeout_s` bounds each wait for bytes (the whole answer when not streaming, the gap between chunks
    when streaming); connecting gets at most CONNECT_TIMEOUT_S."""
    return httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))


def is_endpoint_fault(exc: BaseException) -> bool:
    """Failures that say the endpoint is down or overloaded, as opposed to a request it refused (a 400
    for one over-long prompt must not pause every recruiter's turns)."""
    if isinstance(exc, ModelOutputInvalid):
        return False  # it answered, just not readably
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in (408, 429)
    return not isinstance(exc, openai.OpenAIError) or isinstance(exc, openai.APIConnectionError)


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def base_url_of(model: BaseChatModel) -> str | None:
    """Where the model's requests go; None for an in-process model (a test's scripted fake)."""
    url = getattr(model, "openai_api_base", None)
    return str(url) if url else None


def is_loopback(base_url: str | None) -> bool:
    return base_url is None or (urlsplit(base_url).hostname or "").lower() in LOOPBACK_HOSTS


_last_shown: dict[str, int] = {}


def _stderr_progress(what: str, done: int, total: int) -> None:
    # stdout belongs to commands' results (`debrief extract` prints JSON there).
    percent = 100 * done // total
    step = 1 if sys.stderr.isatty() else 10  # a log file gets a line per 10%, a terminal a live figure
    if percent - _last_shown.get(what, -step) < step and done < total:
        return
    _last_shown[what] = percent
    end = "\n" if done >= total or not sys.stderr.isatty() else ""
    sys.stderr.write(f"\r{what}: {percent:3d}% ({done >> 20} of {total >> 20} MiB){end}")
    sys.stderr.flush()


class ModelRuntime:
    """Resolves the endpoint; when none is configured, assembles and serves the embedded model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: EmbeddedServer | None = None
        self.supervisor: ModelSupervisor | None = None

    def start(self) -> Endpoint:
        s = self.settings
        if not s.llm.uses_embedded_model:
            return Endpoint(
                base_url=str(s.llm.base_url),
                model=s.llm.model or "gpt-4o-mini",
                api_key=s.llm.api_key.get_secret_value() if s.llm.api_key else "not-needed",
            )
        package = model_package(s.embedded.model)
        model_file = ensure_model_file(package, s.storage.model_cache_dir, _stderr_progress)
        binary = installed_binary(s.embedded.server_binary)
        path = cpu_path(binary)
        repack = path.repack if s.embedded.repack == "auto" else s.embedded.repack == "on"
        self.server = EmbeddedServer(package, model_file, ServerOptions(
            host=s.embedded.host, port=s.embedded.port, threads=s.embedded.threads, ctx=s.embedded.ctx,
            batch=s.embedded.batch,
            ram_cache_bytes=s.embedded.ram_cache_bytes, log_file=s.storage.embedded_server_log,
            start_timeout_s=s.embedded.start_timeout_s, repack=repack, parallel=s.embedded.parallel,
            binary=binary,
        ))
        how = path.describe()
        if s.embedded.repack != "auto":
            how = f"DEBRIEF_EMBEDDED_REPACK={s.embedded.repack} ({'' if repack else 'no '}repacking); {how}"
        sys.stderr.write(f"Starting the embedded model {package.name} on {self.server.base_url} ({how}) ...\n")
        log.info("embedded model server, CPU path: %s", how)
        self.supervisor = ModelSupervisor(self.server)
        self.supervisor.start()
        return Endpoint(base_url=self.server.base_url, model=package.name, api_key="not-needed")

    def outage(self, wait_s: float = 0.0) -> str | None:
        """Why the embedded model server cannot answer now (stopped, restarting); None while it runs or
        when the model is a configured endpoint, whose outages the circuit breaker handles."""
        return self.supervisor.outage(wait_s) if self.supervisor else None

    def stop(self) -> None:
        if self.supervisor:
            self.supervisor.stop()
        elif self.server:
            self.server.stop()
