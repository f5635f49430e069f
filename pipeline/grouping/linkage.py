"""Average-link clustering cut at a distance: the flat clusters of scipy's
``fcluster(linkage(d, "average"), t, "distance")``, without importing scipy.cluster.

Importing scipy.cluster.hierarchy took 0.4 s of CPU in every ingest (it pulls in
scipy.spatial and scipy.special), more than the clustering itself, and an ingest runs it while
the extraction workers want both cores.

The algorithm is the nearest-neighbour chain scipy uses for average link, with the same
Lance-Williams update and the same choice among equal distances, so the merges are scipy's,
in scipy's order: where distances tie (two copies of a text), the order decides the clusters.
A flat cluster is, as in fcluster, a subtree whose merges are all within the cut. (Given the same
matrix: stories.py passes single precision, where a similarity at the very threshold may round
the other way; the clustering eval's figures did not move.)
"""

from __future__ import annotations

import numpy as np


def average_link_clusters(sims: np.ndarray, cut: float) -> list[int]:
    """Flat clusters of average link over the distances 1 - similarity (symmetrised, at least
    0), cut at ``cut``: one label per row, equal labels for one cluster. ``sims`` is used as
    the working matrix and overwritten."""
    n = len(sims)
    distances = _distances_in_place(sims)
    size = np.ones(n)
    peak = np.zeros(n)  # the highest merge inside each cluster so far
    members = {i: [i] for i in range(n)}  # a flat cluster's rows, under the index its cluster is kept at
    done = np.zeros(n, dtype=bool)
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.argmin(done)))  # the first cluster left
        while True:
            x = chain[-1]
            y = int(np.argmin(distances[x]))  # the first of equal minima, as scipy's loop finds it
            if len(chain) > 1 and distances[x, chain[-2]] <= distances[x, y]:
                y = chain[-2]  # ties go to the chain's previous link, so the chain cannot cycle
                break
            chain.append(y)
        chain[-2:] = []
        x, y = min(x, y), max(x, y)  # the merged cluster is kept at the larger index, as in scipy
        peak[y] = max(distances[x, y], peak[x], peak[y])
        if peak[y] <= cut:
            members[y] += members.pop(x)
        _merge(distances, size, done, x, y)
    label = [0] * n
    for kept, rows in members.items():
        for row in rows:
            label[row] = kept
    return label


def _distances_in_place(sims: np.ndarray) -> np.ndarray:
    """1 - similarity, symmetrised and at least 0, with an infinite diagonal (no row is its own
    neighbour); computed a row at a time in ``sims`` itself, with the arithmetic of doing it
    whole: row i reads only its upper row and its lower column, which no earlier row wrote."""
    n = len(sims)
    for i in range(n - 1):
        row = np.subtract(1.0, sims[i, i + 1 :])
        row += 1.0 - sims[i + 1 :, i]
        row /= 2
        np.clip(row, 0.0, None, out=row)
        sims[i, i + 1 :] = row
        sims[i + 1 :, i] = row
    np.fill_diagonal(sims, np.inf)
    return sims


def _merge(distances: np.ndarray, size: np.ndarray, done: np.ndarray, x: int, y: int) -> None:
    """Cluster x merged into y: y's distances are the size-weighted mean of the two's."""
    merged = (size[x] * distances[x] + size[y] * distances[y]) / (size[x] + size[y])
    merged[y] = np.inf  # merged clusters' distances were infinite and stay so
    distances[y] = merged
    distances[:, y] = merged
    size[y] += size[x]
    done[x] = True
    distances[x] = np.inf
    distances[:, x] = np.inf
