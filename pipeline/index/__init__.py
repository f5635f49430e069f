"""The index: articles in, sentence-exact chunks embedded into Chroma out; evidence retrieval.

``index_pending`` keeps the collection in step with the store; ``story_evidence`` finds the
sentences of other source families that bear on a statement.
"""

from pipeline.index.chroma import VectorIndex
from pipeline.index.chunk import chunk_text
from pipeline.index.embed import Embedder, get_embedder
from pipeline.index.retrieve import Evidence, evidence_for, story_evidence
from pipeline.index.sync import index_pending

__all__ = ["Embedder", "Evidence", "VectorIndex", "chunk_text", "evidence_for", "get_embedder", "index_pending", "story_evidence"]
