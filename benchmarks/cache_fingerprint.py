"""What drafter's cache key costs: the stat walk over the installed package (issue 11.5).

    python benchmarks/cache_fingerprint.py

Every cache folder is keyed by drafter.files.cache.package_fingerprint(): path, size,
modification time and inode of every file of the installed package, walked once per
process. Measured here in-process against the alternative of hashing every file's
bytes, and against the time a warm `drafter render` takes as a whole (~230 ms).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from drafter.files import cache

try:
    from _sha256 import sha256
except ImportError:
    from hashlib import sha256


def content_digest(root: Path) -> str:
    """The alternative: read and hash every file (what a hand-kept list did for a few)."""
    digest = sha256()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            with open(os.path.join(folder, name), "rb") as stream:
                digest.update(stream.read())
    return digest.hexdigest()


def timed(call, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def main(repeat: int = 200) -> None:
    root = cache.PACKAGE_ROOT
    files = sum(len([f for f in names]) for folder, _, names in os.walk(root)
                if "__pycache__" not in folder)
    size = sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(root)
               if "__pycache__" not in folder for name in names)

    def walk():
        cache._package_fingerprint.cache_clear()
        cache.package_fingerprint()

    stat_walk = timed(walk, repeat)
    hashing = timed(lambda: content_digest(root), repeat // 4)
    memoised = timed(cache.package_fingerprint, repeat)
    print(f"package: {root} ({files} files, {size / 1024:.0f} kB), Python {sys.version.split()[0]}")
    print(f"{'':34} {'median ms':>10} {'min ms':>8}")
    for name, runs in (("stat walk (once per process)", stat_walk),
                       ("hash every file's bytes", hashing),
                       ("later calls in the same process", memoised)):
        print(f"{name:34} {statistics.median(runs):10.3f} {min(runs):8.3f}")


if __name__ == "__main__":
    main()
