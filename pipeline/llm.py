"""The LLM engine: a brief written by any OpenAI-compatible chat model, through LangChain.

The model's reply is parsed defensively (code fences, ``<think>`` blocks, chatter around the
JSON, a truncated object), sent back for repair a bounded number of times, and kept raw. Every
quote it gives is looked up in its article: a quote the article does not contain is dropped and
said so. If no valid brief comes back, the extractive engine writes it and the brief says why.

The call loop (``run_llm``) parses into any pydantic model, so the LLM judge (``pipeline.verify.llm_judge``)
and claim extraction (``pipeline.verify.claims``) share it with the brief.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, Field, ValidationError

import prompts
from pipeline.errors import NewsbriefError
from pipeline.settings import SECRET_VARIABLES, Settings

PROMPT_VERSIONS = {"system": "brief.v2.system", "user": "brief.v2.user"}
MIN_POINTS, MAX_POINTS = 3, 8  # what a reply may hold; the prompt asks for PROMPT_POINTS
PROMPT_POINTS, PROMPT_WORDS = (4, 6), "60 to 90"  # as the offline engine (pipeline.brief.select)


class LLMSource(BaseModel):
    article_id: str
    quote: str = ""  # a truncated reply may lose it; an empty quote is reported as not found


class LLMPoint(BaseModel):
    text: str
    sources: list[LLMSource] = Field(default_factory=list)


class LLMBrief(BaseModel):
    what: ClassVar[str] = "a brief"  # how parse errors, which go back to the model, name it

    headline: str
    points: list[LLMPoint] = Field(min_length=1, max_length=MAX_POINTS)


class ReplyError(NewsbriefError):
    """A reply that is not a valid object; ``retryable`` when asking again may help."""

    def __init__(self, message: str, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


@dataclass
class LLMRun:
    parsed: BaseModel | None  # the reply as the pydantic model asked for; None when none was usable
    raw_replies: list[str] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    error: str | None = None


def api_key() -> str | None:
    return next((os.environ[name] for name in SECRET_VARIABLES if os.environ.get(name)), None)


def build_chat_model(settings: Settings, http_client=None, cache=None):
    """ChatOpenAI from settings; works with any OpenAI-compatible server."""
    from langchain_openai import ChatOpenAI

    if not settings.llm.model:
        raise NewsbriefError("no LLM configured: set NEWSBRIEF_LLM__MODEL (and NEWSBRIEF_LLM__BASE_URL for a "
                             "server other than OpenAI)")
    key = api_key()
    if not key and not settings.llm.base_url:
        raise NewsbriefError("OpenAI needs an API key: set OPENAI_API_KEY (or NEWSBRIEF_LLM_API_KEY)")
    # ChatOpenAI sends the cap as max_completion_tokens, OpenAI's name for it, which llama-cpp-python's
    # server ignores (a looping model then runs to the end of its context); other servers read max_tokens.
    # OpenAI's reasoning models refuse max_tokens, so it goes only to a server other than OpenAI.
    other_server = {"max_tokens": settings.llm.max_output_tokens} if settings.llm.base_url else None
    return ChatOpenAI(model=settings.llm.model, base_url=settings.llm.base_url, api_key=key or "not-needed",
                      temperature=settings.llm.temperature, timeout=settings.llm.timeout_s,
                      max_tokens=settings.llm.max_output_tokens, extra_body=other_server,
                      max_retries=settings.llm.max_retries, http_client=http_client, cache=cache)


def cached_chat_model(settings: Settings):
    """The configured chat model, answering a prompt it has seen from the LLM response cache."""
    from store.llm_cache import SQLiteLLMCache

    return build_chat_model(settings, cache=SQLiteLLMCache(settings.data_dir / "llm_cache.sqlite3"))


def model_name(chat_model) -> str:
    return getattr(chat_model, "model_name", None) or type(chat_model).__name__


# --- prompts -------------------------------------------------------------------------------------


def tagged(tag: str, text: str, **attributes) -> str:
    """``text`` inside ``<tag ...>`` tags, as data: a closing tag inside it cannot end it early."""
    text = re.sub(rf"</({tag})", r"</ \1", text, flags=re.IGNORECASE)
    attrs = "".join(f' {name}="{str(value).replace(chr(34), chr(39))}"' for name, value in attributes.items())
    return f"<{tag}{attrs}>\n{text}\n</{tag}>"


def render_articles(articles, max_chars: int) -> str:
    """Each article inside its own tags."""
    return "\n\n".join(tagged("article", a.text[:max_chars], id=a.id, outlet=a.outlet or "unknown")
                       for a in articles)


def brief_messages(title: str, articles, settings: Settings) -> list[tuple[str, str]]:
    system = prompts.render(PROMPT_VERSIONS["system"], min_points=PROMPT_POINTS[0], max_points=PROMPT_POINTS[1],
                            words=PROMPT_WORDS)
    headlines = "\n".join(f"- {title} ({a.outlet or 'unknown outlet'})"
                          for a in articles if (title := (a.title or "").strip())) or "(none given)"
    user = prompts.render(PROMPT_VERSIONS["user"], title=title, headlines=headlines,
                          articles=render_articles(articles, settings.llm.max_article_chars))
    return [("system", system), ("user", user)]


def locate_quote(text: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text`` from ``start``, letting only whitespace differ (models
    copy a line break as a space); None when the text does not contain it."""
    words = quote.split()
    if not words:
        return None
    found = re.compile(r"\s+".join(map(re.escape, words))).search(text, start)
    return found.span() if found else None


