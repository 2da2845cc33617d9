"""Style profiles: every layout figure of a document kind, loaded from YAML.

A profile (built-in ones live in drafter/styles/*.yaml) holds page size,
margins, the document grid, and one entry per Word style the writer uses. It is
data a template editor changes without Python, so it is validated here, at the
boundary, and every problem is reported at once with file:line. The writer
receives a clean, frozen `StyleProfile` and only converts units.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from drafter.errors import Problem, ProblemsError, UserError
from drafter.files.schema import Fields
from drafter.files.yamlio import YamlProblem, load_yaml_file

BUILTIN_DIR = Path(__file__).parent / "styles"
DEFAULT_PROFILE = "gongwen"
WHAT = "版式文件"
MAX_EXTENDS = 5
PAGE_FIELD = "{PAGE}"

# Traditional Chinese type sizes (字号) in points.
CN_SIZES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18,
    "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
    "六号": 7.5, "小六": 6.5, "七号": 5.5, "八号": 5,
}

ROLES = {
    "body": "正文",
    "title": "标题",
    "subtitle": "副标题",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "heading3": "三级标题",
    "heading4": "四级标题",
    "signature": "署名",
    "date": "日期",
    "placeholder": "待补充缺项",
    "footer": "页脚",
    "page_number_odd": "单页页码",
    "page_number_even": "双页页码",
}
CHARACTER_ROLES = {"placeholder"}

ALIGNMENTS = {"left": "左对齐", "center": "居中", "right": "右对齐", "justify": "两端对齐"}
# ST_HighlightColor: the only colours Word's highlighter knows.
HIGHLIGHTS = (
    "yellow", "green", "cyan", "magenta", "blue", "red", "darkBlue", "darkCyan",
    "darkGreen", "darkMagenta", "darkRed", "darkYellow", "darkGray", "lightGray",
    "black", "white",
)

TOP_KEYS = {
    "id": "版式编号", "title": "版式名称", "description": "简介", "extends": "继承的版式",
    "page": "页面", "grid": "文档网格", "language": "语言", "latin_language": "西文语言",
    "latin_font": "西文字体", "layout": "版面安排", "page_numbers": "页码",
    "font_fallbacks": "替代字体", "styles": "样式",
}
PAGE_KEYS = {
    "width_mm": "纸宽", "height_mm": "纸高", "margin_top_mm": "上边距",
    "margin_bottom_mm": "下边距", "margin_left_mm": "左边距", "margin_right_mm": "右边距",
    "header_mm": "页眉距页边", "footer_mm": "页脚距页边",
}
GRID_KEYS = {"lines_per_page": "每页行数", "chars_per_line": "每行字数"}
LAYOUT_KEYS = {
    "blank_lines_after_title": "标题后空行", "blank_lines_before_signature": "署名前空行",
}
PAGE_NUMBER_KEYS = {"format": "页码格式", "odd_even": "单双页不同"}
CHARACTER_KEYS = {
    "kind", "name", "id", "aliases", "based_on", "font", "latin_font", "size", "bold",
    "italic", "color", "highlight", "char_spacing",
}
PARAGRAPH_KEYS = (CHARACTER_KEYS - {"highlight"}) | {
    "next", "align", "first_line_indent", "left_indent", "right_indent", "line_spacing",
    "space_before", "space_after", "outline_level", "keep_with_next", "widow_control",
    "snap_to_grid",
}


class StyleSpec(NamedTuple):
    """One Word style as the profile defines it; None means "inherit from based_on".

    This and StyleProfile are NamedTuples, not frozen dataclasses: every render
    imports this module, and creating the two 25-field dataclasses cost ~6 ms.
    """

    role: str
    name: str
    kind: str = "paragraph"  # or "character"
    style_id: str = ""
    aliases: tuple[str, ...] = ()
    based_on: str = ""
    next: str = ""
    font: str = ""  # East Asian font (w:eastAsia)
    latin_font: str = ""  # w:ascii / w:hAnsi
    size: float | None = None  # points
    bold: bool | None = None
    italic: bool | None = None
    color: str = ""  # RRGGBB
    highlight: str = ""  # applied to each run: Word styles have no highlight
    char_spacing: float | None = None  # points added between characters (negative condenses)
    align: str = ""
    first_line_indent: float | None = None  # characters
    left_indent: float | None = None
    right_indent: float | None = None
    line_spacing: str | float | None = None  # "grid", "single" or exact points
    space_before: float | None = None  # lines
    space_after: float | None = None
    outline_level: int | None = None  # 1-9 as Word's UI counts them
    keep_with_next: bool | None = None
    widow_control: bool | None = None
    snap_to_grid: bool | None = None

    @property
    def label(self) -> str:
        """The name a Chinese Word user sees, e.g. “Heading 1（标题 1）”."""
        return f"{self.name}（{self.aliases[0]}）" if self.aliases else self.name


class StyleProfile(NamedTuple):
    id: str
    title: str
    source: str
    description: str
    width_mm: float
    height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    header_mm: float
    footer_mm: float
    lines_per_page: int
    chars_per_line: int
    language: str
    latin_language: str
    latin_font: str
    blank_lines_after_title: int
    blank_lines_before_signature: int
    page_number_format: str  # "" for no page numbers
    page_numbers_odd_even: bool
    font_fallbacks: tuple[tuple[str, str], ...]
    styles: tuple[StyleSpec, ...]

    def style(self, role: str) -> StyleSpec:
        for spec in self.styles:
            if spec.role == role:
                return spec
        raise KeyError(role)

    def by_name(self, name: str) -> StyleSpec | None:
        for spec in self.styles:
            if spec.name == name:
                return spec
        return None

    def size_of(self, role: str) -> float:
        """The font size a style ends up with, following based_on inside the profile."""
        spec: StyleSpec | None = self.style(role)
        seen: set[str] = set()
        while spec is not None and spec.name not in seen:
            if spec.size is not None:
                return spec.size
            seen.add(spec.name)
            spec = self.by_name(spec.based_on) if spec.based_on else None
        return self.body_size

    @property
    def body_size(self) -> float:
        return self.style("body").size or 0.0

    # Geometry. Word stores lengths in twentieths of a point (twips).
    @staticmethod
    def twips(mm: float) -> int:
        return round(mm * 1440 / 25.4)

    @property
    def text_width_twips(self) -> int:
        return (self.twips(self.width_mm) - self.twips(self.margin_left_mm)
                - self.twips(self.margin_right_mm))

    @property
    def text_height_twips(self) -> int:
        return (self.twips(self.height_mm) - self.twips(self.margin_top_mm)
                - self.twips(self.margin_bottom_mm))

    @property
    def line_pitch_twips(self) -> int:
        """Grid line pitch, rounded down: Word fits floor(text height / pitch) lines."""
        return self.text_height_twips // self.lines_per_page

    @property
    def char_space(self) -> int:
        """w:charSpace: extra pitch per character over the body size, in 1/4096 pt.

        Rounded down so that floor(text width / pitch) is exactly chars_per_line.
        """
        pitch_pt = self.text_width_twips / self.chars_per_line / 20
        return math.floor((pitch_pt - self.body_size) * 4096)

    def line_spacing_twips(self, spec: StyleSpec) -> int | None:
        """Exact line height for a style, or None for single spacing / inherited."""
        if spec.line_spacing == "grid":
            return self.line_pitch_twips
        if isinstance(spec.line_spacing, int | float):
            return round(spec.line_spacing * 20)
        return None


# ---------------------------------------------------------------- loading


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def _is_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def resolve_profile(name_or_path: str | Path, folder: Path | None = None) -> Path:
    """A built-in profile name or a YAML file path (relative to `folder` if given)."""
    if isinstance(name_or_path, Path) or _is_path(str(name_or_path)):
        path = Path(name_or_path)
        if not path.is_absolute() and folder is not None:
            path = folder / path
        if not path.is_file():
            raise UserError(f"找不到版式文件：{path}。请检查路径是否正确。")
        return path
    name = str(name_or_path)
    path = BUILTIN_DIR / f"{name}.yaml"
    if not path.is_file():
        known = "、".join(builtin_profiles()) or "（无）"
        raise UserError(
            f"找不到版式“{name}”。内置版式：{known}。"
            "也可以给出版式 YAML 文件的路径，例如 style: 我的版式.yaml。"
        )
    return path


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE, folder: Path | None = None
                 ) -> StyleProfile:
    """Load and validate a profile: a built-in name ("gongwen") or a path to a YAML file.

    `folder` is where relative paths are looked up (a template folder may carry its
    own profile file). Raises UserError/ProblemsError with Chinese, located messages.
    """
    path = resolve_profile(name_or_path, folder).resolve()
    stat = path.stat()
    return _load_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: Path, _mtime: int, _size: int) -> StyleProfile:
    data, where = _read_with_extends(path, ())
    return _Validator(data, where, str(path)).profile()


Where = dict[tuple, tuple[str, int | None]]


def _read_with_extends(path: Path, chain: tuple[Path, ...]) -> tuple[dict, Where]:
    """Read one file and, if it says `extends`, merge it over its parent."""
    try:
        loaded = load_yaml_file(path, WHAT)
    except YamlProblem as exc:
        raise ProblemsError([exc.problem], headline="版式文件有误") from None
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        raise ProblemsError([Problem("版式文件的顶层应当是“键: 值”的映射。", file=loaded.file,
                                     line=loaded.line())], headline="版式文件有误")
    where: Where = {p: (loaded.file, ln) for p, ln in loaded.lines.items()}
    parent = data.get("extends")
    if parent in (None, ""):
        return data, where
    if not isinstance(parent, str):
        raise ProblemsError([Problem("extends 应当是版式名称或文件路径。", file=loaded.file,
                                     line=loaded.line("extends"), field="extends")],
                            headline="版式文件有误")
    parent_path = resolve_profile(parent, path.parent).resolve()
    if parent_path in chain or parent_path == path or len(chain) >= MAX_EXTENDS:
        raise ProblemsError([Problem(f"extends 形成循环或层数过多（{parent}）。", file=loaded.file,
                                     line=loaded.line("extends"), field="extends")],
                            headline="版式文件有误")
    base, base_where = _read_with_extends(parent_path, (*chain, path))
    return _merge(base, data), {**base_where, **where}


def _merge(base: dict, child: dict) -> dict:
    merged = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    merged.pop("extends", None)
    return merged


class _Validator(Fields):
    """Turns merged YAML data into a StyleProfile, collecting every problem."""

    def __init__(self, data: dict, where: Where, file: str):
        self.data = data
        self.file = file

        def locate(path: tuple) -> tuple[str, int | None]:
            key = path
            while key:
                if key in where:
                    return where[key]
                key = key[:-1]
            return where.get((), (file, None))

        super().__init__(locate)

    def size(self, path: tuple, value: object) -> float | None:
        if value is None:
            return None
        if isinstance(value, str) and value.strip() in CN_SIZES:
            return float(CN_SIZES[value.strip()])
        if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 400:
            return float(value)
        self.problem(path, f"字号“{value}”无法识别。请写磅值（如 16）或字号名（如 三号、小四）。")
        return None

    # -- sections

    def profile(self) -> StyleProfile:
        d = self.mapping((), self.data, TOP_KEYS)
        page = self.mapping(("page",), d.get("page"), PAGE_KEYS)
        if "page" not in d:
            self.problem(("page",), "缺少页面设置 page。")
        figures = {key: self.number(("page", key), page.get(key), high=2000) for key in PAGE_KEYS}
        grid = self.mapping(("grid",), d.get("grid"), GRID_KEYS)
        lines = self.number(("grid", "lines_per_page"), grid.get("lines_per_page"), low=1,
                            high=200, integer=True)
        chars = self.number(("grid", "chars_per_line"), grid.get("chars_per_line"), low=1,
                            high=200, integer=True)
        layout = self.mapping(("layout",), d.get("layout"), LAYOUT_KEYS)
        blank = {
            key: self.number(("layout", key), layout.get(key, 0), high=10, integer=True)
            for key in LAYOUT_KEYS
        }
        numbers = self.mapping(("page_numbers",), d.get("page_numbers"), PAGE_NUMBER_KEYS)
        number_format = self.text(("page_numbers", "format"), numbers.get("format"))
        if number_format and number_format.count(PAGE_FIELD) != 1:
            self.problem(("page_numbers", "format"),
                         f"页码格式应当恰好含一个 {PAGE_FIELD}，例如“— {PAGE_FIELD} —”。")
        odd_even = self.flag(("page_numbers", "odd_even"), numbers.get("odd_even"))
        fallbacks = self.mapping(("font_fallbacks",), d.get("font_fallbacks"),
                                 set(d.get("font_fallbacks") or {}))
        styles = self.styles(d.get("styles"))

        if all(figures.values()) and lines and chars and not self.problems:
            width = figures["width_mm"] - figures["margin_left_mm"] - figures["margin_right_mm"]
            height = figures["height_mm"] - figures["margin_top_mm"] - figures["margin_bottom_mm"]
            if width <= 0 or height <= 0:
                self.problem(("page",), "页边距太大，版心没有空间了。")
        if self.problems:
            raise ProblemsError(self.problems, headline="版式文件有误")
        return StyleProfile(
            id=self.text(("id",), d.get("id")) or Path(self.file).stem,
            title=self.text(("title",), d.get("title")) or Path(self.file).stem,
            source=self.file,
            description=self.text(("description",), d.get("description")),
            lines_per_page=int(lines or 0),
            chars_per_line=int(chars or 0),
            language=self.text(("language",), d.get("language")) or "zh-CN",
            latin_language=self.text(("latin_language",), d.get("latin_language")) or "en-US",
            latin_font=self.text(("latin_font",), d.get("latin_font")),
            blank_lines_after_title=int(blank["blank_lines_after_title"] or 0),
            blank_lines_before_signature=int(blank["blank_lines_before_signature"] or 0),
            page_number_format=number_format,
            page_numbers_odd_even=bool(odd_even),
            font_fallbacks=tuple((str(k), str(v)) for k, v in fallbacks.items() if v),
            styles=styles,
            **{key: float(value or 0) for key, value in figures.items()},
        )

    def styles(self, value: object) -> tuple[StyleSpec, ...]:
        table = self.mapping(("styles",), value, ROLES)
        specs: list[StyleSpec] = []
        for role, label in ROLES.items():
            if role not in table:
                self.problem(("styles",), f"缺少样式 {role}（{label}）。")
                continue
            spec = self.style(role, table[role])
            if spec is not None:
                specs.append(spec)
        names = {spec.name for spec in specs}
        for spec in specs:
            for ref, key in ((spec.based_on, "based_on"), (spec.next, "next")):
                if ref and ref not in names:
                    self.problem(("styles", spec.role, key),
                                 f"样式“{ref}”不在本版式中。可用：{'、'.join(sorted(names))}。")
        if specs and not self.problems:
            body = next(s for s in specs if s.role == "body")
            if body.size is None or not body.font:
                self.problem(("styles", "body"), "正文样式必须写明 font 和 size。")
            self.check_cycles(specs)
        return tuple(specs)

    def check_cycles(self, specs: list[StyleSpec]) -> None:
        by_name = {s.name: s for s in specs}
        for spec in specs:
            seen, cur = set(), spec
            while cur is not None and cur.based_on:
                if cur.name in seen:
                    self.problem(("styles", spec.role, "based_on"), "based_on 形成了循环。")
                    break
                seen.add(cur.name)
                cur = by_name.get(cur.based_on)

    def style(self, role: str, value: object) -> StyleSpec | None:
        path = ("styles", role)
        kind = value.get("kind", "paragraph") if isinstance(value, dict) else "paragraph"
        expected = "character" if role in CHARACTER_ROLES else "paragraph"
        if kind != expected:
            self.problem((*path, "kind"), f"{ROLES[role]}样式的 kind 应当是 {expected}。")
            return None
        keys = CHARACTER_KEYS if kind == "character" else PARAGRAPH_KEYS
        before = len(self.problems)
        d = self.mapping(path, value, keys)
        name = self.text((*path, "name"), d.get("name"), required=True)
        aliases = self.text_list((*path, "aliases"), d.get("aliases") or None, "[标题 1]")
        color = self.text((*path, "color"), d.get("color"))
        if color and not (len(color) == 6 and all(c in "0123456789abcdefABCDEF" for c in color)):
            self.problem((*path, "color"), f"颜色“{color}”应当是六位十六进制数，例如 FF0000（红）。")
        highlight = self.choice((*path, "highlight"), d.get("highlight"), HIGHLIGHTS,
                                "突出显示颜色")
        align = self.choice((*path, "align"), d.get("align"), ALIGNMENTS, "对齐方式")
        spacing = d.get("line_spacing")
        if spacing is not None and spacing not in ("grid", "single"):
            spacing = self.number((*path, "line_spacing"), spacing, low=1, high=200)
        level = self.number((*path, "outline_level"), d.get("outline_level"), low=1, high=9,
                            required=False, integer=True)
        indents = {
            key: self.number((*path, key), d.get(key), high=50, required=False)
            for key in ("first_line_indent", "left_indent", "right_indent")
        }
        spaces = {
            key: self.number((*path, key), d.get(key), high=20, required=False)
            for key in ("space_before", "space_after")
        }
        flags = {
            key: self.flag((*path, key), d.get(key))
            for key in ("bold", "italic", "keep_with_next", "widow_control", "snap_to_grid")
        }
        spec = StyleSpec(
            role=role,
            name=name,
            kind=kind,
            style_id=self.text((*path, "id"), d.get("id")),
            aliases=tuple(aliases),
            based_on=self.text((*path, "based_on"), d.get("based_on")),
            next=self.text((*path, "next"), d.get("next")),
            font=self.text((*path, "font"), d.get("font")),
            latin_font=self.text((*path, "latin_font"), d.get("latin_font")),
            size=self.size((*path, "size"), d.get("size")),
            char_spacing=self.number((*path, "char_spacing"), d.get("char_spacing"), low=-5,
                                     high=5, required=False),
            color=color.upper(),
            highlight=highlight,
            align=align,
            line_spacing=spacing,
            outline_level=None if level is None else int(level),
            **indents,
            **spaces,
            **flags,
        )
        return spec if len(self.problems) == before else None
