"""The .docx writer: every 公文 layout figure, read back from the file a user opens."""

from __future__ import annotations

import datetime as dt
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from drafter.document.model import parse_outline
from drafter.writers.docx import write_docx
from drafter.writers.styles import load_profile

ORG = "某某县科学技术协会"
TITLE = "2024年县科协“六个坚持”经验交流材料"
LEVEL1 = [
    "必须坚持党对群团工作的统一领导，确保科协工作正确政治方向。",
    "必须坚持发挥桥梁纽带作用，把科技工作者紧紧团结在党的周围。",
    "必须坚持围绕中心、服务大局，助力县域经济高质量发展。",
    "必须坚持服务群众的工作生命线，让科普惠及城乡群众。",
    "必须坚持与时俱进、改革创新，增强科协组织活力。",
    "必须坚持依法依章程独立自主开展工作，提升履职能力。",
]
OUTLINE = f"""# {TITLE}
@副标题 ——在全市科协系统工作会议上的交流发言

近年来，县科协认真学习贯彻《中共中央关于加强和改进党的群团工作的意见》，全年开展科普活动【待补充：科普活动场次】场。

## {LEVEL1[0]}
科协是党领导下的人民团体，政治性是第一属性。
### 健全党建工作机制
县科协党组每季度专题研究科协工作。
#### 落实“第一议题”制度
坚持把学习贯彻习近平总书记重要讲话精神作为第一议题。
##### 开展主题党日
每月开展一次主题党日活动。
#### 加强意识形态工作
定期分析研判科技界思想动态。
### 建强基层组织
推动乡镇科协、企业科协全覆盖。
## {LEVEL1[1]}
广泛联系服务科技工作者。
## {LEVEL1[2]}
围绕县委中心工作开展科技服务。
## {LEVEL1[3]}
深入开展全国科普日活动。
## {LEVEL1[4]}
推进科协组织“3+1”改革。
## {LEVEL1[5]}
严格按照章程开展工作。
@结尾
总之，我们将坚持“六个坚持”，不断开创科协工作新局面。
@署名 {ORG}
@日期 2024年5月8日
"""


