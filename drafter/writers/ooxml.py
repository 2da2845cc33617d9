"""Raw WordprocessingML helpers, one per Word feature python-docx does not model.

python-docx covers paragraphs, runs, sections and most style properties. What it
lacks for Chinese official documents (East Asian fonts, character-unit indents,
the document grid, PAGE fields, outline levels, a clean package skeleton) is
built here and only here, so the base-package builder (docx_build) reads as a
list of document features. Every helper keeps the schema order of child
elements, which Word insists on.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from copy import deepcopy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from drafter.document.docx_text import child_text
from drafter.writers.wordxml import R_NS, W_NS, quoteattr
from drafter.writers.wordxml import W_DECLARATIONS as _W

# Child order of w:pPr and w:rPr (ECMA-376 CT_PPrBase / EG_RPrBase).
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
SECTPR_ORDER = (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
    "docGrid printerSettings sectPrChange"
).split()

# Relationship types whose target is only reachable through an r:id in the body;
# once the body is cleared, unreferenced ones are dead weight.
CONTENT_RELTYPES = {
    f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{name}"
    for name in ("image", "hyperlink", "chart", "oleObject", "package", "diagramData",
                 "diagramLayout", "diagramQuickStyle", "diagramColors", "subDocument",
                 "header", "footer", "video", "audio", "media")
}

def _child(parent, tag: str, order: list[str]):
    """The child `w:tag` of parent, created at its schema position if missing."""
    existing = parent.find(qn(f"w:{tag}"))
    if existing is not None:
        return existing
    element = OxmlElement(f"w:{tag}")
    later = set(order[order.index(tag) + 1:])
    for sibling in parent:
        if sibling.tag.startswith("{" + W_NS + "}") and sibling.tag.split("}")[1] in later:
            sibling.addprevious(element)
            return element
    parent.append(element)
    return element


def _set(element, **attrs: str | int | None) -> None:
    for key, value in attrs.items():
        name = qn("w:" + key)
        if value is None:
            element.attrib.pop(name, None)
        else:
            element.set(name, str(value))


# ------------------------------------------------------------ run properties


def set_east_asian_fonts(rPr, east_asian: str, latin: str) -> None:
    """Fonts for Chinese text (w:eastAsia) and for digits/Latin text (w:ascii/w:hAnsi).

    Without w:eastAsia Word shows Chinese in its default 宋体 whatever the font name
    says. w:hint="eastAsia" makes ambiguous characters (“”、——) use the Chinese font
    too. Theme-font attributes would override explicit names, so they are removed.
    """
    fonts = _child(rPr, "rFonts", RPR_ORDER)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn("w:" + theme), None)
    _set(fonts, ascii=latin or None, hAnsi=latin or None, eastAsia=east_asian or None,
         cs=latin or None, hint="eastAsia")


def set_east_asian_hint(rPr) -> None:
    """w:hint="eastAsia" alone on a run: shared characters (“ ” — …) use the Chinese font."""
    _set(_child(rPr, "rFonts", RPR_ORDER), hint="eastAsia")


def set_font_size(rPr, points: float) -> None:
    """Font size for both Chinese/Latin (w:sz) and complex scripts (w:szCs), in half points."""
    half_points = round(points * 2)
    _set(_child(rPr, "sz", RPR_ORDER), val=half_points)
    _set(_child(rPr, "szCs", RPR_ORDER), val=half_points)


def set_character_spacing(rPr, points: float) -> None:
    """Condensed or expanded spacing (Font ▸ Advanced ▸ Spacing), in twentieths of a point."""
    _set(_child(rPr, "spacing", RPR_ORDER), val=round(points * 20))


def set_languages(rPr, latin: str, east_asian: str) -> None:
    """Proofing languages: Chinese text is checked as zh-CN, Latin text as e.g. en-US."""
    _set(_child(rPr, "lang", RPR_ORDER), val=latin, eastAsia=east_asian)


def default_run_properties(styles_element):
    """The w:rPr of w:docDefaults (created if missing): what every style inherits."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_element.insert(0, defaults)
    r_default = defaults.find(qn("w:rPrDefault"))
    if r_default is None:
        r_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_default)
    rPr = r_default.find(qn("w:rPr"))
    if rPr is None:
        rPr = OxmlElement("w:rPr")
        r_default.append(rPr)
    return rPr


