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

The package starts from a minimal skeleton (ooxml.package_skeleton), not
python-docx's default template, so no Calibri, theme colours or English
heading looks are left behind. The styled, empty base package is built once per
profile/reference and reused for every document of a batch.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import RGBColor, Twips
from docx.styles.style import BaseStyle
from lxml import etree

from drafter.document import Document, Kind
from drafter.errors import UserError
from drafter.styles import PAGE_FIELD, StyleProfile, StyleSpec
from drafter.writers import ooxml

# Names Word treats as its own built-in styles (no w:customStyle).
WORD_BUILTIN = {
    "Normal", "Title", "Subtitle", "Signature", "Date", "Closing", "Body Text", "Header",
    "Footer", *(f"Heading {n}" for n in range(1, 10)),
}
ALIGNMENT = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
ROLE_OF_KIND = {
    Kind.TITLE: "title",
    Kind.SUBTITLE: "subtitle",
    Kind.PARAGRAPH: "body",
    Kind.SIGNATURE: "signature",
    Kind.DATE: "date",
}
PAGE_NUMBER_ROLES = ("footer", "page_number_odd", "page_number_even")
PROPERTY_KEYS = {"title", "author", "subject", "keywords", "created"}
CORE_TEXT_LIMIT = 255  # OPC core properties hold at most 255 characters per field


def write_docx(document: Document, stream: BinaryIO, profile: StyleProfile,
               reference_docx: Path | None = None, properties: dict | None = None) -> list[str]:
    """Write `document` as .docx to `stream`; return notes (Chinese) worth telling the user.

    With `reference_docx`, page setup, styles, fonts, headers and footers come from
    that file (pandoc's reference-doc idea) and the profile fills only what it lacks.
    """
    base = _base_package(profile, _reference_key(reference_docx))
    package = docx.Document(io.BytesIO(base.package))
    paragraphs, removed = _paragraphs(document, profile, base)
    ooxml.append_to_body(package.element.body, ooxml.styled_paragraphs(paragraphs))
    _set_properties(package, document, profile, properties or {})
    package.save(stream)

    used = _roles_used(document)
    notes = list(base.notes) + [note for role, note in base.missing if role in used]
    if removed:
        notes.append(f"已删除 {removed} 个无法写入 Word 文件的控制字符。")
    return notes


# ------------------------------------------------------------------ content


def _paragraphs(document: Document, profile: StyleProfile, base: _Base
                ) -> tuple[list[tuple[str | None, list[ooxml.Run]]], int]:
    """(style id, runs) per output paragraph, and how many illegal characters were dropped.

    Headings get their number (一、 （一） 1. （1）) as the first run; the title group
    and the signature are set off by the profile's blank lines.
    """
    style_ids = dict(base.style_ids)

    def paragraph_style(role: str) -> str | None:
        style_id = style_ids[role]
        return None if style_id == base.default_paragraph_id else style_id

    blocks = document.numbered()
    title_end = 0
    while title_end < len(blocks) and blocks[title_end][0].kind in (Kind.TITLE, Kind.SUBTITLE):
        title_end += 1
    blank = (paragraph_style("body"), [])
    placeholder_id = style_ids["placeholder"]
    highlight = profile.style("placeholder").highlight or None
    paragraphs: list[tuple[str | None, list[ooxml.Run]]] = []
    removed = 0
    for index, (block, number) in enumerate(blocks):
        closing_starts = (block.kind in (Kind.SIGNATURE, Kind.DATE) and index > 0
                          and blocks[index - 1][0].kind not in (Kind.SIGNATURE, Kind.DATE))
        if closing_starts:
            paragraphs += [blank] * profile.blank_lines_before_signature
        role = (f"heading{min(max(block.level, 1), 4)}" if block.kind is Kind.HEADING
                else ROLE_OF_KIND[block.kind])
        runs: list[ooxml.Run] = [(number, None, None)] if number else []
        for span in block.spans:
            text, dropped = ooxml.xml_safe(span.text)
            removed += dropped
            if text and span.placeholder:
                runs.append((text, placeholder_id, highlight))
            elif text:
                runs.append((text, None, None))
        paragraphs.append((paragraph_style(role), runs))
        if index + 1 == title_end and title_end < len(blocks):
            paragraphs += [blank] * profile.blank_lines_after_title
    return paragraphs or [blank], removed  # Word wants at least one paragraph


