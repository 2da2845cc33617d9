"""Reference docx: a team's own file supplies page setup, styles, fonts and letterhead."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from drafter.document.model import parse_outline
from drafter.errors import UserError
from drafter.writers.docx import write_docx
from drafter.writers.styles import load_profile

LETTERHEAD = "某某市总工会办公室（内部资料）"
OUTLINE = """# 2024年县总工会经验交流材料

开头段落，职工之家【待补充：职工之家数量】个。

## 必须坚持党的领导。
正文一。
### 建强组织
正文二。
@署名 某某县总工会
@日期 2024年5月8日
"""


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def east_asian_font(style):
    rPr = style.element.rPr
    if rPr is None or rPr.rFonts is None:
        return None
    return rPr.rFonts.get(qn("w:eastAsia"))


def make_reference(path, *, footer_text=None, heading_id=None, heading_name=None):
    """A house document: letterhead header, its own margins and body font, old content."""
    reference = docx.Document()
    section = reference.sections[0]
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(31), Mm(19)
    section.header.paragraphs[0].text = LETTERHEAD
    if footer_text:
        section.footer.paragraphs[0].text = footer_text
    normal = reference.styles["Normal"]
    normal.font.size = Pt(15)
    normal.element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "华文中宋")
    reference.add_paragraph("这是参考文档里的旧内容，不应出现在输出中。")
    reference.add_heading("旧标题", level=1)
    heading = reference.styles["Heading 1"]
    if heading_id:
        heading.style_id = heading_id
    if heading_name:
        heading.name = heading_name
    reference.save(str(path))
    return path


def render(tmp_path, profile, reference, outline=OUTLINE):
    buffer = io.BytesIO()
    notes = write_docx(parse_outline(outline, author="某某县总工会"), buffer, profile,
                       reference_docx=reference)
    path = tmp_path / "out.docx"
    path.write_bytes(buffer.getvalue())
    return docx.Document(str(path)), notes


def test_output_takes_letterhead_margins_and_body_font(tmp_path, profile):
    reference = make_reference(tmp_path / "house.docx")
    out, _ = render(tmp_path, profile, reference)
    section = out.sections[0]
    assert section.header.paragraphs[0].text == LETTERHEAD
    for actual, mm in ((section.top_margin, 25), (section.bottom_margin, 20),
                       (section.left_margin, 31), (section.right_margin, 19)):
        assert abs(actual - Mm(mm)) <= Mm(0.05)
    normal = out.styles["Normal"]
    assert east_asian_font(normal) == "华文中宋"
    assert normal.font.size == Pt(15)


def test_content_comes_from_the_document_not_the_reference(tmp_path, profile):
    out, _ = render(tmp_path, profile, make_reference(tmp_path / "house.docx"))
    texts = [p.text for p in out.paragraphs]
    assert "这是参考文档里的旧内容，不应出现在输出中。" not in texts
    assert "旧标题" not in texts
    assert texts[0] == "2024年县总工会经验交流材料"
    assert [p.text for p in out.paragraphs if p.style.name == "Heading 1"] == ["一、必须坚持党的领导。"]
    assert out.core_properties.title == "2024年县总工会经验交流材料"
    assert out.core_properties.author == "某某县总工会"


def test_missing_styles_are_created_from_the_profile_with_notes(tmp_path, profile):
    out, notes = render(tmp_path, profile, make_reference(tmp_path / "house.docx"))
    # python-docx's default document has Heading 1 but no Signature, Date or 待补充.
    assert any("Signature（签名）" in n and "house.docx" in n for n in notes)
    assert any("Date（日期）" in n for n in notes)
    assert any("待补充" in n for n in notes)
    assert not any("Heading 1" in n for n in notes)
    assert east_asian_font(out.styles["Signature"]) is None  # inherits the house body font
    assert [p.text for p in out.paragraphs if p.style.name == "Signature"] == ["某某县总工会"]
    placeholder = [r for p in out.paragraphs for r in p.runs if r.text.startswith("【待补充")]
    assert placeholder[0].style.name == "待补充"


def test_reference_without_footer_gets_profile_page_numbers(tmp_path, profile):
    out, notes = render(tmp_path, profile, make_reference(tmp_path / "house.docx"))
    assert any("没有页脚" in n for n in notes)
    assert out.sections[0].footer.paragraphs[0].text == "— 1 —"
    assert out.settings.odd_and_even_pages_header_footer


def test_reference_footer_is_kept(tmp_path, profile):
    reference = make_reference(tmp_path / "house.docx", footer_text="内部资料 注意保存")
    out, notes = render(tmp_path, profile, reference)
    assert out.sections[0].footer.paragraphs[0].text == "内部资料 注意保存"
    assert not any("页脚" in n or "页码" in n for n in notes)


def test_styles_are_matched_by_name_whatever_their_id(tmp_path, profile):
    # Chinese Word saves built-in styles under ids like "1"; the name stays "heading 1".
    reference = make_reference(tmp_path / "house.docx", heading_id="1")
    out, notes = render(tmp_path, profile, reference)
    headings = [p for p in out.paragraphs if p.text.startswith("一、")]
    assert headings[0].style.style_id == "1"
    assert [s.name for s in out.styles].count("Heading 1") == 1
    assert not any("Heading 1" in n for n in notes)


def test_styles_are_matched_by_localised_alias(tmp_path, profile):
    reference = make_reference(tmp_path / "house.docx", heading_id="a1", heading_name="标题 1")
    out, notes = render(tmp_path, profile, reference)
    headings = [p for p in out.paragraphs if p.text.startswith("一、")]
    assert headings[0].style.name == "标题 1"
    assert not any("Heading 1" in n for n in notes)


def test_own_output_as_reference_needs_no_notes(tmp_path, profile):
    first = tmp_path / "first.docx"
    with first.open("wb") as stream:
        write_docx(parse_outline(OUTLINE), stream, profile)
    out, notes = render(tmp_path, profile, first)
    assert notes == []
    grid = out.element.body.sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def test_edited_reference_is_read_again(tmp_path, profile):
    path = make_reference(tmp_path / "house.docx")
    render(tmp_path, profile, path)
    changed = docx.Document(str(path))
    changed.sections[0].header.paragraphs[0].text = "新的红头"
    changed.add_paragraph("让文件大小也变一变")
    changed.save(str(path))
    out, _ = render(tmp_path, profile, path)
    assert out.sections[0].header.paragraphs[0].text == "新的红头"


def test_word_template_dotx_is_accepted(tmp_path, profile):
    docx_path = make_reference(tmp_path / "house.docx")
    dotx = tmp_path / "红头模板.dotx"
    with zipfile.ZipFile(docx_path) as src, zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            blob = src.read(item)
            if item.filename == "[Content_Types].xml":
                blob = blob.replace(b"wordprocessingml.document.main", b"wordprocessingml.template.main")
            dst.writestr(item, blob)
    out, _ = render(tmp_path, profile, dotx)
    assert out.sections[0].header.paragraphs[0].text == LETTERHEAD


def test_macro_enabled_reference_is_refused(tmp_path, profile):
    docm = tmp_path / "宏.docm"
    with zipfile.ZipFile(make_reference(tmp_path / "house.docx")) as src, \
            zipfile.ZipFile(docm, "w") as dst:
        for item in src.infolist():
            blob = src.read(item)
            if item.filename == "[Content_Types].xml":
                blob = blob.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main",
                    b"application/vnd.ms-word.document.macroEnabled.main")
            dst.writestr(item, blob)
    with pytest.raises(UserError, match="宏.docm 不是 .docx 文档"):
        render(tmp_path, profile, docm)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"this is not a word file", "不是有效的 .docx"), (b"PK\x03\x04broken", "不是有效的 .docx")],
)
def test_invalid_reference_is_a_clear_user_error(tmp_path, profile, content, fragment):
    bad = tmp_path / "红头.docx"
    bad.write_bytes(content)
    with pytest.raises(UserError) as info:
        render(tmp_path, profile, bad)
    assert "红头.docx" in info.value.message and fragment in info.value.message


def test_missing_reference_is_a_clear_user_error(tmp_path, profile):
    with pytest.raises(UserError, match="找不到参考文档"):
        render(tmp_path, profile, tmp_path / "没有这个文件.docx")
    with pytest.raises(UserError, match="是一个文件夹"):
        render(tmp_path, profile, tmp_path)
