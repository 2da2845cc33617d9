"""A per-user cache folder for work that is the same from run to run (compiled outlines).

Only drafter's own derived data lives here; losing it costs time, never content. Any
failure to create or write it simply means running without a cache.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

from drafter import __version__
from drafter.userdirs import user_dir

try:  # the built-in module: importing hashlib first loads OpenSSL, which costs milliseconds
    from _sha256 import sha256
except ImportError:  # renamed in Python 3.12
    from hashlib import sha256

ENV_VAR = "DRAFTER_CACHE_DIR"


def user_cache_root() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    folder = user_dir("cache") / "drafter"
    return folder / "Cache" if sys.platform == "win32" else folder


def code_fingerprint(*modules: str, jinja: bool = True) -> str:
    """Changes whenever drafter, Jinja (unless jinja=False) or the named source files change:
    stale code is never reused, which matters for compiled templates whose guards come from
    our code generator."""
    versions = f"{__version__}|{sys.version}"
    if jinja:
        import jinja2

        versions += f"|{jinja2.__version__}"
    digest = sha256(versions.encode())
    here = Path(__file__).parent
    for module in modules:
        try:
            digest.update((here / module).read_bytes())
        except OSError:
            digest.update(module.encode())
    return digest.hexdigest()[:16]


def cache_dir(kind: str, fingerprint: str) -> Path | None:
    """The folder for one kind of cached data, or None when it cannot be used.

    A new fingerprint means drafter or the files it depends on changed, so the
    folders of this kind made under earlier fingerprints will never be read again:
    they are removed, and the cache does not grow with every upgrade.
    """
    root = user_cache_root()
    folder = root / f"{kind}-{fingerprint}"
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        if not folder.is_dir():
            return None
    except OSError:
        return None
    else:
        _remove_stale(root, kind, folder)
    return folder if os.access(folder, os.W_OK) else None


def _remove_stale(root: Path, kind: str, current: Path) -> None:
    import re
    import shutil

    stale = re.compile(re.escape(kind) + r"-[0-9a-f]{16}")
    try:
        siblings = [p for p in root.iterdir() if p != current and stale.fullmatch(p.name)]
    except OSError:
        return
    for sibling in siblings:
        if sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)


def cached_file(kind: str, key: bytes, *sources: str) -> Path | None:
    """Where the cached value of `kind` for `key` is kept, valid while drafter's named
    source files are unchanged; None when there is no usable cache folder."""
    folder = cache_dir(kind, code_fingerprint(*sources, jinja=False))
    return None if folder is None else folder / f"{sha256(key).hexdigest()[:32]}.marshal"


def read_cached(path: Path | None) -> object:
    """The plain value stored at `path` (marshal), or None if it is missing or damaged."""
    if path is None:
        return None
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_cached(path: Path | None, value: object) -> None:
    """Store a plain value (marshal: the interpreter's version is in every fingerprint)."""
    if path is not None:
        write_atomically(path, marshal.dumps(value))


def write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all, so a parallel run never reads half of it;
    failing only costs speed next time."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
