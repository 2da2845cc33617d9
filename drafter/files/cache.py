"""drafter's per-user cache: derived data that is the same from run to run.

The one entry point for every cache in drafter (parsed YAML, the rule set, the docx base,
the clean-check marker, Jinja's compiled outlines). A cache is input from disk like any
other, so nothing in it is trusted blindly:

- the root folder is used only when it is ours and private: a real folder (no symlink),
  owned by this user, not writable by group or others (jinja2.bccache's rule for its own
  folder). Otherwise drafter runs without a cache;
- every entry carries a digest of its name and payload, checked on load: a damaged entry
  is a miss and is rebuilt, never a wrong draft;
- every folder is keyed by a fingerprint of the whole installed drafter package (a stat
  walk, once per process), so stale code never reuses data made by other code;
- every failure (full disk, read-only volume, refused folder) only costs speed.

Folders of other fingerprints are left alone while in use (two installs may share one
cache) and removed once unused for STALE_SECONDS.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
import sys
import time
from functools import lru_cache
from pathlib import Path

from drafter import __version__
from drafter.files.userdirs import user_dir

try:  # the built-in module: importing hashlib first loads OpenSSL, which costs milliseconds
    from _sha256 import sha256
except ImportError:  # renamed in Python 3.12
    from hashlib import sha256

ENV_VAR = "DRAFTER_CACHE_DIR"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STALE_SECONDS = 30 * 24 * 3600  # a kind folder unused this long belongs to an old install
TOUCH_SECONDS = 24 * 3600  # how often a folder in use records that it is in use
ENTRY_MAGIC = b"drafter-cache-1\n"
_DIGEST_SIZE = 32
_SKIPPED_DIRS = frozenset({"__pycache__"})


def user_cache_root() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    folder = user_dir("cache") / "drafter"
    return folder / "Cache" if sys.platform == "win32" else folder


# ---------------------------------------------------------------- whose folder


def _user_id() -> int | None:
    """This process's user, or None where the platform has no owners to compare (Windows)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def _private_info(path: Path) -> os.stat_result | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    owner = _user_id()
    private = (stat.S_ISDIR(info.st_mode)
               and (owner is None or info.st_uid == owner)
               and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    return info if private else None


def is_private(path: Path) -> bool:
    """A real folder (not a symlink) owned by us and not writable by group or others."""
    return _private_info(path) is not None


def private_root() -> Path | None:
    """The cache root, created private if missing; None if it is not ours alone.

    An existing folder is never chmod-ed: a folder another user can write may already
    hold planted entries, so it is refused rather than repaired.
    """
    root = user_cache_root()
    try:
        root.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    return root if is_private(root) else None


# ---------------------------------------------------------------- whose code


@lru_cache(maxsize=8)
def _package_fingerprint(root: Path) -> str:
    digest = sha256(f"{__version__}|{sys.version}".encode())
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            relative = os.path.relpath(path, root)
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n"
                          .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


def package_fingerprint() -> str:
    """Changes whenever any file of the installed drafter package changes (its path, size,
    modification time or inode), or drafter's version or Python's. One stat walk per
    process: no hand-kept list of the files a cache depends on."""
    return _package_fingerprint(PACKAGE_ROOT)


# ---------------------------------------------------------------- folders


def cache_dir(kind: str, *versions: str) -> Path | None:
    """The folder for one kind of cached data, or None when there is no usable cache.

    `versions` are the versions of outside libraries whose output is cached (Jinja for
    compiled outlines); drafter's own code is always part of the key.
    """
    root = private_root()
    if root is None:
        return None
    key = "|".join((package_fingerprint(), *versions))
    folder = root / f"{kind}-{sha256(key.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(mode=0o700)
        created = True
    except FileExistsError:
        created = False
    except OSError:
        return None
    info = _private_info(folder)
    if info is None:
        return None
    now = time.time()
    idle = now - info.st_mtime
    if created or idle > TOUCH_SECONDS:
        if not created:
            try:
                os.utime(folder)  # reading alone does not change a folder's time
            except OSError:
                pass
        _remove_unused(root, kind, folder, now)
    return folder


def _remove_unused(root: Path, kind: str, current: Path, now: float) -> None:
    """Remove this kind's folders of other fingerprints that nobody used for STALE_SECONDS.

    A folder in use by another install sharing the cache is touched at least daily, so it
    is never removed; one left behind by an upgrade goes after a month.
    """
    import shutil

    pattern = re.compile(re.escape(kind) + r"-[0-9a-f]{16}")
    try:
        siblings = [p for p in root.iterdir() if p != current and pattern.fullmatch(p.name)]
    except OSError:
        return
    for sibling in siblings:
        try:
            unused_for = now - sibling.lstat().st_mtime
        except OSError:
            continue
        if unused_for > STALE_SECONDS and is_private(sibling):
            shutil.rmtree(sibling, ignore_errors=True)


# ---------------------------------------------------------------- entries


def _digest(path: Path, payload: bytes) -> bytes:
    digest = sha256(path.name.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(payload)
    return digest.digest()


def read_entry(path: Path | None) -> bytes | None:
    """The payload stored at `path`, or None if it is missing, damaged or not ours."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(ENTRY_MAGIC) + _DIGEST_SIZE
    if not data.startswith(ENTRY_MAGIC) or len(data) < head:
        return None
    payload = data[head:]
    return payload if data[len(ENTRY_MAGIC):head] == _digest(path, payload) else None


def write_entry(path: Path | None, payload: bytes) -> None:
    """Store a payload with its digest, whole or not at all; failing only costs speed."""
    if path is not None:
        write_atomically(path, ENTRY_MAGIC + _digest(path, payload) + payload)


def cached_file(kind: str, key: bytes) -> Path | None:
    """Where the cached value of `kind` for `key` is kept; None when there is no cache.

    The folder is keyed by the whole installed package, so no caller lists the
    source files its value depends on."""
    folder = cache_dir(kind)
    return None if folder is None else folder / f"{sha256(key).hexdigest()[:32]}.marshal"


def read_cached(path: Path | None) -> object:
    """The plain value stored at `path` (marshal), or None if it is missing or damaged."""
    payload = read_entry(path)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write_cached(path: Path | None, value: object) -> None:
    """Store a plain value (marshal: the interpreter's version is in every fingerprint)."""
    if path is not None:
        write_entry(path, marshal.dumps(value))


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


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (read only up to drafter's size cap), or None if there
    is no such file."""
    from drafter.errors import UserError
    from drafter.files.inputs import MAX_TEXT_FILE, read_bytes

    if not path.is_file():
        return None
    try:
        return sha256(read_bytes(path, limit=MAX_TEXT_FILE)).hexdigest()
    except UserError:
        return "unreadable"


def record_files(entry: Path | None, paths) -> None:
    """Remember the digest of each of `paths` (None for one that does not exist) in `entry`:
    whatever was concluded from exactly those files holds while files_unchanged(entry)."""
    write_cached(entry, [(str(path), file_digest(Path(path))) for path in sorted(set(paths))])


def files_unchanged(entry: Path | None) -> bool:
    """Whether every file recorded in `entry` is still exactly as it was (and still absent
    where it was absent)."""
    recorded = read_cached(entry)
    if not isinstance(recorded, list) or not recorded:
        return False
    try:
        return all(file_digest(Path(path)) == digest for path, digest in recorded)
    except (TypeError, ValueError):
        return False


def bytecode_cache():
    """Jinja's bytecode cache over the same vetted folders and self-verifying entries.

    jinja2.FileSystemBytecodeCache trusts whatever its folder holds and lets OSError
    from a full disk escape into the render; this one does neither.
    """
    import jinja2

    folder = cache_dir("jinja", jinja2.__version__)
    return None if folder is None else _verified_bytecode_cache_class()(folder)


@lru_cache(maxsize=1)
def _verified_bytecode_cache_class():
    import jinja2

    class VerifiedBytecodeCache(jinja2.BytecodeCache):
        def __init__(self, folder: Path):
            self.folder = folder

        def _path(self, bucket) -> Path:
            return self.folder / f"{bucket.key}.jinja"

        def load_bytecode(self, bucket) -> None:
            payload = read_entry(self._path(bucket))
            if payload is not None:
                bucket.bytecode_from_string(payload)  # a stale checksum resets the bucket

        def dump_bytecode(self, bucket) -> None:
            write_entry(self._path(bucket), bucket.bytecode_to_string())

    return VerifiedBytecodeCache
