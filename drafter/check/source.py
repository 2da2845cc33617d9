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
from dataclasses import dataclass, field, replace
from pathlib import Path

from drafter.check.engine import apply_fixes
from drafter.check.model import Finding
from drafter.errors import UserError
from drafter.inputs import read_bytes

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
        data = sys.stdin.buffer.read()
        raw, encoding, bom = _decode(data, "标准输入")
        raw = raw.replace("\r\n", "\n")
        return Source("标准输入", "txt", raw, None, raw, encoding, bom)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise UserError(f"{path} 是旧版 Word 文档（.doc），无法直接检查。"
                        "请用 Word 或 WPS 另存为 .docx 后再试。")
    if suffix != ".docx" and suffix not in TEXT_SUFFIXES:
        raise UserError(f"无法检查 {path}：只支持 {SUPPORTED} 文件。"
                        "其他格式请先另存为 .docx 或纯文本（.txt）。")
    if suffix == ".docx":
        from drafter.docx_package import read_package

        data = read_package(path)
        return Source(str(path), "docx", "\n".join(_docx_lines(path, data)), path)
    data = read_bytes(path)
    raw, encoding, bom = _decode(data, str(path))
    newline = "\r\n" if "\r\n" in raw else "\n"
    raw = raw.replace("\r\n", "\n")
    notes = [f"{path} 按 GBK（GB18030）编码读取。"] if encoding == "gb18030" else []
    if TEXT_SUFFIXES[suffix] == "txt":
        return Source(str(path), "txt", raw, path, raw, encoding, bom, newline, notes=notes)
    text, prefixes = _strip_markdown(raw)
    return Source(str(path), "md", text, path, raw, encoding, bom, newline, prefixes, notes)


def _decode(data: bytes, name: str) -> tuple[str, str, bool]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK as Notepad's “ANSI” saves it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            raise UserError(f"{name} 以 UTF-16 标记开头，但内容无法按 UTF-16 读取，文件可能已损坏。"
                            "请在编辑器中另存为 UTF-8 后再试。") from None
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig"), "utf-8", bom
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        return data.decode("gb18030"), "gb18030", False
    except UnicodeDecodeError:
        line = data[: first_error.start].count(b"\n") + 1
        raise UserError(f"{name} 既不是 UTF-8 也不是 GBK 编码（第 {line} 行附近有无法识别的字节）。"
                        "请在编辑器中另存为 UTF-8 后再试。") from None


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


def _open_docx(path: Path, data: bytes):
    from drafter.docx_package import open_docx

    return open_docx(data, str(path), f"无法读取 {path}：文件已损坏或不是 Word 文档（.docx）。"
                                      "请用 Word 或 WPS 打开后另存为 .docx 再试。")


def _paragraphs(document) -> list:
    """Every paragraph of the body in reading order, table cells included."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    body = document.element.body
    return [Paragraph(p, document._body) for p in body.iter(qn("w:p"))]


def _segments(paragraph) -> list[tuple[object, str]]:
    """(run, text) for the runs of a paragraph, hyperlinks' runs included, in order."""
    from docx.text.hyperlink import Hyperlink

    out = []
    for item in paragraph.iter_inner_content():
        runs = item.runs if isinstance(item, Hyperlink) else [item]
        for run in runs:
            out.append((run, run.text.replace("\n", "")))
    return out


def _docx_lines(path: Path, data: bytes) -> list[str]:
    document = _open_docx(path, data)
    return ["".join(text for _, text in _segments(p)) for p in _paragraphs(document)]


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
        shifted = {id(f): replace(f, column=f.column + source.prefixes[f.line - 1])
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
    """Change text inside single runs only, so every run keeps its formatting."""
    import io

    from docx.oxml.ns import qn

    assert source.path is not None
    document = _open_docx(source.path, read_bytes(source.path))
    paragraphs = _paragraphs(document)
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    by_line: dict[int, list[Finding]] = {}
    for f in fixable:
        by_line.setdefault(f.line, []).append(f)
    for line, items in by_line.items():
        segments = _segments(paragraphs[line - 1])
        bounds, offset = [], 0
        for run, text in segments:
            bounds.append((offset, offset + len(text), run))
            offset += len(text)
        limit = offset + 1
        for f in sorted(items, key=lambda f: f.column, reverse=True):
            start = f.column - 1
            end = start + len(f.text)
            if end > limit:
                skipped.append((f, "与前一处修正重叠"))
                continue
            holder = next(((s, r) for s, e, r in bounds if s <= start and end <= e), None)
            if holder is None:
                skipped.append((f, "这处文字跨越了格式不同的几段文字，请在 Word 中手工修改"))
                continue
            run_start, run = holder
            children = [c for c in run._r if c.tag != qn("w:rPr")]
            if len(children) != 1 or children[0].tag != qn("w:t"):
                skipped.append((f, "这处文字所在的格式较复杂，请在 Word 中手工修改"))
                continue
            t = children[0]
            old = t.text or ""
            if old[start - run_start:end - run_start] != f.text:
                skipped.append((f, "文档内容与检查时不一致"))
                continue
            t.text = old[:start - run_start] + f.fix + old[end - run_start:]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            applied.append(f)
            limit = start
    stream = io.BytesIO()
    document.save(stream)
    return FixResult(stream.getvalue(), applied, skipped)
