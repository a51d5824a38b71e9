"""The OpenAI-compatible script writer against httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

from revideo.adapters.llm import OpenAIScriptWriter, chat_url
from revideo.domain.errors import ConfigError, ValidationError
from revideo.domain.property import Address, Property, Specs
from revideo.domain.scripts import ScriptDraft, TemplateScriptWriter, template_script
from revideo.domain.spoken import estimate_seconds
from revideo.domain.video import VideoPurpose

SALE, RENT = VideoPurpose.SALE, VideoPurpose.RENT
GOOD = (
    "Welcome to Sunny Loft in Austin. Inside are three bedrooms and two and a half baths "
    "across 2,400 square feet, with a pool and a 2-car garage. It is offered at $1.25 million. "
    "Call us today for a tour."
)
PROP = Property(
    id="p1",
    user_id="u1",
    title="Sunny Loft",
    category="residential",
    address=Address(street="12 Oak St", city="Austin", state="TX", zip="78701"),
    specs=Specs(
        price="1250000", area="2400", beds=3, baths="2.5", amenities=["pool", "2-car garage"]
    ),
    description="A bright corner home.",
)
Handler = Callable[[httpx.Request], httpx.Response]


def completion(content: Any, finish: str = "stop") -> httpx.Response:
    message = {"role": "assistant", "content": content}
    return httpx.Response(
        200,
        json={"id": "c1", "choices": [{"index": 0, "message": message, "finish_reason": finish}]},
    )


class Recorder:
    """An OpenAI-compatible endpoint in a function: records requests, replies with `reply`."""

    def __init__(self, reply: Handler) -> None:
        self.reply, self.requests = reply, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply(request)


def writer(
    reply: Handler, *, key: str = "sk-test", **kw: Any
) -> tuple[OpenAIScriptWriter, Recorder]:
    rec = Recorder(reply)
    client = httpx.Client(transport=httpx.MockTransport(rec))
    w = OpenAIScriptWriter(
        "http://llm.test/v1", key, "gpt-test", fallback=TemplateScriptWriter(), client=client, **kw
    )
    return w, rec


def template(prop: Property = PROP, purpose: VideoPurpose = SALE, max_chars: int = 1500) -> str:
    return template_script(prop, purpose, max_chars=max_chars)


def test_request_shape():
    w, rec = writer(lambda r: completion(GOOD))
    w.write(PROP, SALE, tone="luxury", language="es", max_chars=900)
    (req,) = rec.requests
    assert req.method == "POST"
    assert str(req.url) == "http://llm.test/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.headers["content-type"] == "application/json"
    body = json.loads(req.content)
    assert set(body) == {"model", "messages", "temperature", "max_tokens"}
    assert body["model"] == "gpt-test"
    assert body["temperature"] == 0.7
    assert isinstance(body["max_tokens"], int) and 300 <= body["max_tokens"] <= 900
    system, user = body["messages"]
    assert system["role"] == "system" and "never invent" in system["content"]
    assert user["role"] == "user"
    text = user["content"]
    for fact in (
        "Sunny Loft",
        "$1.25 million",
        "2,400 square feet",
        "Bedrooms: 3",
        "Bathrooms: 2.5",
    ):
        assert fact in text
    assert "pool, 2-car garage" in text and "A bright corner home." in text
    assert "900 characters" in text and "'es'" in text and "refined" in text


def test_prompt_holds_only_the_facts_the_property_has():
    bare = Property(id="p", user_id="u", title="Corner shop", category="commercial")
    w, rec = writer(lambda r: completion("A corner shop, ready for your business. Call us today."))
    w.write(bare, RENT)
    user = json.loads(rec.requests[0].content)["messages"][1]["content"]
    for absent in (
        "Bedrooms:",
        "Bathrooms:",
        "Area:",
        "rent:",
        "price:",
        "Amenities:",
        "Description:",
    ):
        assert absent.lower() not in user.lower()
    assert "Title: Corner shop" in user and "rent out" in user


def test_rent_prompt_names_the_monthly_rent():
    w, rec = writer(lambda r: completion("x"))
    w.write(attrs.evolve(PROP, specs=Specs(price="2500")), RENT)
    assert "Monthly rent: $2,500" in json.loads(rec.requests[0].content)["messages"][1]["content"]


@pytest.mark.parametrize(
    "base",
    ["http://llm.test/v1", "http://llm.test/v1/", " http://llm.test/v1/chat/completions "],
)
def test_base_url_forms(base):
    assert chat_url(base) == "http://llm.test/v1/chat/completions"


@pytest.mark.parametrize("base", ["llm.test/v1", "ftp://llm.test", "http://", ""])
def test_bad_base_url_is_a_config_error(base):
    with pytest.raises(ConfigError) as err:
        chat_url(base)
    assert err.value.setting == "REVIDEO_LLM_BASE_URL"


def test_no_key_sends_no_authorization_header():
    w, rec = writer(lambda r: completion(GOOD), key="")
    w.write(PROP, SALE)
    assert "authorization" not in rec.requests[0].headers


def test_a_good_answer_is_used_as_is():
    w, _ = writer(lambda r: completion(GOOD), words_per_minute=120)
    draft = w.write(PROP, SALE)
    assert (draft.text, draft.source, draft.notice) == (GOOD, "llm", None)
    assert draft.estimated_seconds == estimate_seconds(GOOD, 120)


def test_reasoning_markup_and_quotes_are_removed():
    raw = f'<think>They want 3 beds... maybe 5?</think>\n\n**Script:** "{GOOD}"'
    w, _ = writer(lambda r: completion(raw))
    draft = w.write(PROP, SALE)
    assert (draft.source, draft.text) == ("llm", GOOD)


def test_content_parts_are_joined():
    parts = [{"type": "text", "text": GOOD[:40]}, {"type": "text", "text": GOOD[40:]}]
    w, _ = writer(lambda r: completion(parts))
    assert w.write(PROP, SALE).text == GOOD


def assert_fell_back(draft: ScriptDraft, *why: str, expected: str | None = None) -> None:
    assert draft.source == "template"
    assert draft.text == (expected or template())
    assert draft.notice and draft.notice.startswith("LLM script not used")
    for part in why:
        assert part in draft.notice


@pytest.mark.parametrize(
    ("status", "why"),
    [
        (401, "rejected the API key (HTTP 401)"),
        (403, "HTTP 403"),
        (404, "HTTP 404"),
        (429, "rate-limiting"),
        (500, "HTTP 500"),
        (503, "HTTP 503"),
    ],
)
def test_http_errors_fall_back_to_the_template(status, why):
    w, rec = writer(lambda r: httpx.Response(status, json={"error": {"message": "nope"}}))
    assert_fell_back(w.write(PROP, SALE), why)
    assert len(rec.requests) == 1


def raiser(exc: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("simulated", request=request)

    return handler


def test_a_timeout_falls_back_with_a_notice():
    w, _ = writer(raiser(httpx.ReadTimeout), timeout=3.5)
    assert_fell_back(w.write(PROP, SALE), "did not answer within 3.5 seconds")


def test_an_unreachable_server_falls_back():
    w, _ = writer(raiser(httpx.ConnectError))
    assert_fell_back(w.write(PROP, SALE), "could not be reached (ConnectError)")


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (lambda r: httpx.Response(200, text="<html>hi</html>"), "not JSON"),
        (lambda r: httpx.Response(200, json={"choices": []}), "without any choices"),
        (lambda r: httpx.Response(200, json=["what"]), "without any choices"),
        (lambda r: completion(None), "without any text"),
        (lambda r: completion("   "), "empty answer"),
        (lambda r: completion("<think>hmm</think>"), "empty answer"),
    ],
)
def test_unusable_answers_fall_back(reply, why):
    w, _ = writer(reply)
    assert_fell_back(w.write(PROP, SALE), why)


def test_an_answer_that_invents_numbers_falls_back():
    w, _ = writer(lambda r: completion(GOOD + " It is only 5 minutes from 7 schools."))
    assert_fell_back(w.write(PROP, SALE), "not in the listing (5, 7)")


def test_numbers_from_the_listing_text_are_allowed():
    w, _ = writer(lambda r: completion(GOOD + " The 2-car garage at 12 Oak St is a bonus."))
    assert w.write(PROP, SALE).source == "llm"


@pytest.mark.parametrize(
    "invented",
    ["four bedrooms", "$1.5 million", "2,500 square feet", "three and a half baths", "$2M"],
)
def test_wrong_figures_in_natural_phrasing_fall_back(invented):
    w, _ = writer(lambda r: completion(f"Welcome to Sunny Loft, with {invented}. Call us."))
    assert_fell_back(w.write(PROP, SALE), invented.split()[0].lstrip("$"))


def test_natural_phrasing_of_true_figures_is_accepted():
    answer = "Sunny Loft: 3 beds, 2.5 baths, 2400 square feet, yours for $1,250,000 or about $1.3M."
    w, _ = writer(lambda r: completion(answer))
    assert w.write(PROP, SALE).source == "llm"


def test_a_far_too_long_answer_falls_back():
    long = " ".join([GOOD] * 4)
    w, _ = writer(lambda r: completion(long))
    draft = w.write(PROP, SALE, max_chars=len(GOOD) + 50)
    assert_fell_back(draft, "well over", expected=template(max_chars=len(GOOD) + 50))
    assert len(draft.text) <= len(GOOD) + 50


def test_a_slightly_long_answer_is_trimmed_at_a_sentence_boundary():
    w, _ = writer(lambda r: completion(GOOD))
    limit = len(GOOD) - 10
    draft = w.write(PROP, SALE, max_chars=limit)
    assert draft.source == "llm" and len(draft.text) <= limit
    assert GOOD.startswith(draft.text) and draft.text.endswith("$1.25 million.")
    assert draft.notice and "trimmed" in draft.notice


def test_an_answer_cut_off_by_the_token_limit_loses_its_broken_sentence():
    w, _ = writer(lambda r: completion(GOOD + " Homes like this rarely", finish="length"))
    draft = w.write(PROP, SALE)
    assert (draft.source, draft.text) == ("llm", GOOD)


def test_bad_input_is_refused_before_any_request():
    w, rec = writer(lambda r: completion(GOOD))
    with pytest.raises(ValidationError) as err:
        w.write(PROP, SALE, tone="shouty")
    assert err.value.field == "tone" and rec.requests == []


@attrs.frozen
class NoticingWriter:
    """A fallback writer (implements ScriptWriter) that adds its own notice."""

    def write(self, prop: Property, purpose: VideoPurpose, **kw: Any) -> ScriptDraft:
        return ScriptDraft("Call us.", "template", 1.0, "templates are English only")


def test_the_fallbacks_own_notice_is_kept():
    rec = Recorder(lambda r: httpx.Response(500))
    w = OpenAIScriptWriter(
        "http://llm.test/v1",
        "k",
        "m",
        fallback=NoticingWriter(),
        client=httpx.Client(transport=httpx.MockTransport(rec)),
    )
    draft = w.write(PROP, SALE, language="fr")
    assert draft.text == "Call us."
    assert draft.notice and "HTTP 500" in draft.notice and "English only" in draft.notice


def test_from_env_is_none_when_unset_and_checks_settings():
    fallback = TemplateScriptWriter()
    assert OpenAIScriptWriter.from_env({}, fallback=fallback) is None
    assert OpenAIScriptWriter.from_env({"REVIDEO_LLM_BASE_URL": " "}, fallback=fallback) is None
    with pytest.raises(ConfigError) as err:
        OpenAIScriptWriter.from_env({"REVIDEO_LLM_BASE_URL": "http://x/v1"}, fallback=fallback)
    assert err.value.setting == "REVIDEO_LLM_MODEL"
    env = {"REVIDEO_LLM_BASE_URL": "http://x/v1", "REVIDEO_LLM_MODEL": "m"}
    with pytest.raises(ConfigError) as err:
        OpenAIScriptWriter.from_env({**env, "REVIDEO_LLM_TIMEOUT": "soon"}, fallback=fallback)
    assert err.value.setting == "REVIDEO_LLM_TIMEOUT"
    with OpenAIScriptWriter.from_env(env, fallback=fallback) as w:  # type: ignore[union-attr]
        assert w.url == "http://x/v1/chat/completions" and w.model == "m" and w.timeout == 20.0


def test_from_env_sends_the_key_and_model():
    rec = Recorder(lambda r: completion(GOOD))
    env = {
        "REVIDEO_LLM_BASE_URL": "http://llm.test/v1",
        "REVIDEO_LLM_API_KEY": "sk-env",
        "REVIDEO_LLM_MODEL": "llama3.2",
        "REVIDEO_LLM_TIMEOUT": "5",
    }
    client = httpx.Client(transport=httpx.MockTransport(rec))
    w = OpenAIScriptWriter.from_env(env, fallback=TemplateScriptWriter(), client=client)
    assert w is not None and w.write(PROP, SALE).source == "llm"
    assert rec.requests[0].headers["authorization"] == "Bearer sk-env"
    assert json.loads(rec.requests[0].content)["model"] == "llama3.2"
