"""WordprocessingML written as text: what changes from one document to the next.

A draft's .docx differs from the styled empty base package in two parts only,
the body of word/document.xml and the core properties. Both are built here as
strings and appended to the base's already compressed parts, so writing a
document needs neither python-docx nor lxml (importing and running them would
cost more than the whole document does) and compresses only what is new.
Everything that is the same for every document lives in the cached base
(drafter.writers.docx_base).
"""

from __future__ import annotations

import bisect
import io
import re
import time
import zipfile
from collections.abc import Iterable, Sequence

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_DECLARATIONS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

# Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, surrogates, U+FFFE/FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_BREAKS = re.compile(r"(\t|\r\n|\r|\n)")

# One paragraph: (style id or None, runs, keep with the next paragraph on its page, the
# East Asian font its style shows, or "" if unknown: see libreoffice_latin_spans).
Paragraph = tuple[str | None, Sequence["Run"], bool, str]
# w:hint="eastAsia" on every run: Word and WPS draw the characters Chinese shares with
# Latin text (“ ” ‘ ’ — … ·) in the East Asian font.
RUN_FONT_HINT = '<w:rFonts w:hint="eastAsia"/>'
# Shared characters that Word, told w:hint="eastAsia", draws in the East Asian font
# ([MS-OI29500] 2.1.88, rFonts): general punctuation (dashes, quotes, ……, ※), currency,
# letterlike symbols (℃ №), number forms (Ⅲ), arrows, mathematical operators, enclosed
# numbers (①), box drawing, shapes (■ ○ ★) and dingbats. Superscript digits are left out,
# like Latin letters and digits: those keep the Latin font everywhere.
_SHARED_WEAK = "\u2010-\u2027\u2030-\u205e\u20a0-\u20cf\u2100-\u27bf"
# Latin-1 symbols in that list (¤ § ° ± · × ÷ …), which LibreOffice counts as Latin script.
_SHARED_LATIN = "\u00a1\u00a4\u00a7\u00a8\u00af\u00b0\u00b1\u00b4\u00b6\u00b7\u00b8\u00bf\u00d7\u00f7"
# Which script LibreOffice gives a single character, as code point ranges rather than regex
# character classes: compiling the three classes cost ~10 ms at every import, more than
# writing a whole document, and only one character at a time is tested.
# Asian script: CJK radicals to Hangul syllables (with the ideographic space and 、。《》),
# compatibility ideographs and forms, full-width forms, the supplementary ideograph planes.
_LO_ASIAN = ((0x2E80, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
             (0x20000, 0x3FFFF))
# No script of its own (i18npool's BreakIterator: spaces, the tone marks ˇ ˊ ˋ ˙, combining
# marks, U+2000–2BFF, variation selectors, emoji): takes the script of the strong character
# before it.
_LO_WEAK = ((0x01, 0x02), (0x20, 0x20), (0xA0, 0xA0), (0x2C7, 0x2C7), (0x2CA, 0x2CB),
            (0x2D9, 0x2D9), (0x300, 0x36F), (0x2000, 0x2BFF), (0xFE00, 0xFE1F),
            (0x1F000, 0x1FAFF))
# Latin script: everything up to Armenian but the weak ones above, Georgian, Cherokee to
# Runic, Latin Extended Additional and Greek Extended, Latin Extended-C and Coptic, Latin
# Extended-D, the Latin ligatures.
_LO_LATIN = ((0x00, 0x58F), (0x10A0, 0x10FF), (0x13A0, 0x16FF), (0x1E00, 0x1FFF),
             (0x2C60, 0x2CE3), (0xA720, 0xA7FF), (0xFB00, 0xFB06))
_SHARED = re.compile(f"[{_SHARED_WEAK}{_SHARED_LATIN}]+")
_LATIN1_SYMBOL = re.compile(f"[{_SHARED_LATIN}]")


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    for low, high in ranges:
        if low <= code <= high:
            return True
    return False


# One run: (text, character style id or None, highlight colour or None).
# Longer text is written as several runs: XML readers refuse a text node over 10 MB
# (libxml2's limit, which python-docx and so `drafter check` keep), and Word's own
# runs are short.
MAX_RUN_CHARS = 100_000
Run = tuple[str, str | None, str | None]


def escape(text: str) -> str:
    """XML text escaping (xml.sax.saxutils would pull in urllib, ssl and email: ~25 ms)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """A double-quoted XML attribute value."""
    return '"' + escape(text).replace('"', "&quot;") + '"'


def xml_safe(text: str) -> tuple[str, int]:
    """Text with characters illegal in XML removed, and how many were removed."""
    clean, count = _XML_ILLEGAL.subn("", text)
    return clean, count


def _pieces(text: str, limit: int = MAX_RUN_CHARS) -> list[str]:
    """Text cut into runs of at most `limit` characters (never between \\r and \\n)."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
            end -= 1
        pieces.append(text[start:end])
        start = end
    return pieces


def libreoffice_latin_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the characters of a paragraph that Word draws in the East Asian font,
    as the run's w:hint says, but LibreOffice would draw in the Latin font.

    LibreOffice (7.4, the version tested) ignores w:hint. It gives a character without
    a script of its own (“ ” — …) the script of the strong character before it, and at
    the start of a paragraph the script of its own user-interface language: Latin on
    an English or unset locale. So an opening “, the —— of a subtitle, the “ after
    “1.” or after a Latin word, and the Latin-1 symbols · × ° (always Latin to it)
    came out in the Latin font, half a character wide. The writer puts exactly these
    characters in runs that name the East Asian font for the Latin slots too.
    """
    spans = []
    latin1 = [match.start() for match in _LATIN1_SYMBOL.finditer(text)]
    for match in _SHARED.finditer(text):
        start, end = match.span()
        before = start - 1
        if before < 0 or not _in_ranges(text[before], _LO_ASIAN):  # rare: look closer
            while before >= 0 and _in_ranges(text[before], _LO_WEAK):
                before -= 1
            if before < 0 or _in_ranges(text[before], _LO_LATIN):
                spans.append((start, end))
                continue
        index = bisect.bisect_left(latin1, start)
        if index < len(latin1) and latin1[index] < end:  # Latin from a Latin-1 symbol on
            spans.append((latin1[index], end))
    return spans


def _run_properties(run_style: str | None, highlight: str | None, latin_font: str = "") -> str:
    """A run's w:rPr: character style, fonts, highlight (in the schema's order).

    `latin_font` names the East Asian font for the Latin slots as well (ascii and
    hAnsi): such a run holds only characters Word draws in the East Asian font anyway
    (libreoffice_latin_spans), so Word shows the same, and it leaves w:eastAsia to the
    style, so restyling the style in Word still restyles these characters.
    """
    properties = "<w:rPr>"
    if run_style:
        properties += f"<w:rStyle w:val={quoteattr(run_style)}/>"
    if latin_font:
        font = quoteattr(latin_font)
        properties += f'<w:rFonts w:ascii={font} w:hAnsi={font} w:hint="eastAsia"/>'
    else:
        properties += RUN_FONT_HINT
    if highlight:
        properties += f"<w:highlight w:val={quoteattr(highlight)}/>"
    return properties + "</w:rPr>"


def _runs_xml(runs: Sequence[Run], east_asian_font: str = "") -> str:
    """The runs of one paragraph. With the East Asian font its style shows, the characters
    LibreOffice would set in the Latin font get runs of their own that name that font
    for the Latin slots as well (see libreoffice_latin_spans)."""
    spans = libreoffice_latin_spans("".join(run[0] for run in runs)) if east_asian_font else []
    parts = []
    offset = 0
    for text, run_style, highlight in runs:
        end = offset + len(text)
        cuts = [(max(start, offset) - offset, min(stop, end) - offset)
                for start, stop in spans if start < end and stop > offset]
        position = 0
        for start, stop in cuts + [(len(text), len(text))]:
            for piece, font in ((text[position:start], ""), (text[start:stop], east_asian_font)):
                if piece:
                    properties = _run_properties(run_style, highlight, font)
                    parts += [f"<w:r>{properties}{_run_content(part)}</w:r>"
                              for part in _pieces(piece)]
            position = stop
        offset = end
    return "".join(parts)


def _run_content(text: str) -> str:
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    pieces = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece in ("\r\n", "\r", "\n"):
            pieces.append("<w:br/>")
        elif piece:
            pieces.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(pieces)


def paragraphs_xml(paragraphs: Iterable[Paragraph], paragraph_open: str = "<w:p>") -> str:
    """Paragraphs that carry a style reference and plain runs, nothing else.

    No direct formatting, so restyling the style restyles the document. The only
    paragraph property besides the style is keep-with-next, which holds the closing
    block (last paragraph, signature, date) on one page; the only run properties
    are the East Asian font hint, a character style and the placeholder highlight.
    `text` must already be XML-safe (see xml_safe). `paragraph_open` declares the w
    prefix when the package's main part binds it to something else.
    """
    parts = []
    for style_id, runs, keep_next, east_asian_font in paragraphs:
        parts.append(paragraph_open)
        if style_id or keep_next:
            parts.append("<w:pPr>")
            if style_id:
                parts.append(f"<w:pStyle w:val={quoteattr(style_id)}/>")
            if keep_next:
                parts.append("<w:keepNext/>")
            parts.append("</w:pPr>")
        parts.append(_runs_xml(runs, east_asian_font))
        parts.append("</w:p>")
    return "".join(parts)


def table_xml(rows: Sequence[Sequence[str]], style_id: str | None, width_twips: int,
              paragraph_open: str = "<w:p>", east_asian_font: str = "") -> str:
    """A simple table (a grid of text cells, thin borders, equal columns) for text read from Word.

    Cell paragraphs take the body style without its first-line indent, left aligned:
    the one place a draft carries direct paragraph formatting. `text` must be XML-safe.
    """
    columns = max((len(row) for row in rows), default=1) or 1
    column = width_twips // columns
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    style = f"<w:pStyle w:val={quoteattr(style_id)}/>" if style_id else ""
    cell_ppr = f'<w:pPr>{style}<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>'
    parts = [paragraph_open.replace("<w:p", "<w:tbl", 1),
             f'<w:tblPr><w:tblW w:w="{column * columns}" w:type="dxa"/><w:tblBorders>{borders}'
             '</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
             f'<w:gridCol w:w="{column}"/>' * columns, "</w:tblGrid>"]
    for row in rows:
        parts.append("<w:tr>")
        for cell in row:
            parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr>')
            for line in cell.split("\n"):
                parts.append(f"<w:p>{cell_ppr}")
                parts.append(_runs_xml([(line, None, None)], east_asian_font))
                parts.append("</w:p>")
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def core_properties_xml(*, title: str, author: str, subject: str, keywords: str,
                        language: str, created: str) -> str:
    """docProps/core.xml (文件 ▸ 属性). `created` is a UTC time as 2024-05-08T09:30:00Z.

    Written whole rather than edited, so nothing of a reference document's own
    metadata (its author, last printer, revision count) leaks into the draft.
    """
    def element(tag: str, value: str) -> str:
        return f"<{tag}>{escape(value)}</{tag}>" if value else f"<{tag}/>"

    stamp = f'xsi:type="dcterms:W3CDTF">{created}'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + element("dc:title", title) + element("dc:subject", subject)
        + element("dc:creator", author) + element("cp:keywords", keywords)
        + element("cp:lastModifiedBy", author) + "<cp:revision>1</cp:revision>"
        + f"<dcterms:created {stamp}</dcterms:created>"
        + f"<dcterms:modified {stamp}</dcterms:modified>"
        + element("dc:language", language)
        + "</cp:coreProperties>"
    )


def package_without(parts: Iterable[tuple[str, bytes]], own: set[str]) -> bytes:
    """Zip every part but those each draft writes itself, compressed once for all drafts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            if name not in own:
                archive.writestr(name, data)
    return buffer.getvalue()


def complete_package(shared: bytes, own: Iterable[tuple[str, bytes]]) -> bytes:
    """The shared, already compressed parts plus this draft's own: only those are compressed."""
    buffer = io.BytesIO(shared)
    buffer.seek(0, io.SEEK_END)
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in own:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
