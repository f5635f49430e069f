"""newsbrief against a plain LangChain pipeline, in one run, on the same inputs.

The baseline is what the LangChain docs lead to: trafilatura loading, RecursiveCharacterTextSplitter
(chunk_size=1000, chunk_overlap=200), Chroma.from_documents with the same wordllama embedder,
no dedup. newsbrief is `newsbrief ingest` (clean, store, dedup, group, index). Each pipeline runs
in its own process, so its peak memory is its own. Ratios are newsbrief / baseline.

Writes bench/report.json, and docs/scaling.png: newsbrief's throughput and query latency at 100,
1,000 and 10,000 articles.

    python eval/bench_pipeline.py [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from eval_data import ECB, EXTRACTION, require
from evalgate import HERE

REPO = HERE.parent
QUERIES = 50


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024)


# --- inputs --------------------------------------------------------------------------------------


def html_pages(folder: Path) -> Path:
    for path in sorted((EXTRACTION / "html").glob("*.html.gz")):
        (folder / path.name.removesuffix(".gz")).write_bytes(gzip.decompress(path.read_bytes()))
    return folder


def synthetic_jsonl(path: Path, n: int, copies: float = 0.3, seed: int = 3) -> Path:
    """n articles from the ECB+ dev texts: 70% distinct (real texts, then mixes of their lines),
    30% syndicated copies of those."""
    from syndication import build, load_originals, make_copy

    rng = random.Random(seed)
    originals = [{"id": d.id, "text": d.text, "topic": d.topic, "story": d.story} for d in build(load_originals(), (0, 0))]
    lines = [line for o in originals for line in o["text"].splitlines()[1:] if len(line.split()) >= 6]
    distinct = originals[: int(n * (1 - copies))]
    while len(distinct) < int(n * (1 - copies)):
        distinct.append({"id": f"mix{len(distinct)}", "text": "\n".join(
            [f"Digest {len(distinct)}", *rng.sample(lines, rng.randint(6, 12))]), "topic": 0, "story": ""})
    docs = [d["text"] for d in distinct]
    while len(docs) < n:
        docs.append(make_copy(rng.choice(distinct), rng, len(docs)).text)
    rng.shuffle(docs)
    path.write_text("\n".join(json.dumps({"text": t, "outlet": f"outlet{i % 7}"}) for i, t in enumerate(docs)))
    return path


# --- the two pipelines and the floor, each run in a child process -------------------------------
#
# Both clocks cover the whole process: from the moment the parent starts the child to the end of
# the work, so Python's start-up and every import count for both (each imports what it needs
# lazily or at the top, as a user's run would). What a child does after the work (search
# latency, index size) is outside the clock.


def run_newsbrief(source: Path, data_dir: Path, spawned: float) -> dict:
    """`newsbrief ingest` itself, in this process, with the time each of its stages took."""
    os.environ["NEWSBRIEF_DATA_DIR"] = str(data_dir)
    from pipeline.apps import cli

    stages = _timed_stages(cli, ["_extract_and_store", "_group", "_group_and_index"])
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.app(["ingest", "--json", str(source)], prog_name="newsbrief")
        except SystemExit as exit_:
            if exit_.code not in (0, 1):  # 1: some inputs failed, the rest went through
                raise
    done = time.time()
    from pipeline.index.chroma import VectorIndex
    from pipeline.settings import Settings

    settings = Settings(data_dir=data_dir)
    index = VectorIndex(settings)
    # Indexing runs in its own process during grouping; what is left is the wait after grouping.
    stages["index after grouping"] = stages.pop("group_and_index") - stages["group"]
    stages = {"start-up and imports": stages.pop("started") - spawned, **stages}
    return {"seconds": done - spawned, "chunks": index.count(), "stages": stages,
            "index_bytes": folder_size(settings.chroma_path), "query_ms": _query_ms(lambda q: index.search(q, 5))}


def _timed_stages(module, names: list[str]) -> dict:
    """Wraps the CLI's stage functions to record how long each took; "started" is when the
    first of them began."""
    stages = {}
    for name in names:
        def timed(*args, _fn=getattr(module, name), _name=name.strip("_"), **kwargs):
            started = time.time()
            stages.setdefault("started", started)
            try:
                return _fn(*args, **kwargs)
            finally:
                stages[_name] = stages.get(_name, 0) + time.time() - started
        setattr(module, name, timed)
    return stages


def run_langchain(source: Path, data_dir: Path, spawned: float) -> dict:
    import trafilatura
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from pipeline.index.embed import load_wordllama

    class WordLlama(Embeddings):
        """The model newsbrief embeds with, used as it ships, as a plain pipeline would. Not
        newsbrief's own embedder class: its unpadded sums and single tokenizer are newsbrief's
        work, and the baseline took them too until the memory was counted over all processes."""

        def __init__(self):
            self.model = load_wordllama()

        def embed_documents(self, texts):
            return self.model.embed(texts, norm=True).tolist()

        def embed_query(self, text):
            return self.model.embed([text], norm=True)[0].tolist()

    embedding = WordLlama()
    if source.is_dir():
        docs = [Document(page_content=text, metadata={"source": p.name}) for p in sorted(source.glob("*.html"))
                if (text := trafilatura.extract(p.read_bytes()))]
    else:
        docs = [Document(page_content=json.loads(line)["text"]) for line in source.read_text().splitlines()]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    store = Chroma.from_documents(chunks, embedding, persist_directory=str(data_dir / "chroma"), collection_name="baseline")
    done = time.time()
    return {"seconds": done - spawned, "inputs": len(docs), "chunks": len(chunks),
            "index_bytes": folder_size(data_dir / "chroma"), "query_ms": _query_ms(lambda q: store.similarity_search(q, 5))}


def run_floor(source: Path, data_dir: Path, spawned: float) -> dict:
    """The least any pipeline must do here: extract the pages on every core, cut newsbrief's
    sentence chunks, embed them, write them to a fresh Chroma collection with the rows newsbrief
    writes. ``seconds`` sums those stages, every import made before their clocks (the issue's
    floor); ``process_seconds`` is the whole process, as the two pipelines are timed."""
    import chromadb
    import trafilatura

    from pipeline.index.chunk import chunk_text
    from pipeline.index.embed import get_embedder

    embedder = get_embedder()
    stages, started = {}, time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("fork")) as pool:
        texts = [t for t in pool.map(trafilatura.extract, [p.read_bytes() for p in sorted(source.glob("*.html"))]) if t]
    stages["extract"], started = time.perf_counter() - started, time.perf_counter()
    chunks = [(n, c) for n, text in enumerate(texts) for c in chunk_text(text)]
    stages["chunk"], started = time.perf_counter() - started, time.perf_counter()
    vectors = embedder.embed([c.text for _, c in chunks])
    stages["embed"], started = time.perf_counter() - started, time.perf_counter()
    client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.create_collection("floor", embedding_function=None, metadata={"hnsw:space": "cosine"})
    for at in range(0, len(chunks), 1024):  # the rows newsbrief writes: an id that holds the span, a vector
        collection.add(ids=[f"{n}:{c.start}:{c.end}" for n, c in chunks[at : at + 1024]], embeddings=vectors[at : at + 1024])
    stages["write"] = time.perf_counter() - started
    # Also the whole process, timed as newsbrief's and the baseline's are: Python's start-up, the
    # imports and the embedder's load count too (a second reading of the floor; docs/benchmarks.md).
    return {"seconds": sum(stages.values()), "process_seconds": time.time() - spawned, "chunks": len(chunks),
            "stages": stages}


def _query_ms(search) -> float:
    queries = ["Apple shares rose", "earthquake death toll", "police arrested a suspect", "the company said on Tuesday",
               "rehab center", "election results"] * (QUERIES // 6)
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


RUNNERS = {"newsbrief": run_newsbrief, "langchain": run_langchain, "floor": run_floor}


def child(mode: str, source: str, spawned: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = RUNNERS[mode](Path(source), Path(tmp), float(spawned))
    result["peak_rss_mb"] = peak_rss_mb()
    # The extraction workers and the indexing process are forked copies sharing most pages with
    # the parent: their memory counts in the peak PSS of all processes (measure), not here.
    result["largest_worker_rss_mb"] = peak_rss_mb(resource.RUSAGE_CHILDREN)
    print(json.dumps(result))


def measure(mode: str, source: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, str(source), repr(time.time())]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errors:
        child_process = subprocess.Popen(command, stdout=out, stderr=errors, text=True)
        peak_pss = 0.0
        while child_process.poll() is None:
            peak_pss = max(peak_pss, tree_pss_mb(child_process.pid))
            time.sleep(PSS_EVERY_S)
        out.seek(0)
        errors.seek(0)
        if child_process.returncode:
            raise RuntimeError(f"{mode} on {source.name} failed:\n{errors.read()[-2000:]}")
        result = json.loads(out.read().strip().splitlines()[-1])
    result["peak_pss_mb"] = round(peak_pss)
    return result


PSS_EVERY_S = 0.1


def tree_pss_mb(pid: int) -> float:
    """The memory a process and all its descendants hold now: the sum of their proportional set
    sizes (a page shared by n processes counts 1/n in each), so that forked workers, which share
    most of their parent's pages, count for what they add. RSS would count the shared pages in
    each; the parent's own RSS alone would not count the workers at all."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):  # it ended while we looked
            continue
    return total / 1024