def _roles_used(document: Document) -> set[str]:
    roles = {"body"}
    for block in document.blocks:
        if block.kind is Kind.HEADING:
            roles.add(f"heading{min(max(block.level, 1), 4)}")
        else:
            roles.add(ROLE_OF_KIND[block.kind])
        if any(span.placeholder for span in block.spans):
            roles.add("placeholder")
    return roles


def _core_text(value: object) -> str:
    if isinstance(value, list | tuple):
        value = "；".join(str(v) for v in value)
    text, _ = ooxml.xml_safe("" if value is None else str(value))
    return text[:CORE_TEXT_LIMIT]


def _set_properties(package, document: Document, profile: StyleProfile,
                    properties: dict) -> None:
    """Core properties (文件→属性): title = document title, author = organisation."""
    unknown = set(properties) - PROPERTY_KEYS
    if unknown:
        raise TypeError(f"unknown document properties: {sorted(unknown)}")
    created = properties.get("created") or dt.datetime.now(dt.UTC)
    # python-docx writes the clock time followed by "Z"; a naive time is taken as local.
    created = created.astimezone(dt.UTC).replace(tzinfo=None)
    author = _core_text(properties.get("author") or document.author)
    core = package.core_properties
    core.title = _core_text(properties.get("title") or document.title)
    core.author = author
    core.last_modified_by = author
    core.subject = _core_text(properties.get("subject"))
    core.keywords = _core_text(properties.get("keywords"))
    core.comments = ""
    core.category = ""
    core.content_status = ""
    core.language = profile.language
    core.revision = 1
    core.created = created
    core.modified = created


# ------------------------------------------------------------ base package


@dataclass(frozen=True)
class _Base:
    """An empty, fully styled package, reused for every document of a batch."""

    package: bytes
    style_ids: tuple[tuple[str, str], ...]  # role -> w:styleId in the package
    default_paragraph_id: str  # paragraphs in the default style need no w:pStyle
    missing: tuple[tuple[str, str], ...]  # role -> note, for styles the reference lacked
    notes: tuple[str, ...]  # notes that hold whatever the document contains


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
def _base_package(profile: StyleProfile, reference: tuple[str, int, int] | None) -> _Base:
    if reference is None:
        return _profile_base(profile)
    return _reference_base(profile, Path(reference[0]))


def _profile_base(profile: StyleProfile) -> _Base:
    """Page, grid, styles and page numbers all from the profile."""
    package = docx.Document(io.BytesIO(ooxml.package_skeleton(
        _font_declarations(profile), profile.latin_language, profile.language)))
    body = profile.style("body")
    ooxml.set_document_defaults(package.styles.element, body.font,
                                body.latin_font or profile.latin_font, body.size or 0,
                                profile.latin_language, profile.language)
    _set_page(package, profile)
    style_ids, _ = _ensure_styles(package, profile, reference=None)
    _add_page_numbers(package, profile, style_ids)
    return _Base(_saved(package), tuple(style_ids.items()), _default_id(package), (), ())


def _reference_base(profile: StyleProfile, path: Path) -> _Base:
    """The reference docx emptied of content; the profile fills only what it lacks."""
    package = _open_reference(path)
    notes: list[str] = []
    body = package.element.body
    ooxml.clear_body(body)
    ooxml.drop_unreferenced_content(package.part)
    if body.sectPr is None:
        body.get_or_add_sectPr()
        _set_page(package, profile)
        notes.append(f"参考文档 {path.name} 没有页面设置，已按版式“{profile.title}”设置。")
    style_ids, missing = _ensure_styles(package, profile, reference=path)
    if not ooxml.has_footer(body.sectPr) and profile.page_number_format:
        _add_page_numbers(package, profile, style_ids)
        notes.append(f"参考文档 {path.name} 没有页脚，已按版式“{profile.title}”加上页码。")
        notes += [note for role, note in missing.items() if role in PAGE_NUMBER_ROLES]
    return _Base(_saved(package), tuple(style_ids.items()), _default_id(package),
                 tuple(missing.items()), tuple(notes))


