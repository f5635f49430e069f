"""The learned verifier: a cross-encoder that reads a premise and a claim and says how likely the
premise states the claim.

Fine-tuned from all-MiniLM-L6-v2 (eval/train_verifier.py, `make train-verifier`) and shipped as an
int8 ONNX file beside its tokenizer in ``pipeline/verify/model/`` (see MODEL_CARD.md there). It is
run by onnxruntime and the tokenizers library, both of which chromadb already needs: no torch.

It judges open meaning only ("gained" states "rose"; "excluding" turns a claim). Numbers, dates,
negation and figures stay with the deterministic checks, which explain themselves.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MODEL_DIR = Path(__file__).parent / "model"
MAX_TOKENS = 192  # as trained
BATCH = 32


class LearnedVerifier:
    def __init__(self, directory: Path = MODEL_DIR):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = onnxruntime.InferenceSession(str(directory / "verifier.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS, strategy="only_first")
        self.tokenizer.enable_padding()

    def consistency(self, pairs: list[tuple[str, str]]) -> list[float]:
        """For each (premise, claim), the probability that the premise states the claim."""
        import numpy as np

        out: list[float] = []
        for i in range(0, len(pairs), BATCH):
            encoded = self.tokenizer.encode_batch(pairs[i:i + BATCH])
            inputs = {name: np.array([getattr(e, field) for e in encoded], dtype=np.int64)
                      for name, field in (("input_ids", "ids"), ("attention_mask", "attention_mask"),
                                          ("token_type_ids", "type_ids"))}
            logits = self.session.run(None, inputs)[0]
            exp = np.exp(logits - logits.max(-1, keepdims=True))
            out += (exp[:, 1] / exp.sum(-1)).tolist()
        return out


@lru_cache(maxsize=4)  # asked once a claim: the files do not come and go while a process runs
def available(directory: Path = MODEL_DIR) -> bool:
    return (directory / "verifier.onnx").exists() and (directory / "tokenizer.json").exists()


@lru_cache(maxsize=1)
def model_id() -> str | None:
    """What outputs name as the model: the file's name and the start of its SHA-256, or None
    when no model is installed."""
    import hashlib

    if not available():
        return None
    digest = hashlib.sha256((MODEL_DIR / "verifier.onnx").read_bytes()).hexdigest()[:12]
    return f"newsbrief-verifier-minilm-l6-int8@{digest}"


def judged_by() -> str:
    """The offline judge, as outputs name it."""
    name = model_id()
    return f"the deterministic verifier with the learned model {name}" if name else "the deterministic verifier"


@lru_cache(maxsize=1)
def learned_verifier() -> LearnedVerifier:
    """The shipped model, loaded once per process (about 0.2 s)."""
    if not available():
        from pipeline.errors import NewsbriefError

        raise NewsbriefError(f"the learned verifier is missing from {MODEL_DIR}: reinstall newsbrief, "
                             "or rebuild it with `make train-verifier`")
    return LearnedVerifier()
