"""Ingest: sources in (paths, folders, URLs, feeds, JSONL, pasted text), cleaned Articles stored out.

Reading, fetching and extracting run in worker processes; each article is stored as it is
cleaned, keyed by a hash of its text, so a batch run twice or resumed adds nothing twice.
"""

from pipeline.ingest.batch import IngestReport, Outcome, article_id, extract_documents, extract_results, ingest
from pipeline.ingest.clean import clean_text
from pipeline.ingest.extract import extract_html
from pipeline.ingest.sources import expand_inputs, expand_sources

__all__ = ["IngestReport", "Outcome", "article_id", "clean_text", "expand_inputs", "expand_sources", "extract_documents",
           "extract_html", "extract_results", "ingest"]
