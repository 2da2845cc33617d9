"""Does a Word document follow the house layout? Its effective layout against a style profile.

A team wants to know whether a colleague's .docx really is in 公文 layout, and
a checker that reads the wrong thing is worse than none: the Latin font name
instead of the East Asian one (python-docx's `run.font.name`), a style's own
setting instead of what it inherits, the paragraph instead of its style. So
every figure here is what Word shows (drafter.document.docx_styles): the East Asian
font through direct formatting, character and paragraph styles, document
defaults and theme fonts; sizes, alignment, first-line indent and line spacing
likewise. Paragraphs get their role (title, heading level, body, signature,
date) from the same recognition `format` uses, so a hand-typed “一、” heading
is held to the level-1 heading figures.

Each deviation says what, where (paragraph number as `check` counts them and
an excerpt), the profile's figure, what the document has, and how much it
matters: “must” for what GB/T 9704 fixes (paper, margins, fonts and sizes,
title alignment, page numbers), “should” for the rest.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from drafter.document.docx_text import W, paragraph_text, paragraphs, pieces, run_text
from drafter.writers.styles import PAGE_FIELD, ROLES, StyleProfile, StyleSpec

MUST, SHOULD = "must", "should"
SEVERITY_LABELS = {MUST: "必须", SHOULD: "建议"}
MM_TOLERANCE = 0.5  # millimetres: twips rounding and hand-typed centimetres
SIZE_TOLERANCE = 0.25  # points
INDENT_TOLERANCE = 0.1  # characters
EXCERPT = 16
MAX_PARAGRAPHS = 8
_EAST_ASIAN = re.compile("[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2014\u201c\u201d]")
_ALIGN_LABELS = {"left": "左对齐", "center": "居中", "right": "右对齐", "justify": "两端对齐"}


@dataclass(frozen=True)
class Deviation:
    what: str  # e.g. “正文 中文字体”, “上边距”
    expected: str
    actual: str
    severity: str  # MUST | SHOULD
    paragraph: int = 0  # 第 N 段 as check counts paragraphs; 0 for the page or footer
    excerpt: str = ""


def check_layout(path: str | Path, profile: StyleProfile) -> list[Deviation]:
    """Every way the .docx at `path` differs from `profile`, page first, then in reading order."""
    from drafter.check.source import open_docx

    path = Path(path)
    if path.suffix.lower() != ".docx":
        from drafter.errors import UserError

        raise UserError(f"无法检查 {path} 的版式：--layout 只适用于 Word 文档（.docx）。")
    return compare(open_docx(path), profile)


def compare(package, profile: StyleProfile) -> list[Deviation]:
    """Deviations of an opened python-docx document from the profile."""
    from drafter.document.docx_reader import read_package
    from drafter.document.docx_styles import Resolver

    resolver = Resolver(package)
    out = _page(package, profile, resolver.normal_size())
    numbers = _paragraph_numbers(package)
    for element, role, heading_chars in read_package(package).roles:
        if _in_table(element) or element not in numbers:
            continue
        out += _paragraph(resolver, element, role, heading_chars, profile, numbers[element])
    out += _page_numbers(package, resolver, profile)
    return out


# ---------------------------------------------------------------- page


def _mm(twips: float) -> float:
    return twips * 25.4 / 1440


def _twips(element, attr: str) -> float | None:
    value = element.get(W + attr) if element is not None else None
    try:
        return abs(float(value)) if value is not None else None
    except ValueError:
        return None


def _page(package, profile: StyleProfile, normal_size: float) -> list[Deviation]:
    body = package.element.body
    sections = [p.find(f"{W}pPr/{W}sectPr") for p in body.iterchildren(W + "p")]
    sections = [s for s in sections if s is not None] + [body.find(W + "sectPr")]
    out: list[Deviation] = []
    for index, section in enumerate(sections, start=1):
        where = f"第 {index} 节 " if len(sections) > 1 else ""
        size = section.find(W + "pgSz") if section is not None else None
        margins = section.find(W + "pgMar") if section is not None else None
        width, height = _twips(size, "w"), _twips(size, "h")
        if width is None or height is None or (
                abs(_mm(width) - profile.width_mm) > MM_TOLERANCE
                or abs(_mm(height) - profile.height_mm) > MM_TOLERANCE):
            actual = (f"{_mm(width):.1f} × {_mm(height):.1f} 毫米" if width and height
                      else "未设置")
            out.append(Deviation(f"{where}纸张", f"{profile.width_mm:g} × {profile.height_mm:g} 毫米",
                                 actual, MUST))
        for side, label, expected in (("top", "上边距", profile.margin_top_mm),
                                      ("bottom", "下边距", profile.margin_bottom_mm),
                                      ("left", "左边距", profile.margin_left_mm),
                                      ("right", "右边距", profile.margin_right_mm)):
            value = _twips(margins, side)
            if value is None or abs(_mm(value) - expected) > MM_TOLERANCE:
                actual = f"{_mm(value):.1f} 毫米" if value is not None else "未设置"
                out.append(Deviation(f"{where}{label}", f"{expected:g} 毫米", actual, MUST))
        out += _grid(section, where, profile, normal_size, (width, height, margins))
    return out


def _grid(section, where: str, profile: StyleProfile, normal_size: float,
          page: tuple) -> list[Deviation]:
    """Lines per page and characters per line of the document grid (文档网格); Word's
    character pitch is the Normal style's size plus w:charSpace."""
    width, height, margins = page
    grid = section.find(W + "docGrid") if section is not None else None
    kind = grid.get(W + "type") if grid is not None else None
    out = []
    lines = chars = None
    if kind in ("lines", "linesAndChars", "snapToChars") and width and height and margins is not None:
        text_height = height - (_twips(margins, "top") or 0) - (_twips(margins, "bottom") or 0)
        text_width = width - (_twips(margins, "left") or 0) - (_twips(margins, "right") or 0)
        pitch = _twips(grid, "linePitch")
        lines = math.floor(text_height / pitch) if pitch else None
        if kind != "lines":
            try:
                extra = int(grid.get(W + "charSpace") or 0) / 4096
            except ValueError:
                extra = 0
            char_pitch = (normal_size + extra) * 20
            chars = math.floor(text_width / char_pitch) if char_pitch > 0 else None
    if lines != profile.lines_per_page:
        out.append(Deviation(f"{where}每页行数（文档网格）", f"{profile.lines_per_page} 行",
                             f"{lines} 行" if lines else "未设置网格", SHOULD))
    if chars != profile.chars_per_line:
        out.append(Deviation(f"{where}每行字数（文档网格）", f"{profile.chars_per_line} 字",
                             f"{chars} 字" if chars else "未设置字符网格", SHOULD))
    return out


