"""Floors for the evals, pinned in eval/baseline.json with the SHA-256 of their datasets.

An eval passes when every metric is at or above its floor, and refuses to compare when the
dataset changed: a new dataset needs a new floor, written on purpose with --write-floor.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
sys.path.insert(0, str(HERE.parent))  # the evals import the library from the checkout


def eval_arguments(doc: str):
    """The arguments every eval takes: --write-floor, and --allow-regression to lower one."""
    import argparse

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-floor", action="store_true", help="pin this run's figures as the floors")
    parser.add_argument("--allow-regression", action="store_true", help="with --write-floor: allow lowering a floor")
    return parser


def file_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_or_pin(name: str, metrics: dict[str, float], meta: dict, *, write: bool,
                 allow_regression: bool | None = None, baseline_path: Path | None = None) -> int:
    """Exit status: 0 when every metric meets its floor (or was just pinned), 1 otherwise.

    Pinning never lowers a floor unless ``allow_regression`` (``--allow-regression``) says so.
    """
    path = baseline_path or BASELINE
    if allow_regression is None:
        allow_regression = "--allow-regression" in sys.argv
    baseline = json.loads(path.read_text()) if path.exists() else {}
    if write:
        return _pin(name, metrics, meta, baseline, path, allow_regression)
    pinned = baseline.get(name)
    if pinned is None:
        print(f"no floor for {name} in {BASELINE.name}; pin one with --write-floor", file=sys.stderr)
        return 1
    if "dataset_sha256" in meta and pinned.get("dataset_sha256") != meta["dataset_sha256"]:
        print(f"FAIL: the {name} dataset changed since its floor was pinned; re-pin with --write-floor",
              file=sys.stderr)
        return 1
    failures = _below(metrics, pinned)
    for failure in failures:
        print(f"FAIL: {name} {failure}", file=sys.stderr)
    return 1 if failures else 0


def _below(metrics: dict[str, float], pinned: dict) -> list[str]:
    return [f"{k} {v:.4f} < floor {pinned[k]}" for k, v in metrics.items() if k in pinned and v < pinned[k]]


def _pin(name: str, metrics: dict[str, float], meta: dict, baseline: dict, path: Path, allow_regression: bool) -> int:
    old = baseline.get(name, {})
    lower = _below(metrics, old) if old.get("dataset_sha256") == meta.get("dataset_sha256") else []
    if lower and not allow_regression:
        for item in lower:
            print(f"REFUSED: pinning would lower the {name} floor: {item}; pass --allow-regression "
                  "to lower it on purpose", file=sys.stderr)
        return 1
    # Rounded down, so that the run that pins a floor also passes it.
    baseline[name] = {k: math.floor(v * 10_000) / 10_000 for k, v in metrics.items()} | meta
    path.write_text(json.dumps(baseline, indent=2) + "\n")
    print(f"pinned {name} in {path.name}")
    return 0
