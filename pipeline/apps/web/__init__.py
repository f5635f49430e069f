"""The editors' web page, served by the API's app: Jinja templates, one small script, no build.

The page signs in with an API token once (kept in an HttpOnly, SameSite=Strict cookie), then
works through forms, so it works without JavaScript; the script adds progress without reloads,
the evidence highlight, the figures' sorting and the copy button.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from pipeline.apps.deps import Store
from pipeline.apps.jobs import BriefRequest
from pipeline.apps.storage import open_article_store
from store.articles import ArticleStore
from store.briefs import BriefStore
from store.jobs import JobStore
from store.tokens import TokenStore

HERE = Path(__file__).parent
COOKIE = "newsbrief_token"
STAGES = ("queued", "fetching", "grouping", "indexing", "verifying", "done")
SEPARATOR = re.compile(r"^\s*-{3,}\s*$", re.MULTILINE)  # a line of dashes between pasted articles
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


def editor(request: Request, store: Store) -> str:
    """The signed-in editor's token name; to the sign-in page otherwise."""
    token = request.cookies.get(COOKIE)
    name = TokenStore(store.db).who(token) if token else None
    if name is None:
        raise HTTPException(303, "sign in first", headers={"Location": "/login"})
    request.state.who = name
    return name


Editor = Annotated[str, Depends(editor)]


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, problem: str | None = None):
    return templates.TemplateResponse(request, "login.html", {"problem": problem})


@router.post("/login")
def login(request: Request, store: Store, token: Annotated[str, Form()]):
    if TokenStore(store.db).who(token.strip()) is None:
        return templates.TemplateResponse(request, "login.html", {"problem": "That token is wrong or revoked."}, 401)
    response = RedirectResponse("/", 303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, store: Store, who: Editor, problem: str | None = None):
    from pipeline.grouping import list_stories

    briefs = BriefStore(store.db)
    stories = [(s, briefs.latest(s.id)) for s in reversed(list_stories(store, limit=100))]
    return templates.TemplateResponse(request, "index.html", {"who": who, "stories": stories, "problem": problem})


@router.post("/briefs")
async def submit(request: Request, who: Editor, texts: Annotated[str, Form()] = "", urls: Annotated[str, Form()] = "",
                 files: Annotated[list[UploadFile] | None, Form()] = None):
    """The form: pasted articles (split at lines of dashes), URLs (one a line), HTML files."""
    sources = [{"text": part.strip()} for part in SEPARATOR.split(texts) if part.strip()]
    sources += [{"url": line.strip()} for line in urls.splitlines() if line.strip()]
    for upload in files or []:
        if upload.filename:
            sources.append({"html": (await upload.read()).decode("utf-8", errors="replace")})
    try:
        body = BriefRequest(sources=sources or None)
    except ValidationError as exc:
        return _home_with(request, who, exc.errors()[0]["msg"])
    job, _ = request.app.state.runner.submit(body, who)
    return RedirectResponse(f"/jobs/{job.id}", 303)


def _home_with(request: Request, who: str, problem: str):
    with open_article_store(request.app.state.config) as store:
        return home(request, store, who, problem=f"Nothing was briefed: {problem}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, store: Store, who: Editor):
    job = _job(store, job_id)
    if job.status == "done":
        return _brief_page(request, store, who, job.brief_id, failures=job.failures)
    return templates.TemplateResponse(request, "job.html", {"who": who, "job": job, "stages": STAGES})


@router.get("/jobs/{job_id}/progress")
def job_progress(job_id: str, store: Store, who: Editor):
    job = _job(store, job_id)
    return {"status": job.status, "progress": job.progress, "error": job.error}


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(story_id: str, request: Request, store: Store, who: Editor):
    latest = BriefStore(store.db).latest(story_id)
    if latest is None:
        raise HTTPException(404, f"no brief of story {story_id!r} yet")
    return _brief_page(request, store, who, latest)


@router.get("/briefs/{brief_id}/print", response_class=HTMLResponse)
def printable(brief_id: int, store: Store, who: Editor):
    from pipeline.brief.render import to_html

    return HTMLResponse(to_html(_brief(store, brief_id)))


@router.post("/briefs/{brief_id}/claims/{claim_id}/override")
def override(brief_id: int, claim_id: str, store: Store, who: Editor, verdict: Annotated[str, Form()],
             reason: Annotated[str, Form()], back: Annotated[str, Form()] = "/"):
    from pipeline.apps.briefing import record_override
    from pipeline.brief.overrides import VERDICTS

    if verdict not in VERDICTS or not reason.strip():
        raise HTTPException(422, "choose a verdict and give a reason")
    _brief(store, brief_id)
    if record_override(store, brief_id, claim_id, verdict, reason, who) is None:
        raise HTTPException(404, f"the brief has no claim {claim_id!r}")
    target = back if re.fullmatch(r"/(jobs|stories)/[0-9a-f]+", back) else "/"  # never a redirect off the site
    return RedirectResponse(f"{target}#claim-{claim_id}", 303)


def _job(store: ArticleStore, job_id: str):
    job = JobStore(store.db).get(job_id)
    if job is None:
        raise HTTPException(404, f"no brief job {job_id!r}")
    return job


def _brief(store: ArticleStore, brief_id: int):
    from pipeline.apps.briefing import stored_brief

    if BriefStore(store.db).brief_json(brief_id) is None:
        raise HTTPException(404, f"no stored brief {brief_id}")
    return stored_brief(store, brief_id)


def _brief_page(request: Request, store: Store, who: str, brief_id: int, failures=()):
    from pipeline.brief.overrides import VERDICTS
    from pipeline.brief.render import to_markdown

    brief = _brief(store, brief_id)
    article_ids = [a["id"] for f in brief.sources for a in f.articles]
    articles = {a.id: a for a in store.get_many(article_ids)}
    evidence = {c.id: [x.model_dump(include={"article_id", "start", "end"}) for x in c.citations]
                for p in brief.points for c in p.claims}
    evidence |= {f"figure-{n}": [r.citation.model_dump(include={"article_id", "start", "end"})]
                 for n, r in enumerate(brief.figures)}
    return templates.TemplateResponse(request, "brief.html", {
        "who": who, "brief": brief, "brief_id": brief_id, "articles": articles, "failures": failures,
        "evidence_json": json.dumps(evidence), "markdown": to_markdown(brief), "verdicts": VERDICTS,
        "back": request.url.path, "number": {f.id: n for n, f in enumerate(brief.sources, start=1)},
        "changes": [c for c in BriefStore(store.db).changes(brief.story_id) if c.brief_id == brief_id]})


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
