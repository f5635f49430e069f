"""HTTP mode: the Slack app at POST /slack/events on the API (`newsbrief serve`).

bolt checks each request's signature and refuses one more than 5 minutes old, both with 401.
Without the tokens the route still answers, 503 with what to set, so a misconfigured app says
so in Slack's request log instead of vanishing."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from pipeline.apps.slack.config import MissingSlackSetting, slack_tokens

log = logging.getLogger("newsbrief.slack")
PATH = "/slack/events"


def mount(api: FastAPI) -> None:
    try:
        tokens = slack_tokens()
    except MissingSlackSetting as exc:
        log.info("slack door off", extra={"why": str(exc)})
        api.post(PATH, include_in_schema=False)(_unconfigured(str(exc)))
        return
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    from pipeline.apps.slack.app import build_app

    bolt = build_app(tokens, api.state.config, api.state.runner)

    async def events(request: Request) -> Response:
        # bolt's dispatch blocks while a listener acks (views.open, say): off the event loop
        body = await request.body()
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body)))

    api.post(PATH, include_in_schema=False)(events)


def _unconfigured(message: str):
    async def events(request: Request) -> Response:
        return JSONResponse({"error": {"status": 503, "message": message}}, 503)
    return events