def set_document_defaults(styles_element, east_asian: str, latin: str, points: float,
                          latin_language: str, east_asian_language: str) -> None:
    """w:docDefaults: what every style inherits, so nothing falls back to Calibri/theme fonts."""
    rPr = default_run_properties(styles_element)
    set_east_asian_fonts(rPr, east_asian, latin)
    set_font_size(rPr, points)
    set_languages(rPr, latin_language, east_asian_language)


# ------------------------------------------------------ paragraph properties


def set_indent_chars(pPr, *, first_line: float | None = None, left: float | None = None,
                     right: float | None = None, twips_per_char: float) -> None:
    """Indents in character units (首行缩进 2 字符) plus a twips fallback.

    Word and WPS use w:firstLineChars etc. (hundredths of a character) and follow
    the font size; other readers use the twips values. Both are written, because
    an inherited *Chars value would otherwise win over a twips-only override.
    """
    ind = _child(pPr, "ind", PPR_ORDER)
    for side, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        if chars is None:
            continue
        _set(ind, **{f"{side}Chars": round(chars * 100), side: round(chars * twips_per_char)})
        if side == "firstLine":
            _set(ind, hanging=None, hangingChars=None)


def set_spacing_lines(pPr, *, before: float | None, after: float | None,
                      line_pitch: int) -> None:
    """Space before/after a paragraph in grid lines (段前/段后 N 行), with twips fallback."""
    spacing = _child(pPr, "spacing", PPR_ORDER)
    for side, lines in (("before", before), ("after", after)):
        if lines is not None:
            _set(spacing, **{f"{side}Lines": round(lines * 100), side: round(lines * line_pitch)})


def set_outline_level(pPr, level: int) -> None:
    """Outline level (1 = Word's “1 级”): what puts a heading in the navigation pane."""
    _set(_child(pPr, "outlineLvl", PPR_ORDER), val=level - 1)


def set_snap_to_grid(pPr, snap: bool) -> None:
    """Whether lines and characters snap to the document grid (footers should not)."""
    _set(_child(pPr, "snapToGrid", PPR_ORDER), val="1" if snap else "0")


# ---------------------------------------------------------------- paragraphs

# ------------------------------------------------------------------ sections


def set_document_grid(sectPr, line_pitch: int, char_space: int) -> None:
    """Document grid “指定行和字符网格”: Word lays out N lines × M characters per page."""
    _set(_child(sectPr, "docGrid", SECTPR_ORDER), type="linesAndChars", linePitch=line_pitch,
         charSpace=char_space)


def has_footer(sectPr) -> bool:
    return sectPr.find(qn("w:footerReference")) is not None


def append_page_number(paragraph, prefix: str, suffix: str) -> None:
    """“— 1 —”: prefix text, a PAGE field (with a cached “1”), suffix text.

    A complex field (fldChar begin/separate/end) rather than w:fldSimple, because
    WPS and older readers update it more reliably.
    """
    def add_run(text: str = ""):
        run = paragraph.add_run(text)
        set_east_asian_hint(run._r.get_or_add_rPr())  # the dashes take the Chinese font
        return run

    if prefix:
        add_run(prefix)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            _set(char, fldCharType=kind)
            run._r.append(char)
        elif text == "1":
            run.text = text
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    if suffix:
        add_run(suffix)


# ------------------------------------------------------------------- package