# ---------------------------------------------------------------- paragraphs


def _paragraph_numbers(package) -> dict:
    """w:p → its paragraph number as `check` reports it (non-empty paragraphs, tables included)."""
    numbers, count = {}, 0
    for p in paragraphs(package.element.body):
        if paragraph_text(p).strip():
            count += 1
            numbers[p] = count
    return numbers


def _in_table(element) -> bool:
    return any(ancestor.tag == W + "tbl" for ancestor in element.iterancestors())


def inherited(profile: StyleProfile, spec: StyleSpec, name: str):
    """A style figure as the profile means it: the style's own, else its based_on style's."""
    seen = set()
    while spec is not None and spec.name not in seen:
        value = getattr(spec, name)
        if value not in (None, ""):
            return value
        seen.add(spec.name)
        spec = profile.by_name(spec.based_on) if spec.based_on else None
    return None


def _font_deviation(profile: StyleProfile, expected: str, font) -> str | None:
    """None if the font is right, else the severity: a registered substitute only “should”."""
    if font.name == expected:
        return None
    if dict(profile.font_fallbacks).get(expected) == font.name:
        return SHOULD
    return MUST


def _describe_spacing(rule: str, line: int) -> str:
    if rule == "exact":
        return f"固定值 {line / 20:g} 磅"
    if rule == "atLeast":
        return f"最小值 {line / 20:g} 磅"
    return "单倍行距" if line == 240 else f"{line / 240:g} 倍行距"


def _expected_spacing(profile: StyleProfile, spec: StyleSpec) -> tuple[str, int] | None:
    value = inherited(profile, spec, "line_spacing")
    if value is None:
        return None
    if value == "single":
        return "auto", 240
    exact = profile.line_spacing_twips(StyleSpec(role=spec.role, name=spec.name,
                                                 line_spacing=value))
    return ("exact", exact) if exact is not None else None


