"""The HTTP API (FastAPI): submit briefs as jobs, read stories, articles and briefs, override
verdicts. It parses, calls the job layer and the stores, and renders; it computes nothing itself.

Every error is JSON, ``{"error": {"status", "message"}}`` (422 adds ``details``): 401 without a
valid bearer token, 413 over the body limit, 422 for a malformed body, 429 over a token's rate
(with Retry-After).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as FastApiPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.apps import web
from pipeline.apps.deps import Store
from pipeline.apps.jobs import BriefRequest, JobRunner
from pipeline.brief.overrides import VERDICTS
from pipeline.settings import Settings
from store.articles import AmbiguousId, ArticleStore
from store.briefs import BriefStore
from store.groups import GroupStore
from store.jobs import Job, JobStore
from store.overrides import OverrideRow, OverrideStore
from store.tokens import TokenStore

log = logging.getLogger("newsbrief.api")
ID_MIN_CHARS = 4


# --- limits ---------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per API token: ``per_minute`` requests, refilled evenly over the minute."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.buckets: dict[str, tuple[float, float]] = {}  # name -> (tokens left, when counted)
        self.lock = threading.Lock()

    def wait_needed(self, name: str) -> float:
        """0 when the request may go now (and it is counted), else the seconds until it may."""
        rate = self.per_minute / 60
        with self.lock:
            left, then = self.buckets.get(name, (self.per_minute, time.monotonic()))
            now = time.monotonic()
            left = min(self.per_minute, left + (now - then) * rate)
            if left < 1:
                self.buckets[name] = (left, now)
                return (1 - left) / rate
            self.buckets[name] = (left - 1, now)
            return 0.0


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 for a body over the limit, by its Content-Length or, when it is streamed, as it comes."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            return await self._refuse(scope, receive, send)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope, receive, send):
        response = error_response(413, f"the request body is over the {self.limit:,}-byte limit (NEWSBRIEF_API__MAX_BODY_BYTES)")
        await response(scope, receive, send)


def error_response(status: int, message: str, headers: dict | None = None, **more) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, **more}}, status, headers=headers)


# --- dependencies ---------------------------------------------------------------------------------


bearer = HTTPBearer(auto_error=False, description="A token from `newsbrief tokens create NAME`")


def caller(request: Request, store: Store,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The token's name (who is asking), within its rate; 401 or 429 otherwise."""
    name = TokenStore(store.db).who(credentials.credentials) if credentials else None
    if name is None:
        why = "a wrong or revoked token" if credentials else "no bearer token"
        raise HTTPException(401, f"{why}: send 'Authorization: Bearer TOKEN' (create one with `newsbrief tokens create NAME`)",
                            headers={"WWW-Authenticate": "Bearer"})
    request.state.who = name
    wait = request.app.state.limiter.wait_needed(name)
    if wait:
        raise HTTPException(429, f"over {request.app.state.limiter.per_minute} requests a minute for token {name!r}; "
                            f"retry in {math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))})
    return name


Who = Annotated[str, Depends(caller)]


# --- response models ------------------------------------------------------------------------------


class Submitted(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    url: str


class Failure(BaseModel):
    source: str
    reason: str


class JobOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: dict = Field(description="stage, and the counts fetched, cleaned, grouped, indexed, verified")
    failures: list[Failure] = Field(description="Each source that gave no article, with a one-line reason")
    error: str | None = Field(None, description="Why the job failed, when it did")
    story_id: str | None = None
    brief_id: int | None = None
    attempts: int = Field(0, description="Times a worker started it: more than 1 after a server stopped mid-job")
    brief: dict | None = Field(None, description="The brief (schemas/brief.schema.json), with overrides, when done")


class OverrideIn(BaseModel):
    verdict: Literal[VERDICTS]  # type: ignore[valid-type]
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="Why: required")


# --- the routes -----------------------------------------------------------------------------------

router = APIRouter(prefix="/v1")


@router.post("/briefs", status_code=202, response_model=Submitted)
def submit_brief(body: BriefRequest, request: Request, store: Store, who: Who):
    """Queue a brief of the sources (or of a stored story); identical requests share one job."""
    if body.story_id:
        body = body.model_copy(update={"story_id": story_id_of(store, body.story_id)})
    job, created = request.app.state.runner.submit(body, who)
    log.info("brief submitted", extra={"job": job.id, "new": created, "request_id": request.state.request_id,
                                       "sources": len(body.sources or [])})
    query = "" if body.format == "json" else f"?format={body.format}"
    return JSONResponse({"id": job.id, "status": job.status, "url": f"/v1/briefs/{job.id}{query}"}, 202,
                        headers={"Location": f"/v1/briefs/{job.id}{query}"})


@router.get("/briefs/{job_id}", response_model=JobOut,
            responses={200: {"content": {"text/markdown": {}, "text/html": {}}}, 404: {}, 409: {}})
def get_brief(job_id: str, store: Store, who: Who, format: Literal["json", "md", "html"] = "json"):
    """A job's status and, when done, its brief; ``format=md|html`` returns the rendering alone."""
    job = job_of(store, job_id)
    brief = brief_model(store, job.brief_id) if job.status == "done" else None
    if format == "json":
        return job_out(job, brief)
    if brief is None:
        raise HTTPException(409, f"the brief is not done (status {job.status}); ask again without format for progress")
    from pipeline.brief.render import to_html, to_markdown

    if format == "md":
        return PlainTextResponse(to_markdown(brief), media_type="text/markdown; charset=utf-8")
    return HTMLResponse(to_html(brief))


@router.post("/briefs/{job_id}/claims/{claim_id}/override", status_code=201, response_model=OverrideRow)
def override_claim(job_id: str, claim_id: str, body: OverrideIn, store: Store, who: Who):
    """The editor's verdict on a claim, with a reason; kept for the story's later briefs too."""
    from pipeline.apps.briefing import record_override

    job = job_of(store, job_id)
    if job.status != "done":
        raise HTTPException(409, f"the brief is not done (status {job.status})")
    row = record_override(store, job.brief_id, claim_id, body.verdict, body.reason, who)
    if row is None:
        raise HTTPException(404, f"the brief has no claim {claim_id!r}; claim ids are in points[].claims[].id")
    log.info("verdict overridden", extra={"job": job_id, "claim": claim_id, "who": who, "verdict": body.verdict})
    return JSONResponse(vars(row), 201)


@router.get("/audit", response_model=list[OverrideRow])
def audit(store: Store, who: Who, story: str | None = Query(None, description="A story id or prefix")):
    """Every override, oldest first: who, when, which claim, the machine's verdict and the editor's."""
    story_id = story_id_of(store, story) if story else None
    return [vars(row) for row in OverrideStore(store.db).audit(story_id)]


@router.get("/stories")
def stories(store: Store, who: Who, limit: int | None = Query(None, ge=1, le=1000)):
    """Stories in the order they first appeared, each with its latest brief's id."""
    from pipeline.grouping import list_stories

    briefs = BriefStore(store.db)
    return [story_summary(s) | {"latest_brief": briefs.latest(s.id)} for s in list_stories(store, limit=limit)]


@router.get("/stories/{story_id}")
def story(story_id: str, store: Store, who: Who):
    """A story's articles, its source families, and its latest brief."""
    from pipeline.grouping import load_story

    found = load_story(store, story_id_of(store, story_id))
    latest = BriefStore(store.db).latest(found.id)
    return story_summary(found) | {
        "articles": [article_meta(a) | {"family_id": f.id} for f in found.families for a in f.articles],
        "families": [{"id": f.id, "origin": f.origin, "origin_basis": f.origin_basis, "outlets": f.outlets,
                      "articles": [a.id for a in f.articles]} for f in found.families],
        "brief": brief_model(store, latest).model_dump(mode="json") if latest else None,
    }


@router.get("/stories/{story_id}/changes")
def story_changes(story_id: str, store: Store, who: Who,
                  since: str | None = Query(None, description="Only changes recorded since this ISO date or time")):
    """What changed from one version of the story's brief to the next, oldest first."""
    from dataclasses import asdict

    return [asdict(c) for c in BriefStore(store.db).changes(story_id_of(store, story_id), since=since)]


@router.get("/digests")
def digests(store: Store, who: Who, name: str | None = None, limit: int | None = Query(None, ge=1, le=1000)):
    """Stored digests, newest first (`newsbrief digest` stores each run)."""
    from dataclasses import asdict

    from store.digests import DigestStore

    return [asdict(r) for r in DigestStore(store.db).list(name, limit)]


@router.get("/digests/{digest_id}", responses={200: {"content": {"text/markdown": {}, "text/html": {}}}, 404: {}})
def digest(store: Store, who: Who, digest_id: int = FastApiPath(ge=1, le=2**63 - 1),
           format: Literal["json", "md", "html"] = "json"):
    """A past digest as it went out: its stories, statuses, changes and briefs; ``format=md|html`` the rendering."""
    from pipeline.apps.digest.model import Digest
    from pipeline.apps.digest.render import to_html, to_markdown
    from store.digests import DigestStore

    document = DigestStore(store.db).document(digest_id)
    if document is None:
        raise HTTPException(404, f"no digest {digest_id}")
    found = Digest.model_validate_json(document)
    if format == "md":
        return PlainTextResponse(to_markdown(found), media_type="text/markdown; charset=utf-8")
    return HTMLResponse(to_html(found)) if format == "html" else found.model_dump(mode="json")


@router.get("/articles/{article_id}")
def article(article_id: str, store: Store, who: Who):
    """An article's canonical text, and every span of it the latest brief of its story cites."""
    found = article_of(store, article_id)
    rows = GroupStore(store.db).rows_for({found.id})
    latest = BriefStore(store.db).latest(rows[0].story_id) if rows else None
    spans = cited_spans(brief_model(store, latest), found.id) if latest else []
    return article_meta(found) | {"story_id": rows[0].story_id if rows else None, "text": found.text,
                                  "cited_spans": spans}


def healthz(request: Request):
    return {"status": "ok"}


# --- helpers --------------------------------------------------------------------------------------


def job_of(store: ArticleStore, job_id: str) -> Job:
    job = JobStore(store.db).get(job_id)
    if job is None:
        raise HTTPException(404, f"no brief job {job_id!r}")
    return job


def brief_model(store: ArticleStore, brief_id: int):
    from pipeline.apps.briefing import stored_brief

    return stored_brief(store, brief_id)


def job_out(job: Job, brief) -> dict:
    return {"id": job.id, "status": job.status, "progress": job.progress, "failures": job.failures,
            "error": job.error, "story_id": job.story_id, "brief_id": job.brief_id, "attempts": job.attempts,
            "brief": brief.model_dump(mode="json") if brief else None}


def story_id_of(store: ArticleStore, prefix: str) -> str:
    """The story an id or unique prefix names; 404 otherwise."""
    if len(prefix) < ID_MIN_CHARS or not re.fullmatch(r"[0-9a-f]+", prefix):
        raise HTTPException(404, f"no story {prefix!r}: give at least {ID_MIN_CHARS} hex characters of its id")
    matches = [s for s in GroupStore(store.db).story_ids() if s.startswith(prefix)]
    if len(matches) != 1:
        raise HTTPException(404, f"{'more than one story matches' if matches else 'no story matches'} {prefix!r}")
    return matches[0]


def article_of(store: ArticleStore, prefix: str):
    try:
        found = store.get(prefix)
    except AmbiguousId as exc:
        raise HTTPException(404, str(exc)) from None
    if found is None:
        raise HTTPException(404, f"no article {prefix!r}")
    return found


def story_summary(story) -> dict:
    return {"id": story.id, "title": story.title, "article_count": len(story.articles),
            "family_count": len(story.families), "outlets": story.outlets}


def article_meta(article) -> dict:
    return article.model_dump(mode="json", include={"id", "title", "outlet", "url", "author", "published", "language", "credit"})


def cited_spans(brief, article_id: str) -> list[dict]:
    """Every citation of the brief into one article: a point's claims, and the figures."""
    spans = [{"kind": "claim", "claim_id": c.id, "verdict": c.verdict, "start": x.start, "end": x.end, "quote": x.quote}
             for p in brief.points for c in p.claims for x in c.citations if x.article_id == article_id]
    spans += [{"kind": "figure", "figure": r.figure, "verdict": r.verdict, "start": r.citation.start,
               "end": r.citation.end, "quote": r.citation.quote} for r in brief.figures if r.citation.article_id == article_id]
    return spans


# --- the app --------------------------------------------------------------------------------------


async def _http_error(request: Request, exc: StarletteHTTPException):
    return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError):
    details = [{"where": ".".join(map(str, e["loc"])), "problem": e["msg"]} for e in exc.errors()]
    first = details[0] if details else {"where": "body", "problem": "malformed"}
    return error_response(422, f"malformed request: {first['where']}: {first['problem']}", details=details)