def clear_body(body) -> None:
    """Remove all content from w:body but its final w:sectPr (page setup, headers, footers)."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def drop_unreferenced_content(part) -> int:
    """Drop relationships (images, links, old headers) that the cleared body no longer uses."""
    used = {value for element in part.element.iter() for key, value in element.attrib.items()
            if key.startswith("{" + R_NS + "}")}
    dropped = 0
    for rId, rel in list(part.rels.items()):
        if rel.reltype in CONTENT_RELTYPES and rId not in used:
            del part.rels[rId]
            dropped += 1
    return dropped


# What a reference docx carries about itself, not about its look: its company,
# manager and statistics (app.xml), custom properties, a thumbnail of its first
# page, customXml data (e.g. SharePoint or OA-system metadata) and its comments
# and their authors. None of it belongs in a draft.
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
PRIVATE_PACKAGE_RELTYPES = {
    _OFFICE + "extended-properties", _OFFICE + "custom-properties", _PACKAGE + "thumbnail",
}
PRIVATE_DOCUMENT_RELTYPES = {
    _OFFICE + "customXml", _OFFICE + "comments", _OFFICE + "people",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2011/relationships/people",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
}


def drop_private_parts(package) -> int:
    """Drop a reference's metadata parts (app.xml, thumbnail, customXml, comments…)."""
    dropped = 0
    for rels, private in ((package.part.package.rels, PRIVATE_PACKAGE_RELTYPES),
                          (package.part.rels, PRIVATE_DOCUMENT_RELTYPES)):
        for rId, rel in list(rels.items()):
            if rel.reltype in private:
                del rels[rId]
                dropped += 1
    return dropped


def copy_header_to_even_pages(section) -> bool:
    """Give even pages the default (odd-page) header when the section has none of its own.

    With odd and even pages different (needed for the 公文 page numbers, right on
    odd pages and left on even ones) Word and LibreOffice show no header at all on
    even pages that lack an even header, so a letterhead would appear on every
    other page only. The copy relates to the same images and links.
    """
    default, even = section.header, section.even_page_header
    if default.is_linked_to_previous or not even.is_linked_to_previous:
        return False
    source = default.part
    even.is_linked_to_previous = False  # adds an empty header part
    target = even.part
    renamed = {}
    for rId, rel in source.rels.items():
        if rel.is_external:
            renamed[rId] = target.relate_to(rel.target_ref, rel.reltype, is_external=True)
        else:
            renamed[rId] = target.relate_to(rel.target_part, rel.reltype)
    for child in list(target.element):
        target.element.remove(child)
    for child in source.element:
        copy = deepcopy(child)
        for element in copy.iter():
            for key, value in element.attrib.items():
                if key.startswith("{" + R_NS + "}") and value in renamed:
                    element.set(key, renamed[value])
        target.element.append(copy)
    return True


def prefer_named_fonts(styles_element) -> None:
    """Where a style names a font and also a theme font for the same script, keep the name.

    Word writes both (w:eastAsia="仿宋_GB2312" w:eastAsiaTheme="minorEastAsia") and then
    the theme font wins, so a reference's 仿宋 shows as the theme's 等线 or MS Mincho.
    """
    pairs = (("ascii", "asciiTheme"), ("hAnsi", "hAnsiTheme"), ("eastAsia", "eastAsiaTheme"),
             ("cs", "cstheme"))
    for fonts in styles_element.iter(qn("w:rFonts")):
        for name, theme in pairs:
            if fonts.get(qn("w:" + name)) and fonts.get(qn("w:" + theme)) is not None:
                fonts.attrib.pop(qn("w:" + theme))


def set_theme_font_language(settings_element, latin: str, east_asian: str) -> None:
    """w:themeFontLang: which script's faces the theme fonts mean (zh-CN: the Hans ones).

    A reference made on a Japanese or English system says ja-JP or en-US here, and
    theme-font text then comes out in Japanese or Latin faces.
    """
    element = settings_element.find(qn("w:themeFontLang"))
    if element is None:
        element = OxmlElement("w:themeFontLang")
        later = {qn("w:" + n) for n in ("clrSchemeMapping", "doNotIncludeSubdocsInStats",
                                        "doNotAutoCompressPictures", "forceUpgrade",
                                        "captions", "readModeInkLockDown", "smartTagType",
                                        "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
                                        "decimalSymbol", "listSeparator")}
        anchor = next((child for child in settings_element if child.tag in later), None)
        if anchor is not None:
            anchor.addprevious(element)
        else:
            settings_element.append(element)
    _set(element, val=latin, eastAsia=east_asian)


