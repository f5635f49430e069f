"""Persistence in SQLite or PostgreSQL (`database`, schema in `migrations/`): articles (`articles`), their groups
(`groups`), stored briefs (`briefs`), jobs, tokens, overrides, digests, Slack events; and the LLM cache (a local SQLite file).

Imports no pipeline wing but `pipeline.models`."""
