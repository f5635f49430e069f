"""A real `newsbrief serve` process: tokens from the CLI, a brief over HTTP, and a job that the
server was killed in the middle of, run again by the next server."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import FIXTURES, SEED_FILES, _free_port

NEWSBRIEF = str(Path(sys.executable).parent / "newsbrief")


@contextlib.contextmanager
def serving(data_dir: Path, port: int, env: dict):
    """`newsbrief serve` on a loopback port until it answers, with its JSON log lines in
    data_dir/serve.log; stopped at the end unless the test killed it."""
    log = (data_dir / "serve.log").open("a")
    command = [NEWSBRIEF, "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=os.environ | {"NEWSBRIEF_DATA_DIR": str(data_dir)} | env,
                               stdout=log, stderr=log)
    try:
        wait_ready(process, f"http://127.0.0.1:{port}/healthz")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
        log.close()


def wait_ready(process, url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"newsbrief serve did not answer at {url}")
        time.sleep(0.2)


def create_token(data_dir: Path) -> dict:
    result = subprocess.run([NEWSBRIEF, "tokens", "create", "night-desk", "--json"], capture_output=True, text=True,
                            env=os.environ | {"NEWSBRIEF_DATA_DIR": str(data_dir)}, check=True)
    return {"Authorization": f"Bearer {json.loads(result.stdout)['token']}"}


def poll(base: str, auth: dict, url: str, until, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while not until(job := httpx.get(base + url, headers=auth, timeout=10).json()):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


def test_a_job_running_when_the_server_is_killed_runs_again_on_start(tmp_path, http_server):
    page = sorted((FIXTURES / "html").glob("*.html"))[0].read_bytes()
    http_server.routes["/article"] = (200, {"Content-Type": "text/html"}, page, 60)  # hangs: the job is mid-fetch
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS": "true", "NEWSBRIEF_FETCH__TIMEOUT_S": "90"}
    auth = create_token(tmp_path)
    with serving(tmp_path, port, env) as server:
        sources = [{"text": path.read_text()} for path in SEED_FILES] + [{"url": http_server.base + "/article"}]
        submitted = httpx.post(base + "/v1/briefs", headers=auth, json={"sources": sources}, timeout=10).json()
        poll(base, auth, submitted["url"], lambda job: job["progress"].get("fetched") == 2)  # the URL is being fetched
        server.kill()  # SIGKILL: no shutdown of any kind
        server.wait(10)
    http_server.routes["/article"] = (200, {"Content-Type": "text/html"}, page, 0)
    with serving(tmp_path, port, env):
        job = poll(base, auth, submitted["url"], lambda job: job["status"] in ("done", "failed"))
    assert job["status"] == "done" and job["attempts"] == 2, job
    assert job["progress"]["cleaned"] == 3 and job["failures"] == []
    log_lines = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines() if line.startswith("{")]
    assert any(row["event"] == "re-running a job left running" and row["job"] == submitted["id"] for row in log_lines)
    requests = [row for row in log_lines if row["event"] == "request"]
    assert requests and all(len(row["request_id"]) == 16 for row in requests)
    assert not any(SEED_FILES[0].read_text()[:80] in line for line in (tmp_path / "serve.log").read_text().splitlines())

