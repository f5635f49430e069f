"""Persistence: the SQLite article store (and, in later stages, the vector index and LLM cache)."""
