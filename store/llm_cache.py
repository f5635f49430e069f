"""LLM responses cached in SQLite: the same prompt to the same model is answered once.

A small ``BaseCache`` over sqlite3 (langchain-community's SQLiteCache is deprecated).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import json

from langchain_core.caches import BaseCache
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, Generation


class SQLiteLLMCache(BaseCache):
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS llm_cache (key TEXT PRIMARY KEY, generations TEXT NOT NULL)")

    @staticmethod
    def _key(prompt: str, llm_string: str) -> str:
        return hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()

    def lookup(self, prompt: str, llm_string: str):
        row = self.db.execute("SELECT generations FROM llm_cache WHERE key = ?", (self._key(prompt, llm_string),)).fetchone()
        return [_generation(item) for item in json.loads(row[0])] if row else None

    def update(self, prompt: str, llm_string: str, return_val) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO llm_cache VALUES (?, ?)",
                            (self._key(prompt, llm_string), json.dumps([_record(g) for g in return_val])))

    def clear(self, **kwargs) -> None:
        with self.db:
            self.db.execute("DELETE FROM llm_cache")


def _record(generation: Generation) -> dict:
    """Plain JSON, not pickles or LangChain's serialisation: a cache file is never code."""
    message = getattr(generation, "message", None)
    if message is None:
        return {"text": generation.text}
    return {"content": message.content, "usage": getattr(message, "usage_metadata", None),
            "metadata": message.response_metadata, "tool_calls": getattr(message, "tool_calls", []),
            "additional_kwargs": message.additional_kwargs}


def _generation(item: dict) -> Generation:
    if "content" not in item:
        return Generation(text=item["text"])
    return ChatGeneration(message=AIMessage(
        content=item["content"], usage_metadata=item["usage"], response_metadata=item["metadata"] or {},
        tool_calls=item.get("tool_calls") or [], additional_kwargs=item.get("additional_kwargs") or {}))