def median_run(runs: list[dict]) -> dict:
    """The run of median time, with the median of each stage across runs."""
    chosen = dict(sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2])
    if "stages" in chosen:
        chosen["stages"] = {k: round(statistics.median(r["stages"][k] for r in runs), 2) for k in chosen["stages"]}
    chosen["runs_s"] = [round(r["seconds"], 2) for r in runs]
    return chosen


# --- the report ----------------------------------------------------------------------------------


def compare(name: str, source: Path, articles: int, repeat: int, floor: bool = False) -> dict:
    """Each pipeline ``repeat`` times, interleaved, so that a slow moment of a shared machine
    falls on both; the medians are compared."""
    modes = ["newsbrief", "langchain"] + (["floor"] if floor else [])
    runs = {mode: [] for mode in modes}
    for _ in range(repeat):
        for mode in modes:
            runs[mode].append(measure(mode, source))
    ours, base = median_run(runs["newsbrief"]), median_run(runs["langchain"])
    row = {"input": name, "articles": articles, "newsbrief": ours, "langchain": base}
    row["ratios"] = {
        "throughput": round(base["seconds"] / ours["seconds"], 2),  # newsbrief's articles/s over the baseline's
        "peak_rss": round(ours["peak_rss_mb"] / base["peak_rss_mb"], 2),
        "peak_pss_all_processes": round(ours["peak_pss_mb"] / base["peak_pss_mb"], 2),
        "index_size": round(ours["index_bytes"] / base["index_bytes"], 2),
        "query_ms": round(ours["query_ms"] / base["query_ms"], 2),
    }
    if floor:
        row["floor"] = median_run(runs["floor"])
        # the median of its own, as each pipeline's time is (odd repeats: the middle run's)
        row["floor"]["process_seconds"] = round(statistics.median(r["process_seconds"] for r in runs["floor"]), 2)
        row["ratios"]["newsbrief_over_floor"] = round(ours["seconds"] / row["floor"]["seconds"], 2)
        row["ratios"]["newsbrief_over_floor_process"] = round(ours["seconds"] / row["floor"]["process_seconds"], 2)
        row["ratios"]["langchain_over_floor"] = round(base["seconds"] / row["floor"]["seconds"], 2)
    return row


