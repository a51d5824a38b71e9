"""
ScriptWriter over any OpenAI-compatible chat-completions API.

Hosted models (OpenAI and look-alikes) and local servers (Ollama, llama.cpp,
vLLM, LM Studio) all speak `POST {base_url}/chat/completions`. The answer must
pass the checks in `prompt.vet`; on any failure (HTTP error, timeout, an
answer that is empty, too long or invents numbers) the fallback writer's
script is returned with a notice saying why. `write` never raises because of
the LLM; it raises ValidationError only for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from revideo.adapters.llm.prompt import SYSTEM, Unusable, clean, user_message, vet
from revideo.domain.errors import ConfigError
from revideo.domain.property import Property
from revideo.domain.scripts import (
    DEFAULT_TARGET_SECONDS,
    DEFAULT_WORDS_PER_MINUTE,
    check_language,
    check_max_chars,
    check_purpose,
    check_tone,
    facts_of,
)
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import VideoPurpose
from revideo.ports.script_writer import ScriptDraft, ScriptWriter

CHARS_PER_TOKEN = 3  # generous: English averages about 4 characters per token


def chat_url(base_url: str) -> str:
    """`{base_url}/chat/completions`; a base URL that already ends so is kept."""
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or base[-3:] == "://":
        raise ConfigError(
            "REVIDEO_LLM_BASE_URL", "must be an http(s) URL such as https://api.openai.com/v1"
        )
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


class OpenAIScriptWriter:
    """ScriptWriter that asks an OpenAI-compatible model and falls back to `fallback`."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        *,
        fallback: ScriptWriter,
        timeout: float = 20.0,
        client: httpx.Client | None = None,
        temperature: float = 0.7,
        words_per_minute: float = DEFAULT_WORDS_PER_MINUTE,
        target_seconds: float = DEFAULT_TARGET_SECONDS,
    ) -> None:
        if not model.strip():
            raise ConfigError("REVIDEO_LLM_MODEL", "must name a model")
        if not timeout > 0:
            raise ConfigError("REVIDEO_LLM_TIMEOUT", "must be a number of seconds above 0")
        self.url, self.model, self.fallback = chat_url(base_url), model.strip(), fallback
        self.timeout, self.temperature = timeout, temperature
        self.words_per_minute, self.target_seconds = words_per_minute, target_seconds
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key.strip():  # local servers often need none
            self._headers["Authorization"] = f"Bearer {api_key.strip()}"
        # per request too, so an injected client gets the same limits
        self._limits = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=self._limits)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str],
        *,
        fallback: ScriptWriter,
        client: httpx.Client | None = None,
    ) -> OpenAIScriptWriter | None:
        """The writer REVIDEO_LLM_BASE_URL/_API_KEY/_MODEL/_TIMEOUT describe; None if unset."""
        base = environ.get("REVIDEO_LLM_BASE_URL", "").strip()
        if not base:
            return None
        model = environ.get("REVIDEO_LLM_MODEL", "").strip()
        if not model:
            raise ConfigError("REVIDEO_LLM_MODEL", "is required when REVIDEO_LLM_BASE_URL is set")
        raw_timeout = environ.get("REVIDEO_LLM_TIMEOUT", "").strip() or "20"
        try:
            timeout = float(raw_timeout)
        except ValueError:
            raise ConfigError("REVIDEO_LLM_TIMEOUT", "must be a number of seconds") from None
        key = environ.get("REVIDEO_LLM_API_KEY", "")
        return cls(base, key, model, fallback=fallback, timeout=timeout, client=client)

    def write(
        self,
        prop: Property,
        purpose: VideoPurpose,
        *,
        tone: str = "warm",
        language: str = "en",
        max_chars: int = 1500,
    ) -> ScriptDraft:
        """A script from the model if it passes the checks, else the fallback's with a notice."""
        tone, language = check_tone(tone), check_language(language)
        max_chars, purpose = check_max_chars(max_chars), check_purpose(purpose)
        try:
            answer, cut_off = self._ask(self.body(prop, purpose, tone, language, max_chars))
            text, notice = vet(clean(answer, cut_off=cut_off), facts_of(prop), max_chars)
        except Exception as exc:  # a video never fails because the LLM did
            draft = self.fallback.write(
                prop, purpose, tone=tone, language=language, max_chars=max_chars
            )
            why = f"LLM script not used: the model {_reason(exc, self.timeout)}; used the template."
            return attrs.evolve(draft, notice=f"{why} {draft.notice}" if draft.notice else why)
        return ScriptDraft(text, "llm", estimate_seconds(text, self.words_per_minute), notice)

    def body(
        self, prop: Property, purpose: VideoPurpose, tone: str, language: str, max_chars: int
    ) -> dict[str, Any]:
        """The JSON body of the chat-completions request."""
        seconds = self.target_seconds
        words = min(int(seconds * self.words_per_minute / 60), max_chars // 6)
        seconds = min(seconds, round(words * 60 / self.words_per_minute))
        ask = user_message(
            prop,
            purpose,
            tone=tone,
            language=language,
            seconds=seconds,
            words=words,
            max_chars=max_chars,
        )
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": ask}],
            "temperature": self.temperature,
            "max_tokens": max_chars // CHARS_PER_TOKEN + 64,
        }

    def _ask(self, body: dict[str, Any]) -> tuple[str, bool]:
        """The model's answer text, and whether it was cut off by the token limit."""
        response = self._client.post(
            self.url, json=body, headers=self._headers, timeout=self._limits
        )
        response.raise_for_status()
        try:
            data = response.json()
        except ValueError:
            raise Unusable("answered with something that is not JSON") from None
        return _content(data)

    def close(self) -> None:
        """Close the HTTP client if this writer created it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> OpenAIScriptWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _content(data: Any) -> tuple[str, bool]:
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise Unusable("answered without any choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str):
        raise Unusable("answered without any text")
    return content, choices[0].get("finish_reason") == "length"


def _reason(exc: Exception, timeout: float) -> str:
    """Why the model's answer was not used, for the notice."""
    if isinstance(exc, Unusable):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"did not answer within {timeout:g} seconds"
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        why = {401: "rejected the API key", 403: "refused access", 429: "is rate-limiting us"}
        return f"{why.get(code, 'answered with an error')} (HTTP {code})"
    if isinstance(exc, httpx.HTTPError):
        return f"could not be reached ({type(exc).__name__})"
    return f"failed unexpectedly ({type(exc).__name__})"