async def _request_log(request: Request, call_next):
    """A request id for every request (the caller's X-Request-ID when it is sane), in the log
    line and the response; never the body."""
    given = request.headers.get("x-request-id", "")
    request.state.request_id = given if re.fullmatch(r"[\w.-]{1,64}", given) else uuid.uuid4().hex[:16]
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["X-Request-ID"] = request.state.request_id
    log.info("request", extra={"request_id": request.state.request_id, "method": request.method,
                               "path": request.url.path, "status": response.status_code,
                               "ms": round((time.perf_counter() - started) * 1000, 1),
                               "who": getattr(request.state, "who", None)})
    return response


def create_app(config: Settings | None = None) -> FastAPI:
    """The API and the web page; the job workers start and stop with the app."""
    config = config or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.runner.start()
        yield
        app.state.runner.stop()

    app = FastAPI(title="newsbrief", version=_version(), lifespan=lifespan,
                  description="Briefs of a news story across outlets, every claim cross-checked.")
    app.state.config = config
    app.state.runner = JobRunner(config, config.api.job_threads)
    app.state.limiter = RateLimiter(config.api.rate_per_minute)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.middleware("http")(_request_log)
    app.add_middleware(BodyLimit, limit=config.api.max_body_bytes)
    app.include_router(router)
    web.mount(app)
    from pipeline.apps.slack import http as slack_http

    slack_http.mount(app)  # POST /slack/events
    app.get("/healthz", include_in_schema=True, summary="Liveness; needs no token")(healthz)
    return app


def _version() -> str:
    from importlib.metadata import version

    return version("newsbrief")
