"""Formatting as Word resolves it: the font, size and paragraph layout a reader actually sees.

A paragraph's look is the last word of a chain: document defaults (w:docDefaults),
then the paragraph style and the styles it is based on, then the character
style of the run, then direct formatting on the paragraph or run. East Asian
fonts add two twists tools often get wrong: the font of Chinese text is the
w:eastAsia slot, not the Latin name Word shows first; and a slot may name a
theme font (minorEastAsia), which the theme part resolves, and whose empty
typeface falls back to the theme's font for the document's East Asian language
(so python-docx's default template shows Japanese ＭＳ 明朝, not 宋体).

`format` reads alignment, boldness and numbering through this to recognise a
title or heading; `check --layout` compares the results with a style profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from drafter.document.docx_text import W, runs

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_FALSE = {"0", "false", "off", "none"}
# East Asian language → the theme's script for it (a:font script="…").
_SCRIPTS = {"zh-cn": "Hans", "zh-sg": "Hans", "zh-tw": "Hant", "zh-hk": "Hant", "zh-mo": "Hant",
            "ja-jp": "Jpan", "ko-kr": "Hang"}
_ALIGNMENTS = {"both": "justify", "distribute": "justify", "center": "center", "right": "right",
               "end": "right", "left": "left", "start": "left"}
DEFAULT_SIZE = 10.0  # points, when nothing in the chain sets w:sz (ECMA-376 17.3.2.38)


class NumberFormat(NamedTuple):
    """An automatic number as numbering.xml defines it, e.g. "%1、" in chineseCounting."""

    text: str  # w:lvlText of the paragraph's level, "%1" standing for level 1's value
    formats: dict[int, str]  # level (1-based) → w:numFmt
    starts: dict[int, int]  # level → the value it begins (and restarts) at
    list_id: str  # paragraphs of every w:num sharing one abstract definition count on together
    restarts: frozenset[int]  # levels this w:num begins anew (w:startOverride)


@dataclass(frozen=True)
class Font:
    """A font slot's resolved name, and whether it came from the theme (e.g. "minorEastAsia")."""

    name: str
    theme: str = ""

    def describe(self) -> str:
        return f"{self.name}（主题字体 {self.theme}）" if self.theme else self.name


@dataclass(frozen=True)
class RunFormat:
    east_asian: Font
    latin: Font
    size: float  # points
    bold: bool


@dataclass(frozen=True)
class ParagraphFormat:
    style_names: tuple[str, ...]  # the style and the styles it is based on, nearest first
    align: str  # left | center | right | justify
    first_line_chars: float  # first-line indent in characters (negative: hanging)
    line: int  # w:spacing/@w:line
    line_rule: str  # auto (240ths of a line) | exact | atLeast (twips)
    outline_level: int | None  # 0-8 as stored (Word's “1 级” is 0), None for body text
    numbering: tuple[str, int] | None  # (numId, ilvl) of automatic numbering
    size: float  # of the paragraph mark: the unit of indents given in twips


def is_on(element) -> bool | None:
    """A toggle property's value: <w:b/> is on, w:val="0"/"false" off, absent None."""
    if element is None:
        return None
    return (element.get(W + "val") or "true").lower() not in _FALSE


def related_part(part, name: str):
    """The part related to `part` by the relationship type `name`, without creating one."""
    for rel in part.rels.values():
        if rel.reltype == _REL + name and not rel.is_external:
            return rel.target_part
    return None