_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}.main+xml"


def template_as_document(data: bytes) -> bytes:
    """A Word template (.dotx) repackaged as a document (.docx); anything else unchanged.

    The two differ only in the main part's content type, so a team can hand over
    its letterhead template as it is.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            types = archive.read("[Content_Types].xml")
            if _MAIN.format("template").encode() not in types:
                return data
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
                for item in archive.infolist():
                    blob = archive.read(item)
                    if item.filename == "[Content_Types].xml":
                        blob = blob.replace(_MAIN.format("template").encode(),
                                            _MAIN.format("document").encode())
                    out.writestr(item, blob)
            return buffer.getvalue()
    except (zipfile.BadZipFile, KeyError, OSError):
        return data  # not a package: let the reader report it


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
</Types>"""  # noqa: E501

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""  # noqa: E501

_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
</Relationships>"""  # noqa: E501

_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {_W}><w:body><w:sectPr/></w:body></w:document>"""

# Only the four default styles Word expects; the writer adds the rest from the profile.
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {_W}>
<w:docDefaults><w:rPrDefault><w:rPr/></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
</w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">
<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>
<w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>
<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>
<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>
<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>
<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
</w:styles>"""

# doNotCompress: every punctuation mark keeps a full grid cell, so lines stay 28 characters.
_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {_W}>
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:useFELayout/>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
</w:compat>
<w:themeFontLang w:val={{latin}} w:eastAsia={{east_asian}}/>
<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>
</w:settings>"""  # noqa: E501


def _font_table(fonts: Iterable[tuple[str, str, bool]]) -> str:
    """w:fonts: declares each font; East Asian ones get charset GB2312 and an alternate name.

    When a machine lacks e.g. 仿宋_GB2312 (Windows 10 and later ship only 仿宋),
    Word and WPS use this table to pick a Chinese substitute instead of a Latin one.
    """
    entries = []
    for name, alternate, east_asian in fonts:
        inner = f"<w:altName w:val={quoteattr(alternate)}/>" if alternate else ""
        inner += '<w:charset w:val="86"/>' if east_asian else ""
        entries.append(f"<w:font w:name={quoteattr(name)}>{inner}</w:font>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<w:fonts {_W}>{''.join(entries)}</w:fonts>")


def package_skeleton(fonts: Iterable[tuple[str, str, bool]], latin_language: str,
                     east_asian_language: str) -> bytes:
    """A minimal, clean .docx to build on instead of python-docx's default template.

    The default template carries Calibri/theme fonts, coloured English headings,
    a thumbnail and “python-docx” metadata; starting empty leaves nothing to undo.
    `fonts` is (name, alternate name, is East Asian) for the font table.
    """
    settings = _SETTINGS.replace("{latin}", quoteattr(latin_language)).replace(
        "{east_asian}", quoteattr(east_asian_language))
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/document.xml": _DOCUMENT,
        "word/styles.xml": _STYLES,
        "word/settings.xml": settings,
        "word/fontTable.xml": _font_table(fonts),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


# ------------------------------------------------------ revisions and comments
#
# Word's 修订 (tracked changes) and 批注 (comments), for proofreading someone's
# document: deleted text moves into w:del (as w:delText), new text sits in w:ins,
# both stamped with author and date, so the reader accepts or rejects each one.
# These helpers work on runs that are whole: split_run first cuts a run where a
# change begins or ends, copying its formatting to every piece.

# Run children a tracked deletion may hold; anything else (pictures, fields, breaks) stays.
DELETABLE = {qn(f"w:{tag}") for tag in ("rPr", "t", "tab", "ptab", "noBreakHyphen")}


