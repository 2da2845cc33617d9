"""Layout slips found by measuring drafts in LibreOffice (issue 16, items 10–12).

One LibreOffice start converts every document below: a draft on a team's
letterhead reference (its header must be on even pages too), drafts whose
closing block falls on a page break (the date never alone on a page), a
paragraph that opens with a quotation mark (it takes the Chinese font, so it is
a full character wide), and a subtitle's —— and Chinese punctuation beside Latin
words and numbers (Chinese font for the punctuation, Latin font for the rest).
The XML-level promises behind them are checked too.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from office import (
    HAS_OFFICE,
    char_fonts,
    needs_office,
    needs_pdftotext,
    pdf_pages,
    squash,
    to_pdf,
    words,
)

from drafter.document.model import parse_outline
from drafter.writers.docx import write_docx
from drafter.writers.styles import load_profile

LETTERHEAD = "某某市总工会办公室（内部资料）"
BODY_LINE = "县总工会坚持服务职工，扎实推进各项工作。"  # 20 characters: one line with the indent
SIGNATURE = "某某县总工会"
DATE = "2024年5月8日"
QUOTED = "“六个坚持”是做好群团工作的根本遵循"  # 18 characters, all full width
SUBTITLE = "——在全市工会工作会议上的交流发言"
# Chinese punctuation where LibreOffice would take it for Latin: after a number, between
# Latin letters, and the Latin-1 middle dot; beside them Latin words and numbers.
MIXED = "全年开展活动2024场，覆盖ABC等协会。2024“科普”年，A—B，习近平·讲话。"
LATIN_FONT = "DejaVuSerif"


def reference_docx(path: Path) -> Path:
    """A house document as Word on a Japanese system leaves it: letterhead header, 仿宋 named
    next to a theme font, ja-JP theme language, company and manager, thumbnail, customXml."""
    reference = docx.Document()  # python-docx's template carries the thumbnail and customXml
    reference.sections[0].header.paragraphs[0].text = LETTERHEAD
    fonts = reference.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    reference.add_paragraph("参考文档里的旧内容。")
    buffer = io.BytesIO()
    reference.save(buffer)
    parts = {}
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts["docProps/app.xml"] = parts["docProps/app.xml"].replace(
        b"<ScaleCrop>", b"<Company>\xe6\x9f\x90\xe6\x9f\x90\xe5\x85\xac\xe5\x8f\xb8</Company>"
                        b"<Manager>\xe5\xbc\xa0\xe4\xb8\x89</Manager><ScaleCrop>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def draft(outline: str, reference: Path | None = None, profile=None) -> bytes:
    buffer = io.BytesIO()
    write_docx(parse_outline(outline, author=SIGNATURE), buffer, profile or load_profile(),
               reference_docx=reference)
    return buffer.getvalue()


def latin_profile(factory):
    """The 公文 profile with an installed Latin font, so that Latin and CJK faces differ."""
    path = factory.mktemp("profile") / "latin.yaml"
    path.write_text("extends: gongwen\nlatin_font: DejaVu Serif\n", "utf-8")
    return load_profile(path)


def closing_outline(body_lines: int) -> str:
    """Title (line 1), a blank line, `body_lines` one-line paragraphs, a blank line, signature,
    date: with 18 the date falls on line 23, alone on page 2, unless the block is kept."""
    body = "\n".join(f"{BODY_LINE}\n" for _ in range(body_lines))
    return f"# 2024年县总工会经验交流材料\n\n{body}\n@署名 {SIGNATURE}\n@日期 {DATE}\n"


LONG = "\n".join(["# 2024年县总工会经验交流材料", ""] + [BODY_LINE * 4 + "\n"] * 40)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    return reference_docx(tmp_path_factory.mktemp("ref") / "信头.docx")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, reference):
    if not HAS_OFFICE:
        pytest.skip("LibreOffice（soffice）未安装：PDF 版面测试需要它")
    documents = {
        "reference": draft(LONG, reference),
        "closing18": draft(closing_outline(18)),
        "closing19": draft(closing_outline(19)),
        "quote": draft(f"# 标题\n\n{QUOTED}\n", profile=latin_profile(tmp_path_factory)),
        "mixed": draft(f"# 标题\n@副标题 {SUBTITLE}\n\n{MIXED}\n",
                       profile=latin_profile(tmp_path_factory)),
    }
    converted = to_pdf(list(documents.values()), tmp_path_factory.mktemp("layout"))
    return dict(zip(documents, converted, strict=True))


# ------------------------------------------------------------------ reference docx (item 10)


@needs_office
def test_the_letterhead_is_on_even_pages_too(pdfs):
    pages = pdf_pages(pdfs["reference"])
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert squash(LETTERHEAD) in squash(text), number


def test_the_even_header_is_a_copy_of_the_letterhead(reference):
    out = docx.Document(io.BytesIO(draft(LONG, reference)))
    section = out.sections[0]
    assert out.settings.odd_and_even_pages_header_footer
    assert not section.even_page_header.is_linked_to_previous
    assert section.even_page_header.paragraphs[0].text == LETTERHEAD


def test_nothing_about_the_reference_file_itself_reaches_the_draft(reference):
    data = draft(LONG, reference)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert not [n for n in names if n.startswith(("customXml/", "docProps/thumbnail",
                                                   "docProps/app", "docProps/custom"))]
    assert "某某公司".encode() not in everything and "张三".encode() not in everything
    assert b"extended-properties" not in everything and b"/thumbnail" not in everything


def test_the_reference_keeps_its_named_fonts_in_chinese(reference):
    """Its ja-JP theme language and a theme font set beside 仿宋 no longer override the name."""
    with zipfile.ZipFile(io.BytesIO(draft(LONG, reference))) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
    assert '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>' in settings
    normal = styles[styles.index('w:styleId="Normal"'):]
    normal = normal[:normal.index("</w:style>")]
    assert 'w:eastAsia="仿宋_GB2312"' in normal and "eastAsiaTheme" not in normal
    defaults = styles[styles.index("<w:docDefaults>"):styles.index("</w:docDefaults>")]
    assert 'w:eastAsia="zh-CN"' in defaults and "ja-JP" not in defaults


# ------------------------------------------------------------------ the closing block (item 11)


@needs_office
@pytest.mark.parametrize("name", ["closing18", "closing19"])
def test_the_closing_block_stays_together(pdfs, name):
    """Last paragraph, signature and date on one page: never a date alone on the last page."""
    pages = [squash(text) for text in pdf_pages(pdfs[name])]
    assert len(pages) == 2
    last = pages[-1]
    assert SIGNATURE in last and squash(DATE) in last
    assert BODY_LINE in last  # the last body paragraph came along
    assert SIGNATURE not in pages[0]


# ------------------------------------------------------------------ the font hint (item 12)


@needs_office
@needs_pdftotext
def test_an_opening_quotation_mark_takes_the_chinese_font(pdfs):
    """An opening “ in the Latin font is about 8 pt wide instead of a full character (15.7 pt
    with the body's spacing). The Latin font here is DejaVu Serif, which is installed, so the
    difference shows; with Times New Roman missing, LibreOffice substitutes a CJK font.
    LibreOffice ignores w:hint, so the “ is in a run that names 仿宋 for the Latin slots too."""
    (line,) = [w for w in words(pdfs["quote"], 1) if w[4].startswith("“")]
    width = line[2] - line[0]
    assert width == pytest.approx(len(QUOTED) * 15.73, abs=2), width
    text, fonts = char_fonts(pdfs["quote"], 1)
    start = text.index(QUOTED)
    assert fonts[start] == fonts[start + 1] != LATIN_FONT


@needs_office
def test_the_subtitles_dashes_take_the_chinese_font(pdfs):
    text, fonts = char_fonts(pdfs["mixed"], 1)
    start = text.index(SUBTITLE)
    kai = fonts[start + 2]  # 在, in the subtitle's 楷体 (through the font aliases)
    assert fonts[start:start + len(SUBTITLE)] == [kai] * len(SUBTITLE)
    assert kai != LATIN_FONT


@needs_office
def test_latin_words_and_numbers_keep_the_latin_font_beside_chinese_punctuation(pdfs):
    """The fix changes only the shared punctuation: 2024, ABC, A and B stay in the Latin font,
    the “ after 2024, the — between A and B and the · take the body's Chinese font."""
    text, fonts = char_fonts(pdfs["mixed"], 1)
    start = text.index(MIXED)
    font = dict(enumerate(fonts[start:start + len(MIXED)]))
    fangsong = font[0]  # 全
    assert fangsong != LATIN_FONT
    for index, char in enumerate(MIXED):
        if char.isascii():
            assert font[index] == LATIN_FONT, (char, index)
        else:
            assert font[index] == fangsong, (char, index)


def word_draws_east_asian(char: str) -> bool:
    """Whether Word draws `char` in the East Asian font when the run's hint is eastAsia
    ([MS-OI29500] 2.1.88, rFonts): the listed Latin-1 characters, and General Punctuation
    through Dingbats (U+2000–27BF)."""
    latin1 = {0xA1, 0xA4, 0xA7, 0xA8, 0xAA, 0xAD, 0xAF, *range(0xB0, 0xB5), *range(0xB6, 0xBB),
              *range(0xBC, 0xC0), 0xD7, 0xF7}
    return ord(char) in latin1 or 0x2000 <= ord(char) <= 0x27BF


def runs_of(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """(paragraph style id, run fonts attributes without namespace, run text) of the body."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    out = []
    for paragraph in root.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else "Normal"
        for run in paragraph.iter(qn("w:r")):
            fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            attributes = {k.split("}")[1]: v for k, v in fonts.attrib.items()}
            out.append((style_id, attributes, "".join(t.text for t in run.iter(qn("w:t")))))
    return out


def test_every_run_carries_the_east_asian_hint():
    with zipfile.ZipFile(io.BytesIO(draft(f"# 标题\n@副标题 ——在会上的发言\n\n{QUOTED}\n"))) as a:
        body = a.read("word/document.xml").decode("utf-8")
        footers = [a.read(n).decode("utf-8") for n in a.namelist() if "footer" in n]
    runs = body.count("<w:r>")
    assert runs >= 3 and body.count('w:hint="eastAsia"/>') == runs
    for footer in footers:
        assert footer.count("<w:r>") == footer.count('w:hint="eastAsia"')


STYLE_FONTS = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Subtitle": "楷体_GB2312",
               "Heading3": "仿宋_GB2312"}


def test_the_characters_libreoffice_would_set_in_latin_name_the_chinese_font_for_latin_too():
    """Only those characters, in runs of their own whose Latin slots name the East Asian
    font of the paragraph's style; w:eastAsia stays with the style and the hint stays on."""
    outline = (f"# 2024年“六个坚持”\n@副标题 ——在会上的发言\n\n{QUOTED}\n\n{MIXED}\n\n"
               "## 一级\n### 二级\n#### “三长”制度\n")
    runs = runs_of(draft(outline))
    named = [(style, text) for style, fonts, text in runs if "ascii" in fonts]
    assert named == [("Subtitle", "——"), ("Normal", "“"), ("Normal", "“"), ("Normal", "—"),
                     ("Normal", "·"), ("Heading3", "“")]  # the last after “1.”
    for style, fonts, text in runs:
        assert fonts["hint"] == "eastAsia" and "eastAsia" not in fonts, text
        if "ascii" in fonts:
            assert fonts["ascii"] == fonts["hAnsi"] == STYLE_FONTS[style]
            assert set(fonts) == {"ascii", "hAnsi", "hint"}


def test_word_draws_every_such_character_in_the_east_asian_font_anyway():
    """Word follows the hint: for every character in those runs it uses the East Asian font,
    so naming that same font for the Latin slots changes nothing in Word or WPS."""
    text = ("“引号”‘单’——破折号……省略号·间隔号，×÷±°§※№℃①■□▲○●★→≤≥Ⅲ‰′″〃‖"
            "，ABC 2024 abc")
    named = []
    for start in ("", "ABC", "1.", "中"):
        named += [run for _, fonts, run in runs_of(draft(f"{start}{text}\n")) if "ascii" in fonts]
    assert "“" in named and "·" in named
    for run in named:
        assert all(word_draws_east_asian(char) for char in run), run


def test_latin_words_and_numbers_keep_the_styles_latin_font():
    runs = runs_of(draft(f"{MIXED}\n\nABC“引号”2024——abc·def\n"))
    for _, fonts, text in runs:
        if any(char.isascii() and char.isalnum() for char in text):
            assert fonts == {"hint": "eastAsia"}, text


def test_with_a_reference_docx_the_named_font_is_the_references_own(tmp_path):
    """A team's Normal in 楷体 names 楷体; a Normal that only points at the theme names the
    theme's Chinese font (宋体 in python-docx's template), not the profile's 仿宋."""
    named = docx.Document()
    fonts = named.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "楷体")
    named.save(tmp_path / "楷体.docx")
    docx.Document().save(tmp_path / "主题.docx")
    for name, font in (("楷体.docx", "楷体"), ("主题.docx", "宋体")):
        runs = runs_of(draft(f"# 标题\n\n{QUOTED}\n", tmp_path / name))
        assert [(f.get("ascii"), t) for _, f, t in runs if "ascii" in f] == [(font, "“")], name


def test_title_headings_and_page_numbers_do_not_inherit_the_condensed_spacing():
    profile = load_profile()
    assert profile.style("body").char_spacing == -0.3
    for role in ("title", "subtitle", "heading1", "heading2", "heading3", "heading4", "footer"):
        assert profile.style(role).char_spacing == 0, role
