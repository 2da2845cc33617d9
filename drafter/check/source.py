"""Reading the files people give the checker, and writing corrected copies of them.

Every source becomes plain text with one paragraph per line: that is what the
rules see and what line:column refers to. A .docx paragraph is one line (table
cells included, in reading order); Markdown keeps its text with line-level
markup (# heading markers, > quotes, list bullets, whole-line emphasis)
stripped, and remembers how much was stripped so fixes land in the original.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from drafter.check.engine import apply_fixes
from drafter.check.model import Finding
from drafter.errors import UserError
from drafter.files.inputs import decode_text, read_bytes

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
SUPPORTED = "、".join((".docx", ".txt", ".md"))

_MD_PREFIX = re.compile(r"^(?:#{1,6}[ \t]+|(?:>[ \t]?)+|[-*+][ \t]+)")
_MD_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
# Whole-line wrappers, tried with pattern.match(line, start, end), which anchors at start.
_MD_WRAPPERS = (
    re.compile(r"(<p[^>]*>)(.*)(</p>)$", re.IGNORECASE),
    re.compile(r"(\*\*)((?:(?!\*\*).)+)(\*\*)$"),
    re.compile(r"(\*)([^*]+)(\*)$"),
    re.compile(r"(__)((?:(?!__).)+)(__)$"),
)
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Source:
    """A checked file: the extracted text plus what is needed to write a fixed copy."""

    label: str
    kind: str  # "docx" | "txt" | "md"
    text: str
    path: Path | None = None
    raw: str = ""  # txt/md: the decoded file with "\n" line ends
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    prefixes: list[int] = field(default_factory=list)  # md: characters stripped per line
    notes: list[str] = field(default_factory=list)


def read_source(path: str | Path) -> str:
    """The text of a .docx, .txt or .md file, one paragraph per line."""
    return load_source(path).text


def load_source(path: str | Path) -> Source:
    """Read a file (or "-" for standard input) for checking; UserError if it cannot be read."""
    if str(path) == "-":
        decoded = decode_text(sys.stdin.buffer.read(), "标准输入")
        raw = decoded.text.replace("\r\n", "\n")
        return Source("标准输入", "txt", raw, None, raw, decoded.encoding, decoded.bom,
                      notes=decoded.notes("标准输入"))
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise UserError(f"{path} 是旧版 Word 文档（.doc），无法直接检查。"
                        "请用 Word 或 WPS 另存为 .docx 后再试。")
    if suffix != ".docx" and suffix not in TEXT_SUFFIXES:
        raise UserError(f"无法检查 {path}：只支持 {SUPPORTED} 文件。"
                        "其他格式请先另存为 .docx 或纯文本（.txt）。")
    if suffix == ".docx":
        from drafter.files.docx_package import read_package

        data = read_package(path)
        return Source(str(path), "docx", "\n".join(_docx_lines(path, data)), path)
    decoded = decode_text(read_bytes(path), str(path))
    encoding, bom = decoded.encoding, decoded.bom
    newline = "\r\n" if "\r\n" in decoded.text else "\n"
    raw = decoded.text.replace("\r\n", "\n")
    notes = decoded.notes(str(path))
    if TEXT_SUFFIXES[suffix] == "txt":
        return Source(str(path), "txt", raw, path, raw, encoding, bom, newline, notes=notes)
    text, prefixes = _strip_markdown(raw)
    return Source(str(path), "md", text, path, raw, encoding, bom, newline, prefixes, notes)


def _strip_markdown(raw: str) -> tuple[str, list[int]]:
    lines, prefixes = [], []
    fenced = False
    for line in raw.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            lines.append("")
            prefixes.append(len(line))
            continue
        if fenced:
            lines.append("")
            prefixes.append(len(line))
            continue
        start, end = 0, len(line)
        prefix = _MD_PREFIX.match(line)
        if prefix:
            start = prefix.end()
            if prefix.group().startswith("#"):
                closing = _MD_CLOSING_HASHES.search(line, start)
                if closing:
                    end = closing.start()
        for wrapper in _MD_WRAPPERS:
            match = wrapper.match(line, start, end)
            if match:
                start, end = match.start(2), match.end(2)
                break
        lines.append(line[start:end])
        prefixes.append(start)
    return "\n".join(lines), prefixes


# ---------------------------------------------------------------- docx


def open_docx(path: Path, what: str = "文件"):
    """The .docx at `path` as a python-docx document, or a UserError naming the file.

    Every command that reads a user's Word document (check, its revisions and layout
    check, format) opens it here, so they all refuse a damaged file the same way, and
    a zip bomb or an encrypted package before reading any part (drafter.files.docx_package).
    """
    from drafter.files.docx_package import read_package

    return _open_docx(path, read_package(path, what))


def _open_docx(path: Path, data: bytes):
    from drafter.files.docx_package import open_docx

    return open_docx(data, str(path), f"无法读取 {path}：文件已损坏或不是 Word 文档（.docx）。"
                                      "请用 Word 或 WPS 打开后另存为 .docx 再试。")


def _docx_lines(path: Path, data: bytes) -> list[str]:
    from drafter.document.docx_text import paragraph_text, paragraphs

    document = _open_docx(path, data)
    return [paragraph_text(p) for p in paragraphs(document.element.body)]


# ---------------------------------------------------------------- fixing


@dataclass
class FixResult:
    data: bytes
    applied: list[Finding]
    skipped: list[tuple[Finding, str]]


def fix_source(source: Source, findings: list[Finding]) -> FixResult:
    """A corrected copy of the file with the high-confidence fixes applied."""
    fixable = [f for f in findings if f.fixable]
    if source.kind == "docx":
        return _fix_docx(source, fixable)
    if source.kind == "md":
        shifted = {id(f): f._replace(column=f.column + source.prefixes[f.line - 1])
                   for f in fixable}
        fixed_text = apply_fixes(source.raw, list(shifted.values()))
        applied = fixable
    else:
        fixed_text = apply_fixes(source.text, fixable)
        applied = fixable
    if source.newline != "\n":
        fixed_text = fixed_text.replace("\n", source.newline)
    data = fixed_text.encode(source.encoding)
    if source.bom and source.encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    return FixResult(data, _applied(applied), [])


def _applied(fixable: list[Finding]) -> list[Finding]:
    """The fixes apply_fixes really makes: it skips any that overlap an earlier one."""
    out, last = [], (0, 0)
    for f in sorted(fixable, key=lambda f: (f.line, f.column)):
        if (f.line, f.column) < last:
            continue
        out.append(f)
        last = (f.line, f.column + len(f.text))
    return out


def _fix_docx(source: Source, fixable: list[Finding]) -> FixResult:
    """Each fix as a tracked change with a comment, so the reader accepts or rejects it in Word."""
    from drafter.check.revisions import tracked_copy

    assert source.path is not None
    result = tracked_copy(open_docx(source.path), fixable, fixable)
    return FixResult(result.data, result.revised, result.skipped)