def print_row(row: dict) -> None:
    r, n, b = row["ratios"], row["newsbrief"], row["langchain"]
    print(f"{row['input']}: newsbrief {row['articles'] / n['seconds']:.1f} articles/s ({n['seconds']:.2f} s, runs "
          f"{n['runs_s']}), {n['chunks']} chunks, {n['index_bytes'] / 1e6:.1f} MB, {n['peak_rss_mb']} MB RSS | LangChain "
          f"{row['articles'] / b['seconds']:.1f} articles/s ({b['seconds']:.2f} s, runs {b['runs_s']}), {b['chunks']} "
          f"chunks, {b['index_bytes'] / 1e6:.1f} MB, {b['peak_rss_mb']} MB RSS | ratios {r}", flush=True)
    print(f"  peak memory of all processes (PSS): newsbrief {n['peak_pss_mb']} MB, LangChain {b['peak_pss_mb']} MB; "
          f"newsbrief's largest child (an extraction worker or the indexing process): "
          f"{n['largest_worker_rss_mb']} MB RSS", flush=True)
    print(f"  newsbrief stages (s, medians): {n['stages']}", flush=True)
    if "floor" in row:
        print(f"  floor {row['floor']['seconds']:.2f} s: {row['floor']['stages']}; its whole process, start-up and "
              f"imports included: {row['floor']['process_seconds']:.2f} s", flush=True)