class Resolver:
    """Effective formatting for the paragraphs and runs of one python-docx document."""

    def __init__(self, document):
        self.part = document.part
        styles_part = related_part(self.part, "styles")
        root = styles_part.element if styles_part is not None else None
        self.styles: dict[str, object] = {}
        self.default_style = {"paragraph": "", "character": ""}
        self.default_rpr = self.default_ppr = None
        self._chains: dict[str, list] = {}
        if root is not None:
            for style in root.iter(W + "style"):
                self.styles[style.get(W + "styleId") or ""] = style
                kind = style.get(W + "type") or "paragraph"
                if style.get(W + "default") in ("1", "true", "on") and kind in self.default_style:
                    self.default_style[kind] = style.get(W + "styleId") or ""
            defaults = root.find(W + "docDefaults")
            if defaults is not None:
                self.default_rpr = defaults.find(f"{W}rPrDefault/{W}rPr")
                self.default_ppr = defaults.find(f"{W}pPrDefault/{W}pPr")

    # ------------------------------------------------------------ styles

    def chain(self, style_id: str) -> list:
        """The style and its w:basedOn ancestors, root first (cycles cut)."""
        if style_id not in self._chains:
            self._chains[style_id] = self._chain(style_id)
        return self._chains[style_id]

    def _chain(self, style_id: str) -> list:
        out, seen = [], set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            out.append(style)
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else ""
        return out[::-1]

    @staticmethod
    def style_name(style) -> str:
        name = style.find(W + "name")
        return (name.get(W + "val") if name is not None else "") or style.get(W + "styleId") or ""

    def paragraph_style_id(self, paragraph) -> str:
        ppr = paragraph.find(W + "pPr")
        ref = ppr.find(W + "pStyle") if ppr is not None else None
        style_id = ref.get(W + "val") if ref is not None else ""
        return style_id if style_id in self.styles else self.default_style["paragraph"]

    # ------------------------------------------------------------ theme

    @cached_property
    def _theme(self) -> dict[str, str]:
        """Theme font slot (majorEastAsia, minorHAnsi…) → typeface."""
        from lxml import etree

        part = related_part(self.part, "theme")
        if part is None:
            return {}
        try:
            root = etree.fromstring(part.blob)
        except etree.XMLSyntaxError:
            return {}
        script = _SCRIPTS.get(self._east_asian_language.lower(), "Hans")
        fonts: dict[str, str] = {}
        for kind in ("major", "minor"):
            scheme = root.find(f".//{_A}{kind}Font")
            if scheme is None:
                continue
            by_script = {f.get("script"): f.get("typeface") or "" for f in scheme.iter(_A + "font")}

            def face(tag: str, scheme=scheme) -> str:
                element = scheme.find(_A + tag)
                return (element.get("typeface") or "") if element is not None else ""

            fonts[f"{kind}EastAsia"] = face("ea") or by_script.get(script, "")
            fonts[f"{kind}HAnsi"] = fonts[f"{kind}Ascii"] = face("latin")
            fonts[f"{kind}Bidi"] = face("cs")
        return fonts

    @cached_property
    def _east_asian_language(self) -> str:
        """The East Asian language theme fonts are chosen for (w:themeFontLang)."""
        part = related_part(self.part, "settings")
        if part is not None:
            lang = part.element.find(W + "themeFontLang")
            if lang is not None and lang.get(W + "eastAsia"):
                return lang.get(W + "eastAsia")
        if self.default_rpr is not None:
            lang = self.default_rpr.find(W + "lang")
            if lang is not None and lang.get(W + "eastAsia"):
                return lang.get(W + "eastAsia")
        return "zh-CN"

    # ------------------------------------------------------------ runs

    def _rpr_levels(self, paragraph_style: str, run) -> tuple[list, list, object]:
        """(defaults + paragraph-style rPr, character-style rPr, direct rPr), outermost first."""
        base = [self.default_rpr] + [s.find(W + "rPr") for s in self.chain(paragraph_style)]
        character = []
        direct = None
        if run is not None:
            direct = run.find(W + "rPr")
            ref = direct.find(W + "rStyle") if direct is not None else None
            style_id = ref.get(W + "val") if ref is not None else self.default_style["character"]
            character = [s.find(W + "rPr") for s in self.chain(style_id)]
        return [x for x in base if x is not None], [x for x in character if x is not None], direct

    def _font(self, levels: list, slot: str) -> Font:
        theme_attr = W + ("cstheme" if slot == "cs" else slot + "Theme")
        found = Font("")
        for rpr in levels:
            fonts = rpr.find(W + "rFonts")
            if fonts is None:
                continue
            if fonts.get(theme_attr):
                theme = fonts.get(theme_attr)
                found = Font(self._theme.get(theme, ""), theme)
            elif fonts.get(W + slot):
                found = Font(fonts.get(W + slot))
        return found

    def run_format(self, paragraph, run) -> RunFormat:
        return self._run_format(self.paragraph_style_id(paragraph), run)

    def style_run_format(self, style_id: str) -> RunFormat:
        """What a run without formatting of its own shows in a paragraph of this style."""
        return self._run_format(style_id, None)

    def _run_format(self, style_id: str, run) -> RunFormat:
        base, character, direct = self._rpr_levels(style_id, run)
        levels = base + character + ([direct] if direct is not None else [])
        return RunFormat(self._font(levels, "eastAsia"), self._font(levels, "ascii"), _size(levels),
                         _toggle(base, character, direct, "b"))

    def normal_size(self) -> float:
        """The default paragraph style's font size: Word's unit for the character grid."""
        base, _, _ = self._rpr_levels(self.default_style["paragraph"], None)
        return _size(base)

    def text_runs(self, paragraph) -> list[tuple[object, RunFormat]]:
        """(run, format) for every visible run of the paragraph that holds some text."""
        from drafter.document.docx_text import run_text

        return [(run, self.run_format(paragraph, run)) for run in runs(paragraph)
                if run_text(run).strip()]

    # ------------------------------------------------------------ paragraphs

    def paragraph_format(self, paragraph) -> ParagraphFormat:
        style_id = self.paragraph_style_id(paragraph)
        chain = self.chain(style_id)
        direct = paragraph.find(W + "pPr")
        levels = [self.default_ppr] + [s.find(W + "pPr") for s in chain] + [direct]
        levels = [x for x in levels if x is not None]
        mark = direct.find(W + "rPr") if direct is not None else None
        base, _, _ = self._rpr_levels(style_id, None)
        size = _size(base + ([mark] if mark is not None else []))

        def last(tag: str, attr: str = "val") -> str | None:
            value = None
            for ppr in levels:
                element = ppr.find(W + tag)
                if element is not None and element.get(W + attr) is not None:
                    value = element.get(W + attr)
            return value

        align = _ALIGNMENTS.get(last("jc") or "left", "left")
        outline = last("outlineLvl")
        level = int(outline) if outline and outline.isdigit() and int(outline) < 9 else None
        num_id, ilvl = None, None
        for ppr in levels:
            numbering = ppr.find(W + "numPr")
            if numbering is None:
                continue
            ref, lvl = numbering.find(W + "numId"), numbering.find(W + "ilvl")
            if ref is not None:
                num_id = ref.get(W + "val")
            if lvl is not None:
                ilvl = int(lvl.get(W + "val") or 0)
        has_numbering = num_id not in (None, "0")
        return ParagraphFormat(
            style_names=tuple(self.style_name(s) for s in reversed(chain)),
            align=align,
            first_line_chars=_first_line_chars(levels, size),
            line=int(last("spacing", "line") or 240),
            line_rule=last("spacing", "lineRule") or "auto",
            outline_level=level,
            numbering=(num_id, ilvl or 0) if has_numbering else None,
            size=size,
        )

    # ------------------------------------------------------------ numbering

    @cached_property
    def _numbering(self):
        part = related_part(self.part, "numbering")
        return part.element if part is not None else None

    def number_format(self, numbering: tuple[str, int]) -> NumberFormat | None:
        """How Word numbers this paragraph: its level's text, every level's format and
        starting value, and which list it counts on with."""
        root = self._numbering
        if root is None:
            return None
        num_id, ilvl = numbering
        abstract_id, overrides, restarts = None, {}, {}
        for num in root.iter(W + "num"):
            if num.get(W + "numId") == num_id:
                ref = num.find(W + "abstractNumId")
                abstract_id = ref.get(W + "val") if ref is not None else None
                for override in num.iter(W + "lvlOverride"):
                    level = _int(override.get(W + "ilvl"))
                    lvl = override.find(W + "lvl")
                    if lvl is not None:
                        overrides[level] = lvl
                    start = override.find(W + "startOverride")
                    if start is not None:
                        restarts[level + 1] = _int(start.get(W + "val"))
        levels: dict[int, object] = {}
        for abstract in root.iter(W + "abstractNum"):
            if abstract.get(W + "abstractNumId") == abstract_id:
                for lvl in abstract.iter(W + "lvl"):
                    levels[_int(lvl.get(W + "ilvl"))] = lvl
        levels.update(overrides)
        if ilvl not in levels:
            return None

        def val(lvl, tag: str) -> str:
            element = lvl.find(W + tag)
            return (element.get(W + "val") or "") if element is not None else ""

        formats = {index + 1: val(lvl, "numFmt") or "decimal" for index, lvl in levels.items()}
        # a level without w:start begins at 0 (ECMA-376 17.9.26, and Word does so)
        starts = {index + 1: _int(val(lvl, "start")) for index, lvl in levels.items()}
        starts.update(restarts)
        return NumberFormat(val(levels[ilvl], "lvlText"), formats, starts,
                            f"abstract:{abstract_id}" if abstract_id is not None else f"num:{num_id}",
                            frozenset(restarts))


