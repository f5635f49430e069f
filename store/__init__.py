"""Persistence in SQLite: articles (`articles`), their groups (`groups`), stored briefs (`briefs`) and the LLM cache.

Imports no pipeline wing but `pipeline.models`."""