def help_cold_start() -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "newsbrief"), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def scaling(sizes: list[int], tmp: Path) -> list[dict]:
    points = []
    for size in sizes:
        result = measure("newsbrief", synthetic_jsonl(tmp / f"scale-{size}.jsonl", size))
        points.append({"articles": size, "articles_per_s": round(size / result["seconds"], 1),
                       "seconds": round(result["seconds"], 2), "query_ms": result["query_ms"],
                       "peak_rss_mb": result["peak_rss_mb"]})
        print(f"  scaling {size:>6,} articles: {points[-1]['articles_per_s']} articles/s, "
              f"query p50 {points[-1]['query_ms']} ms, peak RSS {points[-1]['peak_rss_mb']} MB", flush=True)
    return points


def plot(points: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [p["articles"] for p in points]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(sizes, [p["articles_per_s"] for p in points], marker="o")
    left.set(xscale="log", xlabel="articles", ylabel="articles per second", title="newsbrief ingest throughput")
    right.plot(sizes, [p["query_ms"] for p in points], marker="o", color="tab:orange")
    right.set(xscale="log", xlabel="articles", ylabel="ms (median)", title="search latency")
    for axis in (left, right):
        axis.grid(True, alpha=0.3)
        axis.set_ylim(bottom=0)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each pipeline, interleaved; medians compared")
    parser.add_argument("--no-scaling", action="store_true", help="only the comparison (no scaling runs, no plot)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    require(ECB, EXTRACTION)
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "pages").mkdir()
        rows = [compare("181 extraction pages", html_pages(tmp / "pages"), 181, args.repeat, floor=True),
                compare("2,000 synthetic, 30% copies", synthetic_jsonl(tmp / "synthetic.jsonl", 2000), 2000, args.repeat)]
        for row in rows:
            print_row(row)
        if args.no_scaling:
            return 0
        points = scaling(args.sizes, tmp)
    from bench_brief import warm_seconds

    report = {"machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}", "comparisons": rows,
              "help_cold_start_s": help_cold_start(), "offline_brief_10_articles_s": round(warm_seconds(), 2),
              "scaling": points}
    (REPO / "bench").mkdir(exist_ok=True)
    (REPO / "bench" / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(points, REPO / "docs" / "scaling.png")
    print(f"newsbrief --help cold start: {report['help_cold_start_s']} s; offline brief of a 10-article story: "
          f"{report['offline_brief_10_articles_s']} s; wrote bench/report.json and docs/scaling.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