@pytest.fixture(scope="module")
def profile():
    return load_profile("gongwen")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, profile):
    """The sample written once; tests read the file back as a user's Word would."""
    path = tmp_path_factory.mktemp("docx") / "材料.docx"
    document = parse_outline(OUTLINE, author=ORG)
    created = dt.datetime(2024, 5, 8, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with path.open("wb") as stream:
        notes = write_docx(document, stream, profile,
                           properties={"created": created, "subject": "经验交流材料",
                                       "keywords": "六个坚持"})
    return path, notes


@pytest.fixture(scope="module")
def out(rendered):
    return docx.Document(str(rendered[0]))


def rpr_fonts(style):
    fonts = style.element.rPr.rFonts
    return {name: fonts.get(qn(f"w:{name}")) for name in ("eastAsia", "ascii", "hAnsi", "hint")}


def indent(style):
    ind = style.element.pPr.find(qn("w:ind"))
    return {k.split("}")[1]: v for k, v in ind.attrib.items()}


def outline_level(style):
    level = style.element.pPr.find(qn("w:outlineLvl"))
    return None if level is None else int(level.get(qn("w:val")))


def paragraphs_in(out, style_name):
    return [p.text for p in out.paragraphs if p.style.name == style_name]


# ------------------------------------------------------------------- package


def test_writes_a_valid_package_that_python_docx_reopens(rendered):
    path, notes = rendered
    assert notes == []
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # every part is well-formed XML
    assert docx.Document(str(path)).paragraphs


def test_no_default_template_leftovers(rendered):
    with zipfile.ZipFile(rendered[0]) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8")
        names = archive.namelist()
    for leftover in ("Calibri", "Cambria", "asciiTheme", "majorHAnsi", "minorHAnsi",
                     "themeColor", "python-docx", "ja-JP"):
        assert leftover not in everything
    assert not any(n.startswith(("customXml", "docProps/thumbnail")) for n in names)


def test_headings_have_no_colour_or_theme_font(out):
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        rPr = out.styles[name].element.rPr
        assert rPr.find(qn("w:color")) is None
        assert not any("Theme" in key for key in rPr.rFonts.attrib)


def test_core_properties(out):
    core = out.core_properties
    assert core.title == TITLE
    assert core.author == ORG
    assert core.last_modified_by == ORG
    assert core.subject == "经验交流材料"
    assert core.keywords == "六个坚持"
    assert core.created == dt.datetime(2024, 5, 8, 9, 30, tzinfo=dt.UTC)
    assert core.comments == ""


# ---------------------------------------------------------------------- page


def test_a4_page_and_margins(out):
    section = out.sections[0]
    tolerance = Mm(0.05)
    for actual, mm in ((section.page_width, 210), (section.page_height, 297),
                       (section.top_margin, 37), (section.bottom_margin, 35),
                       (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(actual - Mm(mm)) <= tolerance, (actual.mm, mm)


def test_document_grid_gives_22_lines_of_28_characters(out):
    grid = out.element.body.sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    line_pitch = int(grid.get(qn("w:linePitch")))
    char_space = int(grid.get(qn("w:charSpace")))
    assert (line_pitch, char_space) == (579, -842)
    # Word fits floor(text area / pitch) lines and characters.
    section = out.sections[0]
    text_height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    assert text_height // line_pitch == 22
    char_pitch = (16 + char_space / 4096) * 20
    assert int(text_width // char_pitch) == 28


# -------------------------------------------------------------------- styles


def test_document_defaults_are_chinese(out):
    rPr = out.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert rPr.find(qn("w:sz")).get(qn("w:val")) == "32"


@pytest.mark.parametrize(
    ("name", "font", "size", "bold", "align", "first_line_chars", "level"),
    [
        ("Normal", "仿宋_GB2312", 16, None, WD_ALIGN_PARAGRAPH.JUSTIFY, "200", None),
        ("Title", "方正小标宋简体", 22, False, WD_ALIGN_PARAGRAPH.CENTER, "0", None),
        ("Subtitle", "楷体_GB2312", 16, False, WD_ALIGN_PARAGRAPH.CENTER, "0", None),
        ("Heading 1", "黑体", 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY, "200", 0),
        ("Heading 2", "楷体_GB2312", 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY, "200", 1),
        ("Heading 3", "仿宋_GB2312", 16, True, WD_ALIGN_PARAGRAPH.JUSTIFY, "200", 2),
        ("Heading 4", "仿宋_GB2312", 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY, "200", 3),
    ],
)
def test_paragraph_style_figures(out, name, font, size, bold, align, first_line_chars, level):
    style = out.styles[name]
    fonts = rpr_fonts(style)
    assert fonts["eastAsia"] == font
    assert fonts["ascii"] == fonts["hAnsi"] == "Times New Roman"
    assert fonts["hint"] == "eastAsia"
    assert style.font.size == Pt(size)
    assert style.font.bold is bold
    fmt = style.paragraph_format
    assert fmt.alignment == align
    ind = indent(style)
    assert ind["firstLineChars"] == first_line_chars
    assert int(ind["firstLine"]) == int(first_line_chars) // 100 * size * 20  # twips fallback
    assert outline_level(style) == level
    assert fmt.keep_with_next is (True if level is not None else None)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28.95)
    assert fmt.space_before == 0 and fmt.space_after == 0
    if name != "Normal":
        assert style.base_style.name == "Normal"


def test_heading_styles_are_builtin_and_in_the_gallery(out):
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        style = out.styles[name]
        assert style.builtin and style.quick_style
        assert style.next_paragraph_style.name == "Normal"


def test_signature_and_date_are_right_aligned(out):
    signature, date = out.styles["Signature"], out.styles["Date"]
    assert signature.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert indent(signature)["rightChars"] == "200"
    assert indent(date)["rightChars"] == "400"
    assert indent(date)["firstLineChars"] == "0"
    assert paragraphs_in(out, "Signature") == [ORG]
    assert paragraphs_in(out, "Date") == ["2024年5月8日"]


# ------------------------------------------------------------------- content


def test_six_level_one_headings_numbered_in_order(out):
    numbers = "一二三四五六"
    assert paragraphs_in(out, "Heading 1") == [f"{n}、{t}" for n, t in zip(numbers, LEVEL1,
                                                                           strict=True)]


def test_lower_heading_levels_numbered(out):
    assert paragraphs_in(out, "Heading 2") == ["（一）健全党建工作机制", "（二）建强基层组织"]
    assert paragraphs_in(out, "Heading 3") == ["1.落实“第一议题”制度", "2.加强意识形态工作"]
    assert paragraphs_in(out, "Heading 4") == ["（1）开展主题党日"]


def test_title_subtitle_and_body_carry_styles_not_direct_formatting(out):
    assert paragraphs_in(out, "Title") == [TITLE]
    assert paragraphs_in(out, "Subtitle") == ["——在全市科协系统工作会议上的交流发言"]
    body = [p for p in out.paragraphs if p.style.name == "Normal" and p.text]
    assert body[0].text.startswith("近年来，县科协")
    assert body[-1].text.startswith("总之")
    texts = [p.text for p in out.paragraphs]
    closing = texts.index(ORG) - 2  # the 总之 paragraph, the blank line, signature, date
    for index, paragraph in enumerate(out.paragraphs):
        pPr = paragraph._p.pPr
        extra = [] if pPr is None else [c.tag for c in pPr if c.tag != qn("w:pStyle")]
        # keep-with-next holds the closing block together: that is pagination, not looks
        assert extra == ([qn("w:keepNext")] if closing <= index < len(texts) - 1 else []), \
            paragraph.text
        for run in paragraph.runs:
            if "待补充" not in run.text:  # only the East Asian hint, no formatting
                fonts = {qn("w:hint"): "eastAsia"}
                if run.text in ("——", "”"):  # at the start, after “3+1”: LibreOffice, which
                    # ignores the hint, would take them for Latin; the Latin slots name the
                    # style's Chinese font too
                    east_asian = rpr_fonts(paragraph.style)["eastAsia"]
                    fonts = {qn("w:ascii"): east_asian, qn("w:hAnsi"): east_asian, **fonts}
                assert [(c.tag, dict(c.attrib)) for c in run._r.rPr] == [
                    (qn("w:rFonts"), fonts)], run.text


def test_blank_line_after_title_group_and_before_signature(out):
    texts = [p.text for p in out.paragraphs]
    assert texts[:3] == [TITLE, "——在全市科协系统工作会议上的交流发言", ""]
    signature = texts.index(ORG)
    assert texts[signature - 1] == "" and texts[signature - 2].startswith("总之")


def test_placeholder_is_highlighted_and_red(out):
    runs = [r for p in out.paragraphs for r in p.runs if r.text.startswith("【待补充")]
    assert [r.text for r in runs] == ["【待补充：科普活动场次】"]
    run = runs[0]
    assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert run.style.name == "待补充"
    assert str(run.style.font.color.rgb) == "FF0000"


def test_placeholder_and_table_cells_split_their_shared_punctuation_too(tmp_path, profile):
    """A placeholder keeps its style and highlight around a piece named for LibreOffice;
    a table cell's line (text read from Word) is split like a body paragraph."""
    from drafter.document.model import Block, Document, Kind, Span

    document = Document((
        Block(Kind.PARAGRAPH, (Span("【待补充：×】", placeholder=True),)),
        Block(Kind.TABLE, (), rows=(("“数据”", "2024——"),)),
    ))
    path = tmp_path / "表格.docx"
    with path.open("wb") as stream:
        write_docx(document, stream, profile)
    out = docx.Document(str(path))
    placeholder = out.paragraphs[0].runs
    assert [r.text for r in placeholder] == ["【待补充：", "×", "】"]
    assert {r.style.name for r in placeholder} == {"待补充"}
    assert {r.font.highlight_color for r in placeholder} == {WD_COLOR_INDEX.YELLOW}
    assert placeholder[1]._r.rPr.rFonts.get(qn("w:ascii")) == "仿宋_GB2312"
    cells = out.tables[0].rows[0].cells
    assert [[(r.text, r._r.rPr.rFonts.get(qn("w:hAnsi"))) for r in c.paragraphs[0].runs]
            for c in cells] == [[("“", "仿宋_GB2312"), ("数据”", None)],
                                [("2024", None), ("——", "仿宋_GB2312")]]


# -------------------------------------------------------------- page numbers


def test_odd_and_even_footers_carry_page_numbers(out):
    section = out.sections[0]
    assert out.settings.odd_and_even_pages_header_footer is True
    expected = {"default": (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "rightChars"),
                "even": (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "leftChars")}
    for footer, align, side in expected.values():
        assert not footer.is_linked_to_previous
        paragraph = footer.paragraphs[0]
        runs = paragraph._p.findall(qn("w:r"))
        assert runs[0].findtext(qn("w:t")) == "— "
        assert runs[-1].findtext(qn("w:t")) == " —"
        field = [r.find(qn("w:fldChar")).get(qn("w:fldCharType")) for r in runs
                 if r.find(qn("w:fldChar")) is not None]
        assert field == ["begin", "separate", "end"]
        assert [r.findtext(qn("w:instrText")).strip() for r in runs
                if r.find(qn("w:instrText")) is not None] == ["PAGE"]
        assert paragraph.text == "— 1 —"
        style = paragraph.style
        assert style.paragraph_format.alignment == align
        assert indent(style)[side] == "100"
        footer_style = style.base_style
        assert rpr_fonts(footer_style)["eastAsia"] == "宋体"
        assert footer_style.font.size == Pt(14)
    refs = out.element.body.sectPr.findall(qn("w:footerReference"))
    assert sorted(r.get(qn("w:type")) for r in refs) == ["default", "even"]


# ------------------------------------------------------------ robustness


def test_control_characters_are_dropped_with_a_note(tmp_path, profile):
    document = parse_outline("# 标题\n\n正文\x01含有\x08控制字符。\n", author=ORG)
    path = tmp_path / "x.docx"
    with path.open("wb") as stream:
        notes = write_docx(document, stream, profile)
    assert notes == ["已删除 2 个无法写入 Word 文件的控制字符。"]
    assert "正文含有控制字符。" in [p.text for p in docx.Document(str(path)).paragraphs]


def test_each_document_starts_clean_when_the_base_is_reused(tmp_path, profile):
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    with first.open("wb") as stream:
        write_docx(parse_outline("# 甲\n\n甲的正文。\n"), stream, profile)
    with second.open("wb") as stream:
        write_docx(parse_outline("# 乙\n\n乙的正文。\n"), stream, profile)
    texts = [p.text for p in docx.Document(str(second)).paragraphs]
    assert texts == ["乙", "", "乙的正文。"]


def test_long_title_fits_core_property_limit(tmp_path, profile):
    title = "长" * 300
    path = tmp_path / "long.docx"
    with path.open("wb") as stream:
        write_docx(parse_outline(f"# {title}\n"), stream, profile)
    out = docx.Document(str(path))
    assert out.core_properties.title == "长" * 255
    assert out.paragraphs[0].text == title


def test_figures_come_from_the_profile(tmp_path):
    custom = tmp_path / "宽边.yaml"
    custom.write_text(
        "extends: gongwen\ntitle: 宽边\npage:\n  margin_left_mm: 35\n"
        "styles:\n  heading1:\n    font: 方正黑体_GBK\n",
        encoding="utf-8",
    )
    path = tmp_path / "c.docx"
    with path.open("wb") as stream:
        write_docx(parse_outline(OUTLINE), stream, load_profile(custom))
    out = docx.Document(str(path))
    assert abs(out.sections[0].left_margin - Mm(35)) <= Mm(0.05)
    assert rpr_fonts(out.styles["Heading 1"])["eastAsia"] == "方正黑体_GBK"


def test_profile_without_page_numbers_writes_no_footer(tmp_path):
    custom = tmp_path / "无页码.yaml"
    custom.write_text("extends: gongwen\npage_numbers:\n  format: ''\n", encoding="utf-8")
    path = tmp_path / "n.docx"
    with path.open("wb") as stream:
        write_docx(parse_outline(OUTLINE), stream, load_profile(custom))
    out = docx.Document(str(path))
    assert out.element.body.sectPr.find(qn("w:footerReference")) is None
    assert not out.settings.odd_and_even_pages_header_footer


def test_empty_document_still_opens(tmp_path, profile):
    path = tmp_path / "empty.docx"
    with path.open("wb") as stream:
        assert write_docx(parse_outline(""), stream, profile) == []
    assert [p.text for p in docx.Document(str(path)).paragraphs] == [""]