def _int(text: str | None) -> int:
    """A numbering attribute's number; 0 when it is missing or not a number."""
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


def _size(levels: list) -> float:
    """Font size in points: the last w:sz in the chain (half points), else Word's default."""
    size = DEFAULT_SIZE
    for rpr in levels:
        sz = rpr.find(W + "sz")
        if sz is not None and (sz.get(W + "val") or "").isdigit():
            size = int(sz.get(W + "val")) / 2
    return size


def _toggle(base: list, character: list, direct, tag: str) -> bool:
    """A toggle property (bold): direct formatting wins; styles of different kinds XOR."""
    if direct is not None and is_on(direct.find(W + tag)) is not None:
        return bool(is_on(direct.find(W + tag)))
    value = False
    for rpr in base:
        found = is_on(rpr.find(W + tag))
        if found is not None:
            value = found
    char_value = None
    for rpr in character:
        found = is_on(rpr.find(W + tag))
        if found is not None:
            char_value = found
    return value != char_value if char_value is not None else value


def _first_line_chars(levels: list, size: float) -> float:
    """The first-line indent in characters: *Chars attributes win over twips (0 means unset)."""
    attrs: dict[str, str] = {}
    for ppr in levels:
        ind = ppr.find(W + "ind")
        if ind is not None:
            for key in ("firstLine", "firstLineChars", "hanging", "hangingChars"):
                if ind.get(W + key) is not None:
                    attrs[key] = ind.get(W + key)
                    if key in ("firstLine", "firstLineChars"):
                        attrs.pop("hanging" if key == "firstLine" else "hangingChars", None)

    def number(key: str) -> float:
        try:
            return float(attrs.get(key) or 0)
        except ValueError:
            return 0.0

    if number("hangingChars"):
        return -number("hangingChars") / 100
    if number("firstLineChars"):
        return number("firstLineChars") / 100
    twips = -number("hanging") if number("hanging") else number("firstLine")
    return twips / (size * 20) if size else 0.0