def split_run(run, cuts: Iterable[int]) -> list:
    """Cut a w:r at character offsets (within its text) into runs that look the same.

    Each piece gets a copy of the run's properties. A zero-width child (a line
    break, a picture, a field character) that sits exactly at a cut becomes a
    piece of its own, so a change beside it never swallows it. Returns the
    pieces, which replace the run in its parent.
    """
    import copy

    cuts = sorted(set(cuts))
    properties = run.find(qn("w:rPr"))
    atoms: list[tuple[object, int, int]] = []  # (child, start, length)
    offset = 0
    for child in list(run):
        if child is properties:
            continue
        length = len(child_text(child))
        inner = [c - offset for c in cuts if offset < c < offset + length]
        if child.tag == qn("w:t") and inner:
            text = child.text or ""
            bounds = [0, *inner, len(text)]
            for a, b in zip(bounds, bounds[1:], strict=False):
                part = OxmlElement("w:t")
                part.set(qn("xml:space"), "preserve")
                part.text = text[a:b]
                atoms.append((part, offset + a, b - a))
        else:
            atoms.append((child, offset, length))
        offset += length

    def key(atom: tuple[object, int, int]) -> tuple:
        _, start, length = atom
        if length == 0 and start in cuts:
            return ("edge", start)
        return ("text", sum(1 for c in cuts if c <= start))

    groups: list[list[object]] = []
    last = None
    for atom in atoms:
        if not groups or key(atom) != last:
            groups.append([])
            last = key(atom)
        groups[-1].append(atom[0])
    if len(groups) <= 1:
        return [run]
    pieces = []
    for children in groups:
        piece = OxmlElement("w:r")
        for name, value in run.attrib.items():
            piece.set(name, value)
        if properties is not None:
            piece.append(copy.deepcopy(properties))
        for child in children:
            piece.append(child)
        pieces.append(piece)
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)
    return pieces


def _stamp(element, revision_id: int, author: str, date: str) -> None:
    element.set(qn("w:id"), str(revision_id))
    element.set(qn("w:author"), author)
    element.set(qn("w:date"), date)


def track_deletion(runs: list, revision_id: int, author: str, date: str):
    """Wrap consecutive sibling runs in w:del: their text shows struck through until accepted."""
    deletion = OxmlElement("w:del")
    _stamp(deletion, revision_id, author, date)
    runs[0].addprevious(deletion)
    for run in runs:
        for child in run:
            if child.tag == qn("w:t"):
                child.tag = qn("w:delText")
            elif child.tag == qn("w:instrText"):
                child.tag = qn("w:delInstrText")
        deletion.append(run)
    return deletion


def track_insertion(after, text: str, properties, revision_id: int, author: str, date: str):
    """A w:ins holding one run of `text` (formatted like `properties`, a w:rPr), after `after`."""
    import copy

    insertion = OxmlElement("w:ins")
    _stamp(insertion, revision_id, author, date)
    run = OxmlElement("w:r")
    if properties is not None:
        run.append(copy.deepcopy(properties))
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    insertion.append(run)
    after.addnext(insertion)
    return insertion


def mark_comment(first, last, comment_id: int) -> None:
    """Anchor comment `comment_id` on the content from `first` to `last` (siblings or not):
    w:commentRangeStart before, w:commentRangeEnd and the reference mark after."""
    start = OxmlElement("w:commentRangeStart")
    start.set(qn("w:id"), str(comment_id))
    first.addprevious(start)
    end = OxmlElement("w:commentRangeEnd")
    end.set(qn("w:id"), str(comment_id))
    last.addnext(end)
    reference = OxmlElement("w:r")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "CommentReference")
    properties = OxmlElement("w:rPr")
    properties.append(style)
    reference.append(properties)
    mark = OxmlElement("w:commentReference")
    mark.set(qn("w:id"), str(comment_id))
    reference.append(mark)
    end.addnext(reference)
