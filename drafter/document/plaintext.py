"""Plain text and Markdown a person already wrote → outline markup → Document.

This is what `drafter format` lays out. Offices type their structure by hand
(一、… （一）… 1. … （1）…), so those lines become headings at the right level
with the typed number removed: the writer renumbers, which also repairs a
sequence like 一、二、四、. The first short line becomes the title, a paragraph
starting with 总之 opens the closing, and a trailing date line (with the
signature line just above it) becomes the 落款. The light markup of
drafter.document.model (#, ##, @署名 …) is accepted as is, and so is the Markdown our
own writer produces.

Paragraphs: a blank line, an indented line (full-width or two spaces) or a
line after one that ends a sentence starts a new paragraph; other lines are
hard wraps and are joined. Text pasted one paragraph per line therefore keeps
its paragraphs, and wrapped text is re-flowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from drafter.document.dates import date_line
from drafter.document.model import Document, parse_outline
from drafter.document.numbering import heading_level
from drafter.errors import UserError
from drafter.files.inputs import decode_text, read_bytes

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RIGHT_ALIGNED = re.compile(r'^<p\s+align="?right"?\s*>(.*)</p>$', re.IGNORECASE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LIST_MARK = re.compile(r"^(?:[-*+]|>)\s+")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_INDENT = ("\u3000", "  ", "\t")
_SENTENCE_END = "。！？；：…!?;:"
_CLOSERS = "”’」』）》】)\"'"
_SENTENCE_BREAK = re.compile(r"[。！？!?]")
CLOSING_WORDS = ("总之", "综上所述", "总而言之")
ORGANISATION_ENDINGS = ("协会", "委员会", "科协", "总工会", "工会", "团委", "妇联", "残联", "侨联",
                         "政府", "办公室", "局", "党委", "党组", "委", "部", "中心", "学会")

MAX_HEADING = 60  # characters a heading line may have after its number
MAX_TITLE = 60
MAX_SIGNATURE = 30


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def split_heading(text: str) -> tuple[str, str] | None:
    """A numbered line as (heading, run-in body); None if it reads as an ordinary paragraph.

    公文 often runs the body on after a level-2 or level-3 heading: “（一）强化引领。县科协……”.
    """
    if len(text) <= MAX_HEADING and not _SENTENCE_BREAK.search(text.rstrip(_CLOSERS)[:-1]):
        return text, ""
    match = _SENTENCE_BREAK.search(text)
    if match and match.end() <= MAX_HEADING:
        end = match.end()
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        return text[:end], text[end:].strip()
    return None


def _clean_markdown(line: str) -> str:
    """Inline Markdown that has no place in a 公文: emphasis, links, list marks, line breaks."""
    line = _LINK.sub(r"\1", line)
    line = re.sub(r"<br\s*/?>", "", line, flags=re.IGNORECASE)
    for mark in ("**", "__"):
        line = line.replace(mark, "")
    return _LIST_MARK.sub("", line)


def is_title(line: str) -> bool:
    return (len(line) <= MAX_TITLE and not ends_sentence(line)
            and not line.endswith(("，", ",")) and not line.startswith(("#", "@")))


def is_signature(line: str) -> bool:
    return len(line) <= MAX_SIGNATURE and not re.search(r"[。，；：！？,;:!?]", line)


def escape_mark(text: str) -> str:
    """The character that keeps a line starting with # or @ from being read as markup.

    A Unicode noncharacter (U+FDD0…) that the text does not contain, so that removing
    it afterwards removes nothing the user typed (a U+200B they typed stays).
    """
    return next((chr(c) for c in range(0xFDD0, 0xFDF0) if chr(c) not in text), "\ufdef")


def _escape(text: str, mark: str) -> str:
    """Keep text that happens to start with # or @ from being read as markup."""
    return mark + text if text[:1] in ("#", "@") else text