def _paragraph(resolver, p, role: str, heading_chars: int, profile: StyleProfile,
               number: int) -> list[Deviation]:
    """A paragraph against its role's style; a heading's run-in body against the body style."""
    spec = profile.style(role)
    text = paragraph_text(p)
    stripped = text.strip()
    excerpt = stripped if len(stripped) <= EXCERPT else stripped[:EXCERPT] + "…"
    form = resolver.paragraph_format(p)
    out: list[Deviation] = []

    def adder(label: str):
        def add(what: str, expected: str, actual: str, severity: str) -> None:
            out.append(Deviation(f"{label} {what}", expected, actual, severity, number, excerpt))
        return add

    split = len(text) - len(text.lstrip()) + heading_chars if heading_chars else None
    parts: dict[str, list] = {}
    for piece in pieces(p):
        if run_text(piece.run).strip():
            part = "body" if split is not None and piece.start >= split else role
            parts.setdefault(part, []).append((piece.run, resolver.run_format(p, piece.run)))
    for part, runs in parts.items():
        _run_figures(runs, profile, profile.style(part), adder(ROLES[part]))

    add = adder(ROLES[role])
    align = inherited(profile, spec, "align")
    if align and form.align != align and not (
            {align, form.align} == {"left", "justify"} and role not in ("title", "subtitle")):
        add("对齐", _ALIGN_LABELS[align], _ALIGN_LABELS[form.align],
            MUST if role == "title" else SHOULD)
    indent = inherited(profile, spec, "first_line_indent")
    if indent is not None and abs(form.first_line_chars - indent) > INDENT_TOLERANCE:
        add("首行缩进", f"{indent:g} 字符", f"{form.first_line_chars:.1f} 字符".replace(".0 ", " "),
            SHOULD)
    spacing = _expected_spacing(profile, spec)
    if spacing is not None:
        rule, line = spacing
        actual_rule = form.line_rule if form.line_rule in ("exact", "atLeast") else "auto"
        if actual_rule != rule or abs(form.line - line) > 2:
            add("行距", _describe_spacing(rule, line), _describe_spacing(actual_rule, form.line),
                SHOULD)
    return out


def _run_figures(runs: list, profile: StyleProfile, spec: StyleSpec, add) -> None:
    """East Asian font, size and boldness of these runs (run, RunFormat), one deviation each."""
    font = inherited(profile, spec, "font")
    size = profile.size_of(spec.role)
    bold = inherited(profile, spec, "bold")
    fonts, sizes, bolds = {}, {}, set()
    for run, form in runs:
        cjk = bool(_EAST_ASIAN.search(run_text(run)))
        if font and cjk:
            severity = _font_deviation(profile, font, form.east_asian)
            if severity:
                fonts.setdefault(form.east_asian.describe() or "未设置", severity)
        if abs(form.size - size) > SIZE_TOLERANCE:
            sizes.setdefault(f"{form.size:g} 磅", None)
        if bold is not None and cjk and form.bold != bold:
            bolds.add(form.bold)
    if fonts:
        severity = MUST if MUST in fonts.values() else SHOULD
        add("中文字体", font, "、".join(fonts), severity)
    if sizes:
        add("字号", f"{size:g} 磅{_size_name(size)}", "、".join(sizes), MUST)
    if bolds:
        add("加粗", "加粗" if bold else "不加粗", "加粗" if True in bolds else "不加粗", SHOULD)


def _size_name(points: float) -> str:
    from drafter.writers.styles import CN_SIZES

    names = [name for name, value in CN_SIZES.items() if value == points]
    return f"（{names[0]}）" if names else ""


# ---------------------------------------------------------------- page numbers


def _footer(package, section, kind: str):
    for ref in section.iter(W + "footerReference") if section is not None else ():
        if (ref.get(W + "type") or "default") == kind:
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            part = package.part.related_parts.get(rid)
            return part.element if part is not None else None
    return None


def _page_field(footer) -> tuple[object, str, str] | None:
    """(paragraph, text before, text after) of the first PAGE field in a footer, or None.

    A field is either w:fldSimple or runs from fldChar begin through instrText (the
    code) and separate (then the cached result) to end; only text outside fields counts.
    """
    from drafter.document.docx_text import child_text

    for p in footer.iter(W + "p"):
        parts: list[tuple[str, str]] = []  # ("text", text) and ("field", code)
        state, code = "", []
        for element in p.iter(W + "r", W + "fldSimple"):
            if element.tag == W + "fldSimple":
                parts.append(("field", element.get(W + "instr") or ""))
                continue
            if any(a.tag == W + "fldSimple" for a in element.iterancestors()):
                continue  # the cached result of a simple field
            for child in element:
                if child.tag == W + "fldChar":
                    kind = child.get(W + "fldCharType")
                    if kind == "begin":
                        state, code = "code", []
                    elif kind in ("separate", "end") and state == "code":
                        parts.append(("field", "".join(code)))
                        state = "result" if kind == "separate" else ""
                    elif kind == "end":
                        state = ""
                elif state == "code" and child.tag == W + "instrText":
                    code.append(child.text or "")
                elif not state and child_text(child):
                    parts.append(("text", child_text(child)))
        index = next((i for i, (kind, value) in enumerate(parts)
                      if kind == "field" and "PAGE" in value.split()), None)
        if index is not None:
            before = "".join(value for kind, value in parts[:index] if kind == "text")
            after = "".join(value for kind, value in parts[index + 1:] if kind == "text")
            return p, before, after
    return None