def _open_reference(path: Path):
    """The reference as a python-docx document (.docx or .dotx), or a clear UserError."""
    try:
        data = ooxml.template_as_document(path.read_bytes())
    except OSError as exc:
        raise UserError(f"无法读取参考文档 {path}：{exc.strerror or exc}。") from None
    try:
        package = docx.Document(io.BytesIO(data))
        package.styles  # noqa: B018 - parse the styles part now, inside the try
    except ValueError as exc:
        if "not a Word file" in str(exc):
            raise UserError(
                f"参考文档 {path} 不是 .docx 文档（可能含有宏，或是其他类型的文件）。"
                "请用 Word 或 WPS 打开后“另存为”.docx 格式再试。"
            ) from None
        raise _invalid_reference(path) from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise _invalid_reference(path) from None
    return package


def _invalid_reference(path: Path) -> UserError:
    return UserError(
        f"参考文档 {path} 无法打开：它不是有效的 .docx 文件（可能已损坏、设置了打开密码，"
        "或是改了扩展名的 .doc/.dot/.wps）。请用 Word 或 WPS 打开后“另存为”.docx 格式再试。"
    )


def _default_id(package) -> str:
    default = package.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return default.style_id if default is not None else ""


def _saved(package) -> bytes:
    buffer = io.BytesIO()
    package.save(buffer)
    return buffer.getvalue()


def _font_declarations(profile: StyleProfile) -> list[tuple[str, str, bool]]:
    """(name, alternate, is East Asian) for every font the profile names, for the font table."""
    fallbacks = dict(profile.font_fallbacks)
    fonts: dict[str, tuple[str, str, bool]] = {}
    for spec in profile.styles:
        if spec.font:
            fonts.setdefault(spec.font, (spec.font, fallbacks.get(spec.font, ""), True))
    for spec in profile.styles:
        latin = spec.latin_font or profile.latin_font
        if latin:
            fonts.setdefault(latin, (latin, "", False))
    return list(fonts.values())


def _set_page(package, profile: StyleProfile) -> None:
    """Paper size, margins, header/footer distances and the lines × characters grid."""
    twips = profile.twips
    section = package.sections[0]
    section.page_width = Twips(twips(profile.width_mm))
    section.page_height = Twips(twips(profile.height_mm))
    section.top_margin = Twips(twips(profile.margin_top_mm))
    section.bottom_margin = Twips(twips(profile.margin_bottom_mm))
    section.left_margin = Twips(twips(profile.margin_left_mm))
    section.right_margin = Twips(twips(profile.margin_right_mm))
    section.header_distance = Twips(twips(profile.header_mm))
    section.footer_distance = Twips(twips(profile.footer_mm))
    section.gutter = Twips(0)
    ooxml.set_document_grid(package.element.body.sectPr, profile.line_pitch_twips,
                            profile.char_space)


def _add_page_numbers(package, profile: StyleProfile, style_ids: dict[str, str]) -> None:
    """“— 1 —” footers: odd pages right, even pages left (w:evenAndOddHeaders)."""
    if not profile.page_number_format:
        return
    prefix, suffix = profile.page_number_format.split(PAGE_FIELD)
    section = package.sections[0]
    footers = [(section.footer, "page_number_odd")]
    if profile.page_numbers_odd_even:
        package.settings.odd_and_even_pages_header_footer = True
        footers.append((section.even_page_footer, "page_number_even"))
    for footer, role in footers:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = package.styles.get_by_id(style_ids[role], WD_STYLE_TYPE.PARAGRAPH)
        ooxml.append_page_number(paragraph, prefix, suffix)


# ------------------------------------------------------------------- styles


