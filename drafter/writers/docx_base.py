"""The styled, empty base package: built once, then remembered in memory and on disk.

Building it takes python-docx and lxml (about 50 ms to import) and about 50 ms
of work, more than everything else a draft costs; it depends only on the style
profile, the reference docx and drafter's own writer code. So a batch builds it
once, and a later run reads it from the user cache and never imports
python-docx at all. A missing, unreadable or corrupt cache only means building
it again.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from drafter.errors import UserError
from drafter.writers.styles import StyleProfile


class Base(NamedTuple):
    """An empty, fully styled package cut where each draft's content goes.

    Stored in the cache as a plain tuple of its fields.
    """

    shared: bytes  # the zipped package without the two parts below, which each draft writes
    document_part: str  # word/document.xml
    document_head: str  # its text up to where the paragraphs go
    document_tail: str  # the final w:sectPr and the closing tags
    core_part: str  # docProps/core.xml
    paragraph_open: str  # "<w:p>", or one that declares the w prefix
    style_ids: tuple[tuple[str, str], ...]  # role -> w:styleId in the package
    east_asian_fonts: tuple[tuple[str, str], ...]  # paragraph role -> the East Asian font shown
    default_paragraph_id: str  # paragraphs in the default style need no w:pStyle
    missing: tuple[tuple[str, str], ...]  # role -> note, for styles the reference lacked
    notes: tuple[str, ...]  # notes that hold whatever the document contains


def base_package(profile: StyleProfile, reference_docx: Path | str | None) -> Base:
    """The base for this profile and reference; an edited reference file is read again."""
    return _remembered(profile, _reference_key(reference_docx))


def _reference_key(path: Path | str | None) -> tuple[str, int, int] | None:
    """Identify a reference file by path and version, so an edited file is re-read."""
    if path is None:
        return None
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise UserError(f"找不到参考文档：{path}。请检查路径是否正确。") from None
    except OSError as exc:
        raise UserError(f"无法读取参考文档 {path}：{exc.strerror or exc}。") from None
    if not path.is_file():
        raise UserError(f"参考文档应当是 .docx 文件，但 {path} 是一个文件夹。")
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _remembered(profile: StyleProfile, reference: tuple[str, int, int] | None) -> Base:
    from drafter.files.cache import cached_file, read_cached, write_cached

    source = None
    key = repr(profile).encode()
    if reference is not None:
        from drafter.files.docx_package import read_package

        path = Path(reference[0])
        data = read_package(path, "参考文档")  # refuses zip bombs and encrypted packages
        source = (path, data)
        key += b"\0" + str(path).encode() + b"\0" + data
    cached = cached_file("docx", key)  # the folder is keyed by the whole package
    values = read_cached(cached)
    if isinstance(values, tuple) and len(values) == len(Base._fields):
        return Base(*values)
    from drafter.writers.docx_build import build_base

    base = Base(**build_base(profile, source))
    write_cached(cached, tuple(base))
    return base
