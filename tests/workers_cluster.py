"""Real servers and real worker processes for the scale-out tests and eval/bench_workers.py:
a redis-server and a `chroma run` on free loopback ports, `newsbrief worker`s as processes of
their own (each in its own process group, so that a test can SIGKILL one worker whole)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import _free_port, running_server

NEWSBRIEF = str(Path(sys.executable).parent / "newsbrief")


@contextlib.contextmanager
def redis_server(folder: Path, seconds: float = 30):
    """redis-server on a free loopback port, nothing saved to disk; its redis:// URL."""
    import redis

    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server is not installed: `make redis-server` (apt-get install redis-server)")
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def ping() -> None:
        try:
            redis.Redis.from_url(url).ping()
        except redis.ConnectionError as exc:
            raise OSError(str(exc)) from None

    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)]
    with running_server(command, url, "redis-server", seconds, ready=ping):
        yield url


@contextlib.contextmanager
def chroma_run(folder: Path):
    """`chroma run` on a free loopback port; its URL."""
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    url = f"http://127.0.0.1:{port}"
    command = [str(chroma), "run", "--path", str(folder), "--port", str(port), "--host", "127.0.0.1"]
    with running_server(command, f"{url}/api/v2/heartbeat", "chroma run", seconds=60):
        yield url


def cluster_env(data_dir: Path, broker_url: str, chroma_url: str, **settings: str) -> dict[str, str]:
    """The environment every process of the cluster shares: one data directory (one SQLite file
    in WAL mode), one broker, one Chroma server; ``settings`` as NEWSBRIEF_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBRIEF_")}
    env |= {"NEWSBRIEF_DATA_DIR": str(data_dir), "NEWSBRIEF_CELERY__BROKER_URL": broker_url,
            "NEWSBRIEF_CHROMA_URL": chroma_url, "NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS": "true"}
    return env | {f"NEWSBRIEF_{name.upper()}": value for name, value in settings.items()}


class Workers:
    """`newsbrief worker` processes, named w1, w2...; their output in ``logs``."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.processes = env, logs, {}
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, count: int) -> Workers:
        for number in range(len(self.processes) + 1, len(self.processes) + count + 1):
            name = f"w{number}"
            with open(self.logs / f"{name}.log", "wb") as log:
                self.processes[name] = subprocess.Popen(
                    [NEWSBRIEF, "worker", "--name", f"{name}@test", "--loglevel", "INFO"], env=self.env,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self, name: str) -> None:
        """SIGKILL the worker and its pool: it acknowledges nothing more."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def newsbrief_command(*args: str) -> list[str]:
    return [NEWSBRIEF, *args]


def newsbrief(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(newsbrief_command(*args), env=env, capture_output=True, text=True, timeout=timeout)


def left_in_broker(broker_url: str) -> dict[str, int]:
    """What is left in the broker: each queue's messages, and those taken and not acknowledged."""
    import redis

    client = redis.Redis.from_url(broker_url)
    return {"ingest": client.llen("ingest"), "story": client.llen("story"), "brief": client.llen("brief"),
            "unacked": client.hlen("unacked")}
