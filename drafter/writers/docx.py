"""The .docx writer: a Document laid out by a StyleProfile, or by a team's reference docx.

Every paragraph carries a named style and no direct formatting, so the user
restyles the whole draft in one place. Styles are Word's built-in ones wherever
one fits: Normal (正文) for body text, Title (标题), Subtitle (副标题),
Heading 1–4 (标题 1–4), Signature (签名), Date (日期), Footer (页脚). Why:

- Word and WPS recognise built-ins by name: they show them localised in a
  Chinese UI, and Heading n drives the navigation pane, outline view, tables of
  contents and cross-references in both. w:outlineLvl is written explicitly as
  well, for readers that look only at the style's properties.
- Body text in Normal is what Chinese offices restyle (修改“正文”样式) and what
  every paragraph typed afterwards in Word gets.
- A team's reference docx, and any pandoc reference doc, already has these
  names, so its house style maps one to one.

Only three styles are custom: 页码（单页）/页码（双页） (odd and even page numbers
differ in alignment) and the character style 待补充 for missing facts, whose
yellow highlight is the one direct format (highlight is not a style property in
Word's style dialog, so it goes on the run).

The styled, empty base package (page, grid, styles, fonts, footers) is built
once per profile/reference with python-docx and cached (drafter.writers.docx_base);
each draft adds only its paragraphs and core properties, written as text
(drafter.writers.wordxml), so a draft costs a few milliseconds and a warm run
never imports python-docx.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO, NamedTuple

from drafter.document.model import Document, Kind
from drafter.writers import wordxml
from drafter.writers.docx_base import Base, base_package
from drafter.writers.styles import StyleProfile

ROLE_OF_KIND = {
    Kind.TITLE: "title",
    Kind.SUBTITLE: "subtitle",
    Kind.PARAGRAPH: "body",
    Kind.SIGNATURE: "signature",
    Kind.DATE: "date",
}
PROPERTY_KEYS = {"title", "author", "subject", "keywords", "created"}
CORE_TEXT_LIMIT = 255  # OPC core properties hold at most 255 characters per field


def write_docx(document: Document, stream: BinaryIO, profile: StyleProfile,
               reference_docx: Path | None = None, properties: dict | None = None) -> list[str]:
    """Write `document` as .docx to `stream`; return notes (Chinese) worth telling the user.

    With `reference_docx`, page setup, styles, fonts, headers and footers come from
    that file (pandoc's reference-doc idea) and the profile fills only what it lacks.
    """
    base = base_package(profile, reference_docx)
    paragraphs, removed = _paragraphs(document, profile, base)
    body = "".join(
        wordxml.table_xml(item.rows, item.style_id, profile.text_width_twips, base.paragraph_open,
                          item.east_asian_font)
        if isinstance(item, _Table) else wordxml.paragraphs_xml([item], base.paragraph_open)
        for item in paragraphs)
    own = [
        (base.document_part, (base.document_head + body + base.document_tail).encode("utf-8")),
        (base.core_part, _core_properties(document, profile, properties or {}).encode("utf-8")),
    ]
    stream.write(wordxml.complete_package(base.shared, own))

    used = _roles_used(document)
    notes = list(base.notes) + [note for role, note in base.missing if role in used]
    if removed:
        notes.append(f"已删除 {removed} 个无法写入 Word 文件的控制字符。")
    return notes


def write(document: Document, options) -> tuple[bytes, list[str]]:
    """The registry's entry point (drafter.writers): the profile named by the options."""
    import io

    from drafter.writers.styles import load_profile

    stream = io.BytesIO()
    notes = write_docx(document, stream, load_profile(options.style),
                       reference_docx=options.reference_docx, properties=options.properties)
    return stream.getvalue(), list(notes or [])


# ------------------------------------------------------------------ content


class _Table(NamedTuple):
    rows: tuple[tuple[str, ...], ...]
    style_id: str | None
    east_asian_font: str


def _paragraphs(document: Document, profile: StyleProfile, base: Base
                ) -> tuple[list[wordxml.Paragraph | _Table], int]:
    """(style id, runs, keep with next, East Asian font) per output paragraph (or a table),
    and how many illegal characters were dropped.

    Headings get their number (一、 （一） 1. （1）) as the first run; the title group
    and the signature are set off by the profile's blank lines. The closing block
    (the last body paragraph, the blank lines, the signature and the date) is kept
    on one page: a date or signature alone on the last page is the slip to avoid.
    Each paragraph carries the East Asian font of its style, for the characters
    LibreOffice would otherwise set in the Latin font (wordxml.libreoffice_latin_spans).
    """
    style_ids = dict(base.style_ids)
    fonts = dict(base.east_asian_fonts)

    def paragraph_style(role: str) -> str | None:
        style_id = style_ids[role]
        return None if style_id == base.default_paragraph_id else style_id

    blocks = document.numbered()
    title_end = 0
    while title_end < len(blocks) and blocks[title_end][0].kind in (Kind.TITLE, Kind.SUBTITLE):
        title_end += 1
    closing = len(blocks)
    while closing > 0 and blocks[closing - 1][0].kind in (Kind.SIGNATURE, Kind.DATE):
        closing -= 1
    blank = (paragraph_style("body"), [], False, "")
    placeholder_id = style_ids["placeholder"]
    highlight = profile.style("placeholder").highlight or None
    paragraphs: list[wordxml.Paragraph | _Table] = []
    removed = 0
    for index, (block, number) in enumerate(blocks):
        if block.kind is Kind.TABLE:
            rows = []
            for row in block.rows:
                cells = []
                for cell in row:
                    text, dropped = wordxml.xml_safe(cell)
                    removed += dropped
                    cells.append(text)
                rows.append(tuple(cells))
            paragraphs.append(_Table(tuple(rows), style_ids["body"], fonts.get("body", "")))
            continue
        closing_starts = (block.kind in (Kind.SIGNATURE, Kind.DATE) and index > 0
                          and blocks[index - 1][0].kind not in (Kind.SIGNATURE, Kind.DATE))
        if closing_starts:  # blank lines that belong to the signature stay with it
            paragraphs += [blank[:2] + (True, "")] * profile.blank_lines_before_signature
        role = (f"heading{min(max(block.level, 1), 4)}" if block.kind is Kind.HEADING
                else ROLE_OF_KIND[block.kind])
        runs: list[wordxml.Run] = [(number, None, None)] if number else []
        for span in block.spans:
            text, dropped = wordxml.xml_safe(span.text)
            removed += dropped
            if text and span.placeholder:
                runs.append((text, placeholder_id, highlight))
            elif text:
                runs.append((text, None, None))
        keep_next = closing < len(blocks) and closing - 1 <= index < len(blocks) - 1
        paragraphs.append((paragraph_style(role), runs, keep_next, fonts.get(role, "")))
        if index + 1 == title_end and title_end < len(blocks):
            paragraphs += [blank] * profile.blank_lines_after_title
    return paragraphs or [blank], removed  # Word wants at least one paragraph


def _roles_used(document: Document) -> set[str]:
    roles = {"body"}
    for block in document.blocks:
        if block.kind is Kind.HEADING:
            roles.add(f"heading{min(max(block.level, 1), 4)}")
        elif block.kind is not Kind.TABLE:
            roles.add(ROLE_OF_KIND[block.kind])
        if any(span.placeholder for span in block.spans):
            roles.add("placeholder")
    return roles


def _core_text(value: object) -> str:
    if isinstance(value, list | tuple):
        value = "；".join(str(v) for v in value)
    text, _ = wordxml.xml_safe("" if value is None else str(value))
    return text[:CORE_TEXT_LIMIT]


def _core_properties(document: Document, profile: StyleProfile, properties: dict) -> str:
    """Core properties (文件→属性): title = document title, author = organisation."""
    unknown = set(properties) - PROPERTY_KEYS
    if unknown:
        raise TypeError(f"unknown document properties: {sorted(unknown)}")
    created = properties.get("created") or dt.datetime.now(dt.UTC)
    # W3CDTF in UTC; a naive time is taken as local.
    stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return wordxml.core_properties_xml(
        title=_core_text(properties.get("title") or document.title),
        author=_core_text(properties.get("author") or document.author),
        subject=_core_text(properties.get("subject")),
        keywords=_core_text(properties.get("keywords")),
        language=profile.language,
        created=stamp,
    )
