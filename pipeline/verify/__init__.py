"""Verification: claims and figures checked against the other, independent source families.

Takes a story's families (or texts); gives verdicts (confirmed, conflicting, different_basis,
single_source, unsupported) with their evidence quotes and reasons, from the deterministic
verifier or, when one is configured, the LLM judge.
"""

from pipeline.verify.claims import extract_claims
from pipeline.verify.figure_check import check_story_figures
from pipeline.verify.figures import extract_figures
from pipeline.verify.llm_judge import make_llm_judge
from pipeline.verify.verifier import ClaimVerdict, verify, verify_against_sources, verify_claim, verify_pair, verify_story

__all__ = ["ClaimVerdict", "check_story_figures", "extract_claims", "extract_figures", "make_llm_judge", "verify", "verify_against_sources", "verify_claim", "verify_pair", "verify_story"]