# --- parsing -------------------------------------------------------------------------------------

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_reply(reply: str, model: type[BaseModel] = LLMBrief) -> BaseModel:
    """The ``model`` object in a model's reply, however it is wrapped. Raises ReplyError."""
    text = _THINK.sub("", reply).strip()
    if fenced := _FENCE.search(text):
        text = fenced.group(1)
    start = text.find("{")
    if start < 0:
        raise ReplyError("the reply holds no JSON object")
    data = _loads_lenient(text[start:])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        what = getattr(model, "what", model.__name__)
        raise ReplyError(f"the JSON is not {what}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def _loads_lenient(text: str):
    """json.loads of the first object in text, closing what a truncated reply left open."""
    decoder = json.JSONDecoder()
    try:
        return decoder.raw_decode(text)[0]
    except json.JSONDecodeError:
        pass
    try:
        return json.loads(_close_truncated(text))
    except json.JSONDecodeError as exc:
        raise ReplyError(f"the JSON does not parse: {exc.msg} at character {exc.pos}") from None


def _close_truncated(text: str) -> str:
    """Close an unterminated string and the brackets still open, dropping a dangling key."""
    stack, in_string, escaped = [], False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            stack.append("]" if char == "[" else "}")
        elif char in "]}" and stack:
            stack.pop()
    text = text + ('"' if in_string else "")
    text = re.sub(r',\s*"[^"]*"\s*:?\s*"?$|,\s*$', "", text)
    return text + "".join(reversed(stack))


# --- the call loop -------------------------------------------------------------------------------


def run_llm(chat_model, messages: list[tuple[str, str]], settings: Settings,
            model: type[BaseModel] = LLMBrief) -> LLMRun:
    """Ask for a ``model`` object, parse it, and send a bad reply back for repair, within the
    settings' budget."""
    from openai import OpenAIError

    run = LLMRun(parsed=None)
    conversation = list(messages)
    for _attempt in range(settings.llm.repair_attempts + 1):
        try:
            reply = _ask(chat_model, conversation, settings, model)
        except OpenAIError as exc:  # unreachable, or the server said no (llama.cpp rejects json_schema): say why
            run.error = call_failure(exc, settings)
            break
        run.raw_replies.append(reply.content if isinstance(reply.content, str) else json.dumps(reply.content))
        usage = getattr(reply, "usage_metadata", None) or {}
        run.input_tokens += usage.get("input_tokens", 0)
        run.output_tokens += usage.get("output_tokens", 0)
        try:
            run.parsed = parse_reply(_reply_text(reply), model)
            return run
        except ReplyError as exc:
            run.error = str(exc)
            if not exc.retryable:
                break
            conversation += [("assistant", run.raw_replies[-1]),
                             ("user", f"That reply could not be used: {exc}. Reply again with the JSON object only.")]
    return run


def call_failure(exc: Exception, settings: Settings) -> str:
    """One line on a call that failed. A server that cannot be reached is named by its address
    (a stopped server or a wrong URL is the usual cause); a refusal quotes the server, and
    suggests json_mode only when another method was asked for."""
    from openai import APIConnectionError, APITimeoutError

    where = f"LLM at {settings.llm.base_url or 'https://api.openai.com/v1'}"
    if isinstance(exc, APITimeoutError):
        return f"{where}: no answer within {settings.llm.timeout_s:g} s"
    if isinstance(exc, APIConnectionError):
        return f"{where}: {_root_cause(exc)}"
    error = f"the LLM call failed: {str(exc)[:300]}"
    if settings.llm.structured_output != "json_mode":
        error += "; if the server rejects the structured-output method, try NEWSBRIEF_LLM__STRUCTURED_OUTPUT=json_mode"
    return error


def _root_cause(exc: BaseException) -> str:
    """'connection refused' from the httpx error under the OpenAI and LangChain wrappers."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)) or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _ask(chat_model, conversation, settings: Settings, model: type[BaseModel]):
    """The model's reply. One cut off at max_output_tokens comes back as it is, for the lenient
    parser to close: the OpenAI client raises on it when a response_format was asked for."""
    from langchain_core.messages import AIMessage
    from openai import LengthFinishReasonError

    try:
        return _invoke(chat_model, conversation, settings, model)
    except LengthFinishReasonError as exc:
        usage = exc.completion.usage
        counts = {"input_tokens": usage.prompt_tokens, "output_tokens": usage.completion_tokens,
                  "total_tokens": usage.total_tokens} if usage else None
        return AIMessage(content=exc.completion.choices[0].message.content or "", usage_metadata=counts)


def _invoke(chat_model, conversation, settings: Settings, model: type[BaseModel]):
    method = settings.llm.structured_output
    if method == "json_mode":
        return chat_model.invoke(conversation, response_format={"type": "json_object"})
    if method == "json_schema":
        schema = {"name": model.__name__, "schema": model.model_json_schema()}
        return chat_model.invoke(conversation, response_format={"type": "json_schema", "json_schema": schema})
    return chat_model.bind_tools([model], tool_choice=model.__name__).invoke(conversation)


def _reply_text(reply) -> str:
    """Tool-call arguments when the model answered with a tool call, else its text."""
    calls = getattr(reply, "tool_calls", None)
    if calls:
        return json.dumps(calls[0]["args"])
    return reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
