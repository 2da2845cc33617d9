"""Build the styled, empty base package with python-docx: the slow part, done once.

Page setup, the document grid, every style of the profile, the font table and
the page-number footers are the same for every draft with the same profile (or
reference docx), so they are built here once and cached by
drafter.writers.docx_base; a draft only fills in the body and the core
properties. The package starts from a minimal skeleton (ooxml.package_skeleton),
not python-docx's default template, so no Calibri, theme colours or English
heading looks are left behind.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import RGBColor, Twips
from docx.styles.style import BaseStyle
from lxml import etree

from drafter.errors import UserError
from drafter.writers import ooxml, wordxml
from drafter.writers.styles import PAGE_FIELD, StyleProfile, StyleSpec

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
PAGE_NUMBER_ROLES = ("footer", "page_number_odd", "page_number_even")
BODY_MARK = "drafter-body"  # a comment where a draft's paragraphs go
CORE_RELTYPE = ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                "core-properties")


def build_base(profile: StyleProfile, reference: tuple[Path, bytes] | None) -> dict:
    """The base package's fields (see docx_base.Base), from the profile or a reference docx."""
    if reference is None:
        return _profile_base(profile)
    return _reference_base(profile, *reference)


def _profile_base(profile: StyleProfile) -> dict:
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
    return _split(package, style_ids, missing={}, notes=[])


def _reference_base(profile: StyleProfile, path: Path, data: bytes) -> dict:
    """The reference docx emptied of content; the profile fills only what it lacks."""
    package = _open_reference(path, data)
    notes: list[str] = []
    body = package.element.body
    ooxml.clear_body(body)
    ooxml.drop_unreferenced_content(package.part)
    ooxml.drop_private_parts(package)
    _prefer_profile_languages(package, profile)
    if body.sectPr is None:
        body.get_or_add_sectPr()
        _set_page(package, profile)
        notes.append(f"参考文档 {path.name} 没有页面设置，已按版式“{profile.title}”设置。")
    style_ids, missing = _ensure_styles(package, profile, reference=path)
    if not ooxml.has_footer(body.sectPr) and profile.page_number_format:
        _add_page_numbers(package, profile, style_ids)
        notes.append(f"参考文档 {path.name} 没有页脚，已按版式“{profile.title}”加上页码。")
        notes += [note for role, note in missing.items() if role in PAGE_NUMBER_ROLES]
    if package.settings.odd_and_even_pages_header_footer:
        for section in package.sections:
            ooxml.copy_header_to_even_pages(section)
    return _split(package, style_ids, missing, notes)


def _prefer_profile_languages(package, profile: StyleProfile) -> None:
    """The reference's fonts as it names them, in the profile's languages.

    A reference made on a Japanese or English system carries ja-JP/en-US as its
    text and theme-font language, which makes word processors pick Japanese faces
    for Chinese text; and a theme font set beside a named one would hide the name.
    """
    styles = package.styles.element
    ooxml.prefer_named_fonts(styles)
    ooxml.set_languages(ooxml.default_run_properties(styles), profile.latin_language,
                        profile.language)
    ooxml.set_theme_font_language(package.settings.element, profile.latin_language,
                                  profile.language)


def _split(package, style_ids: dict[str, str], missing: dict[str, str],
           notes: list[str]) -> dict:
    """Save the empty package and cut it where each draft's own content goes.

    The body gets a marker comment before its final w:sectPr, so word/document.xml
    splits into the text before and after the paragraphs; the core properties
    part is made to exist (python-docx adds it) and is rewritten per draft.
    """
    package.core_properties  # noqa: B018 - creates docProps/core.xml if the package lacks it
    document = package.element
    document.body.sectPr.addprevious(etree.Comment(BODY_MARK))
    document_part = package.part.partname.lstrip("/")
    buffer = io.BytesIO()
    package.save(buffer)
    parts: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            parts.append((name, archive.read(name)))
    by_name = dict(parts)
    head, tail = by_name[document_part].decode("utf-8").split(f"<!--{BODY_MARK}-->")
    core_part = _core_part_name(by_name["_rels/.rels"])
    bound = document.nsmap.get("w") == wordxml.W_NS and document.nsmap.get("r") == wordxml.R_NS
    return {
        "shared": wordxml.package_without(parts, {document_part, core_part}),
        "document_part": document_part,
        "document_head": head,
        "document_tail": tail,
        "core_part": core_part,
        "paragraph_open": "<w:p>" if bound else f"<w:p {wordxml.W_DECLARATIONS}>",
        "style_ids": tuple(style_ids.items()),
        "east_asian_fonts": _east_asian_fonts(package, style_ids),
        "default_paragraph_id": _default_id(package),
        "missing": tuple(missing.items()),
        "notes": tuple(notes),
    }


def _east_asian_fonts(package, style_ids: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The East Asian font each paragraph style shows, through w:basedOn, the document
    defaults and the theme: the writer names it for the Latin slots of the characters
    LibreOffice would otherwise set in the Latin font (wordxml.libreoffice_latin_spans).
    A reference docx's own styles count, so the named font is the one the team chose."""
    from drafter.document.docx_styles import Resolver
    from drafter.document.docx_text import W

    resolver = Resolver(package)
    fonts = []
    for role, style_id in style_ids.items():
        style = resolver.styles.get(style_id)
        if style is not None and (style.get(W + "type") or "paragraph") == "paragraph":
            fonts.append((role, resolver.style_run_format(style_id).east_asian.name))
    return tuple(fonts)


def _core_part_name(root_rels: bytes) -> str:
    for rel in etree.fromstring(root_rels):
        if rel.get("Type") == CORE_RELTYPE:
            return rel.get("Target").lstrip("/")
    raise ValueError("the saved package has no core properties part")


def _open_reference(path: Path, data: bytes):
    """The reference as a python-docx document (.docx or .dotx), or a clear UserError."""
    try:
        package = docx.Document(io.BytesIO(ooxml.template_as_document(data)))
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
