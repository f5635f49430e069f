"""What the API's and the web page's routes share: the request's connection to the article store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from pipeline.apps.storage import open_article_store
from store.articles import ArticleStore


def request_store(request: Request) -> Iterator[ArticleStore]:
    """One connection per request. FastAPI opens it in one thread and may run the route in
    another, one step at a time: hence check_same_thread=False."""
    with open_article_store(request.app.state.config, check_same_thread=False) as store:
        yield store


Store = Annotated[ArticleStore, Depends(request_store)]