def to_markup(text: str, markdown: bool = False) -> str:
    """Plain text (or Markdown) as drafter outline markup; lines of text that start with
    # or @ are prefixed with escape_mark(text)."""
    mark = escape_mark(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    kinds: list[str] = []  # parallel to out: what each emitted line is
    indents: list[int] = []  # parallel to out: leading spaces of the source line
    indent = 0
    prev_raw = ""  # previous source line, as typed ('' after a blank line)
    in_fence = False
    seen_content = False
    closing = False

    def emit(line: str, kind: str) -> None:
        if kind in ("para-start", "heading", "title", "directive", "subtitle") and out and out[-1]:
            out.append("")
            kinds.append("blank")
            indents.append(0)
        out.append(line)
        kinds.append(kind)
        indents.append(indent)

    for raw in lines:
        raw = raw.rstrip()
        if markdown and raw.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            prev_raw = ""
            continue
        indented = raw.startswith(_INDENT)
        indent = len(raw) - len(raw.lstrip(" \u3000\t"))
        line = raw.strip().strip("\u3000").strip()
        if not line or (markdown and not in_fence and _RULE.match(line)):
            if out and out[-1]:
                out.append("")
                kinds.append("blank")
                indents.append(0)
            prev_raw = ""
            continue
        md = None if in_fence else _MD_HEADING.match(line)
        if md:  # a Markdown heading is also drafter markup; either may carry typed numbers
            hashes, body = md.groups()
            body = _clean_markdown(body).strip() if markdown else body
            if len(hashes) == 1:
                emit(f"# {body}", "title")
            else:
                level = min(len(hashes) - 1, 4)
                emit(f"{'#' * (level + 1)} {heading_level(body)[1]}", "heading")
            prev_raw = raw
            seen_content = True
            continue
        if markdown and not in_fence:
            right = _RIGHT_ALIGNED.match(line)
            if right:
                body = _clean_markdown(right.group(1)).strip()
                directive = "@日期" if date_line(body) else "@署名"
                emit(f"{directive} {body}", "directive")
                prev_raw = raw
                seen_content = True
                continue
            if (kinds and kinds[-1] in ("title", "blank") and "title" in kinds[-2:]
                    and len(line) > 2 and line[0] == line[-1] == "*"):
                emit(f"@副标题 {line.strip('*').strip()}", "subtitle")
                prev_raw = raw
                continue
            line = _clean_markdown(line).strip()
            if not line:
                continue
        if line.startswith(("#", "@")):
            emit(line, "directive" if line.startswith("@") else "heading")
            if line.startswith("@结尾"):
                closing = True
            prev_raw = raw
            seen_content = True
            continue

        level, body = heading_level(line)
        split = split_heading(body) if level else None
        if split:
            heading, rest = split
            emit(f"{'#' * (level + 1)} {heading}", "heading")
            if rest:
                emit(_escape(rest, mark), "para-start")
            prev_raw = raw
            seen_content = True
            continue
        if not seen_content and is_title(line):
            emit(f"# {line}", "title")
            prev_raw = raw
            seen_content = True
            continue
        if (kinds and "title" in kinds[-2:] and len(line) <= MAX_TITLE
                and (line.startswith(("——", "—", "--")) or (line[0] in "（(" and line[-1] in "）)"))):
            emit(f"@副标题 {line}", "subtitle")
            prev_raw = raw
            continue
        if not closing and line.startswith(CLOSING_WORDS):
            emit("@结尾", "directive")
            closing = True
            emit(_escape(line, mark), "para-start")
            prev_raw = raw
            seen_content = True
            continue
        starts = (not prev_raw or indented or ends_sentence(prev_raw.strip())
                  or (kinds and kinds[-1] not in ("para-start", "para")) or bool(date_line(line)))
        emit(_escape(line, mark), "para-start" if starts else "para")
        prev_raw = raw
        seen_content = True

    _mark_signature(out, kinds, indents, mark)
    return "\n".join(out).strip("\n") + "\n"


def _mark_signature(out: list[str], kinds: list[str], indents: list[int], mark: str
                    ) -> None:
    """The 落款: a date as the last line, and a short line just above it; or, without a
    date, a last short line that names an organisation or is set apart from the body
    (pushed right with spaces, or flush left where paragraphs are indented)."""
    filled = [i for i, line in enumerate(out) if line]
    if len(filled) < 2 or kinds[filled[-1]] != "para-start":
        return
    last = filled[-1]
    if date_line(out[last].lstrip(mark)):
        out[last] = f"@日期 {out[last]}"
        kinds[last] = "directive"
        candidate = filled[-2]
    else:
        candidate = last
    text = out[candidate].lstrip(mark)
    if kinds[candidate] != "para-start" or not is_signature(text) or candidate == filled[0]:
        return
    before = [i for i in filled if i < candidate]
    if candidate == last:
        starts = [i for i in before if kinds[i] == "para-start"]
        body_indented = bool(starts) and sum(indents[i] > 0 for i in starts) * 2 > len(starts)
        set_apart = indents[candidate] >= 6 or (body_indented and indents[candidate] == 0)
        if not (set_apart or text.endswith(ORGANISATION_ENDINGS)):
            return
        if not ends_sentence(out[before[-1]]):
            return
    out[candidate] = f"@署名 {text}"
    kinds[candidate] = "directive"


def parse_plaintext(text: str, markdown: bool = False, author: str = "") -> Document:
    """A Document from text the user wrote."""
    document = parse_outline(to_markup(text, markdown), author=author)
    return _strip_escapes(document, escape_mark(text))


def _strip_escapes(document: Document, mark: str) -> Document:
    from drafter.document.model import split_spans

    blocks = tuple(
        b._replace(spans=split_spans(b.text.replace(mark, ""))) if mark in b.text else b
        for b in document.blocks
    )
    return Document(blocks, author=document.author)


def read_source(path: Path | str) -> tuple[Document, list[str]]:
    """Read a .txt or .md file (or '-' for standard input) into a Document, with notes."""
    import sys

    if str(path) == "-":
        data = sys.stdin.buffer.read()
        name, markdown = "标准输入", False
    else:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".txt", ".md", ".markdown", ".text", ""):
            raise UserError(f"无法识别 {path} 的格式。drafter format 接受 .docx、.txt 或 .md 文件。")
        data = read_bytes(path, "原稿文件")
        name, markdown = str(path), suffix in (".md", ".markdown")
    decoded = decode_text(data, name)
    document = parse_plaintext(decoded.text, markdown=markdown)
    if not document.blocks:
        raise UserError(f"{name} 中没有文字，未生成文稿。")
    return document, decoded.notes(name)