def _page_numbers(package, resolver, profile: StyleProfile) -> list[Deviation]:
    if not profile.page_number_format:
        return []
    prefix, suffix = profile.page_number_format.split(PAGE_FIELD)
    shown = profile.page_number_format.replace(PAGE_FIELD, "1")
    section = package.element.body.find(W + "sectPr")
    out: list[Deviation] = []
    footer = _footer(package, section, "default")
    if footer is None or _page_field(footer) is None:
        return [Deviation("页码", f"页脚中有页码“{shown}”", "无页码", MUST)]
    wanted = [("default", "单页页码" if profile.page_numbers_odd_even else "页码",
               "page_number_odd")]
    if profile.page_numbers_odd_even:
        wanted.append(("even", "双页页码", "page_number_even"))
        if not _even_and_odd(package):
            out.append(Deviation("页码 单双页", "奇偶页不同（单页居右、双页居左）", "各页相同", SHOULD))
            wanted.pop()
    for kind, label, role in wanted:
        footer = _footer(package, section, kind)
        field = _page_field(footer) if footer is not None else None
        if field is None:
            out.append(Deviation(label, f"页脚中有页码“{shown}”", "无页码", SHOULD))
            continue
        p, before, after = field
        actual = f"{before}1{after}".replace("\u3000", " ")
        if actual.strip() != shown.strip() or (before.strip() and before != prefix):
            out.append(Deviation(f"{label} 格式", f"“{shown}”", f"“{actual}”", SHOULD))
        spec = profile.style(role)
        align = inherited(profile, spec, "align")
        form = resolver.paragraph_format(p)
        if align and form.align != align:
            out.append(Deviation(f"{label} 对齐", _ALIGN_LABELS[align], _ALIGN_LABELS[form.align],
                                 SHOULD))

        def add(what: str, expected: str, actual: str, severity: str, label=label) -> None:
            out.append(Deviation(f"{label} {what}", expected, actual, SHOULD))

        _run_figures(resolver.text_runs(p), profile, spec, add)
    return out


def _even_and_odd(package) -> bool:
    from drafter.document.docx_styles import is_on, related_part

    part = related_part(package.part, "settings")
    flag = part.element.find(W + "evenAndOddHeaders") if part is not None else None
    return bool(is_on(flag))


# ---------------------------------------------------------------- reports


def _group(deviations: list[Deviation]) -> list[list[Deviation]]:
    groups: dict[tuple, list[Deviation]] = {}
    for d in deviations:
        groups.setdefault((d.what, d.expected, d.actual, d.severity), []).append(d)
    return list(groups.values())


def format_layout(label: str, deviations: list[Deviation], profile: StyleProfile) -> str:
    """The human-readable report: one line per kind of deviation, with where it occurs."""
    if not deviations:
        return f"{label}：版式符合“{profile.title}”，未发现不符之处。"
    must = sum(1 for d in deviations if d.severity == MUST)
    lines = [f"{label}：版式与“{profile.title}”有 {len(deviations)} 处不符"
             f"（必须改 {must}，建议改 {len(deviations) - must}）"]
    for severity in (MUST, SHOULD):
        for group in _group([d for d in deviations if d.severity == severity]):
            first = group[0]
            line = f"  ［{SEVERITY_LABELS[severity]}］{first.what}：应为 {first.expected}，实为 {first.actual}"
            places = [d.paragraph for d in group if d.paragraph]
            if len(places) == 1:
                line += f"（第 {first.paragraph} 段“{first.excerpt}”）"
            elif places:
                shown = "、".join(str(n) for n in places[:MAX_PARAGRAPHS])
                more = f" 等 {len(places)} 段" if len(places) > MAX_PARAGRAPHS else " 段"
                line += f"（第 {shown}{more}，如第 {first.paragraph} 段“{first.excerpt}”）"
            lines.append(line)
    return "\n".join(lines)


def layout_json(results: list[tuple[str, list[Deviation]]]) -> str:
    return json.dumps([{"file": label, **asdict(d)} for label, items in results for d in items],
                      ensure_ascii=False, indent=2)
