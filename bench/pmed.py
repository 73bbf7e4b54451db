"""Read OR-Library p-median instances (pmed1..40) into dense cost matrices.

Format (see README.md of the data set): first line ``n_vertices n_edges p``, then one
``u v cost`` line per undirected edge, vertices numbered from 1.  A repeated edge takes its
LAST cost (file order), not its smallest; the cost matrix is the all-pairs shortest paths.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path


def read_pmed(path: str | Path) -> tuple[np.ndarray, int]:
    """Return (cost matrix n x n, p) for one pmedN.txt file."""
    tokens = Path(path).read_text().split()
    n, n_edges, p = int(tokens[0]), int(tokens[1]), int(tokens[2])
    edges = np.array(tokens[3 : 3 + 3 * n_edges], dtype=np.int64).reshape(-1, 3)
    u, v, c = edges[:, 0] - 1, edges[:, 1] - 1, edges[:, 2].astype(np.float64)
    # last cost wins: keep, for each unordered pair, the last line in file order
    a, b = np.minimum(u, v), np.maximum(u, v)
    key = a * n + b
    rev = key[::-1]
    _, idx_rev = np.unique(rev, return_index=True)
    last = len(key) - 1 - idx_rev
    a, b, c = a[last], b[last], c[last]
    off = a != b
    a, b, c = a[off], b[off], c[off]
    graph = csr_matrix((np.r_[c, c], (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    dist = shortest_path(graph, method="D", directed=False)
    return dist, p


def read_optima(directory: str | Path) -> dict[str, float]:
    """Map instance name -> optimal objective from pmed_opt.csv."""
    with open(Path(directory) / "pmed_opt.csv", newline="") as fh:
        return {row["instance"]: float(row["optimal"]) for row in csv.DictReader(fh)}
