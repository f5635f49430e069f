"""Text tools every stage shares: sentence spans over canonical text, words and BM25, word lists.

Takes a string; gives sentences with their spans (computed once per text), terms, numbers, and
the closed word lists (directions, opposites, contrast sets) the verifier and figures read.
"""

from pipeline.text.sentences import Sentence, split_sentences
from pipeline.text.lexical import BM25, STOPWORDS, numbers, terms

__all__ = ["BM25", "STOPWORDS", "Sentence", "numbers", "split_sentences", "terms"]
