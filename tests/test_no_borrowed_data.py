"""The datasets in ../shared/data were brought in from public repositories: the repository carries
no copy of any of their files (gzipped pages are compared unpacked too)."""

from __future__ import annotations

import gzip
import hashlib
import subprocess

from conftest import ROOT, needs_data
from eval_data import data_root


def digests_of_shared_data() -> set[str]:
    digests = set()
    for path in data_root().rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            digests.add(hashlib.sha256(content).hexdigest())
            if path.suffix == ".gz":
                digests.add(hashlib.sha256(gzip.decompress(content)).hexdigest())
    return digests


def tracked_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


@needs_data(data_root())
def test_no_file_in_the_repository_is_a_copy_of_the_shared_data():
    shared = digests_of_shared_data()
    copies = [str(p.relative_to(ROOT)) for p in tracked_files() if hashlib.sha256(p.read_bytes()).hexdigest() in shared]
    assert copies == []