def _ensure_styles(package, profile: StyleProfile, reference: Path | None
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """Make every profile style exist; return role -> style id, and role -> note if created.

    Without a reference each style is (re)defined from the profile. With one, a
    style found by name, alias or id is used as the team defined it, and only a
    missing one is created from the profile.
    """
    styles = package.styles
    style_ids: dict[str, str] = {}
    missing: dict[str, str] = {}
    created: list[tuple[BaseStyle, StyleSpec]] = []
    for spec in _parents_first(profile):
        found = _find_style(styles, spec)
        if found is not None and reference is not None:
            style_ids[spec.role] = found.style_id
            continue
        style = found if found is not None else _add_style(styles, spec)
        _define_style(style, spec, profile, styles)
        style_ids[spec.role] = style.style_id
        created.append((style, spec))
        if reference is not None:
            missing[spec.role] = (f"参考文档 {reference.name} 中没有样式“{spec.label}”，"
                                  f"已按版式“{profile.title}”新建。")
    for style, spec in created:
        follower = profile.by_name(spec.next) if spec.next else None
        if follower is not None:
            style.next_paragraph_style = _find_style(styles, follower)
    return style_ids, missing


def _parents_first(profile: StyleProfile) -> list[StyleSpec]:
    """Profile styles ordered so that every based_on style comes before its children."""
    ordered: list[StyleSpec] = []

    def visit(spec: StyleSpec, depth: int = 0) -> None:
        if spec in ordered or depth > len(profile.styles):
            return
        parent = profile.by_name(spec.based_on) if spec.based_on else None
        if parent is not None:
            visit(parent, depth + 1)
        ordered.append(spec)

    for spec in profile.styles:
        visit(spec)
    return ordered


def _find_style(styles, spec: StyleSpec) -> BaseStyle | None:
    """A style of the right type matching the spec's name, aliases or id (case-insensitive)."""
    kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
    names = {n.casefold() for n in (spec.name, *spec.aliases)}
    ids = {i.casefold() for i in (spec.style_id, spec.name.replace(" ", "")) if i}
    by_id = None
    for style in styles:
        if style.type != kind:
            continue
        if (style.name or "").casefold() in names:
            return style
        if by_id is None and (style.style_id or "").casefold() in ids:
            by_id = style
    if by_id is None and spec.name == "Normal":
        return styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return by_id


def _add_style(styles, spec: StyleSpec) -> BaseStyle:
    kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
    taken = {s.style_id for s in styles}
    style = styles.add_style(spec.name, kind, builtin=spec.name in WORD_BUILTIN)
    wanted = spec.style_id or spec.name.replace(" ", "")  # Word's own ids: Heading1, Footer
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}{n}"
    style.style_id = candidate
    return style


def _define_style(style: BaseStyle, spec: StyleSpec, profile: StyleProfile, styles) -> None:
    """Write the spec's figures into the style (fonts as w:eastAsia, indents in characters…)."""
    parent = profile.by_name(spec.based_on) if spec.based_on else None
    if parent is not None:
        style.base_style = _find_style(styles, parent)
    style.quick_style = spec.role not in PAGE_NUMBER_ROLES  # in the style gallery
    style.hidden = False
    if spec.font or spec.latin_font:
        ooxml.set_east_asian_fonts(style.element.get_or_add_rPr(), spec.font,
                                   spec.latin_font or profile.latin_font)
    if spec.size is not None:
        ooxml.set_font_size(style.element.get_or_add_rPr(), spec.size)
    if spec.char_spacing is not None:
        ooxml.set_character_spacing(style.element.get_or_add_rPr(), spec.char_spacing)
    if spec.bold is not None:
        style.font.bold = spec.bold
    if spec.italic is not None:
        style.font.italic = spec.italic
    if spec.color:
        style.font.color.rgb = RGBColor.from_string(spec.color)
    if spec.kind == "character":
        return

    fmt = style.paragraph_format
    pPr = style.element.get_or_add_pPr()
    if spec.align:
        fmt.alignment = ALIGNMENT[spec.align]
    indents = (spec.first_line_indent, spec.left_indent, spec.right_indent)
    if any(value is not None for value in indents):
        ooxml.set_indent_chars(pPr, first_line=spec.first_line_indent, left=spec.left_indent,
                               right=spec.right_indent,
                               twips_per_char=profile.size_of(spec.role) * 20)
    exact = profile.line_spacing_twips(spec)
    if exact is not None:
        fmt.line_spacing = Twips(exact)  # python-docx writes lineRule="exact" for a length
    elif spec.line_spacing == "single":
        fmt.line_spacing = 1.0
    if spec.space_before is not None or spec.space_after is not None:
        ooxml.set_spacing_lines(pPr, before=spec.space_before, after=spec.space_after,
                                line_pitch=profile.line_pitch_twips)
    if spec.keep_with_next is not None:
        fmt.keep_with_next = spec.keep_with_next
    if spec.widow_control is not None:
        fmt.widow_control = spec.widow_control
    if spec.outline_level is not None:
        ooxml.set_outline_level(pPr, spec.outline_level)
    if spec.snap_to_grid is not None:
        ooxml.set_snap_to_grid(pPr, spec.snap_to_grid)
