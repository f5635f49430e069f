"""`newsbrief ingest` of this checkout against another commit's, whole processes, interleaved.

For a change's before and after in one run: the other commit is unpacked with `git archive` into
a temporary folder and put first on PYTHONPATH (the same .venv runs both). Each run gets a fresh
data directory; the clock covers the whole process, as in bench_pipeline.py. Prints each run's
time, then the medians and their ratio (this checkout / the other).

    .venv/bin/python eval/bench_against.py main --input pages --repeat 6
    .venv/bin/python eval/bench_against.py main --input synthetic --repeat 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_pipeline import html_pages, synthetic_jsonl
from eval_data import ECB, EXTRACTION, require
from evalgate import HERE

INGEST = "import sys; from pipeline.apps import cli; cli.app(['ingest', '--json', sys.argv[1]], prog_name='newsbrief')"


def unpack(ref: str, folder: Path) -> Path:
    # From the repository's root: run in eval/, git archive packs eval/ alone, and the other tree
    # then ran this checkout's pipeline (the editable install) against itself.
    archive = subprocess.run(["git", "archive", ref], cwd=HERE.parent, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def timed_ingest(tree: Path, source: Path) -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "PYTHONPATH": str(tree), "NEWSBRIEF_DATA_DIR": data_dir}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", INGEST, str(source)], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the commit to compare with, e.g. main")
    parser.add_argument("--input", choices=["pages", "synthetic"], default="pages")
    parser.add_argument("--repeat", type=int, default=4, help="runs of each, alternating which goes first")
    args = parser.parse_args()
    require(ECB, EXTRACTION)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "other").mkdir()
        (tmp / "pages").mkdir()
        trees = {args.ref: unpack(args.ref, tmp / "other"), "this": HERE.parent}
        source = (html_pages(tmp / "pages") if args.input == "pages"
                  else synthetic_jsonl(tmp / "synthetic.jsonl", 2000))
        times: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(args.repeat):
            order = list(trees) if run % 2 == 0 else list(trees)[::-1]  # neither always goes first
            for name in order:
                times[name].append(timed_ingest(trees[name], source))
                print(f"{name}: {times[name][-1]:.2f} s", flush=True)
    medians = {name: round(statistics.median(runs), 2) for name, runs in times.items()}
    print(json.dumps({"median_s": medians, "ratio": round(medians["this"] / medians[args.ref], 3)}))


if __name__ == "__main__":
    main()
