"""drafter format 原稿.docx: a Word document typed by hand → the Document → 公文 layout.

The promise: nothing of the text is lost or reordered (compared character by
character, heading numbers aside, which the writer regenerates), the parts are
recognised and reported, and the result passes `check --layout`.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from handmade import HANDMADE, W_NS, save_songti, songti_document, text_without_heading_numbers

from drafter.cli import main
from drafter.document.model import Kind

docx = pytest.importorskip("docx")
W = "{" + W_NS + "}"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read(path: Path):
    from drafter.document.docx_reader import read_docx

    return read_docx(path)


def structure(document):
    return [(b.kind.value, b.level, b.text) for b in document.blocks]


def output_text(path: Path) -> str:
    """The formatted document's text, whitespace removed, heading numbers dropped."""
    from drafter.document.numbering import heading_level

    out = []
    for p in docx.Document(str(path)).paragraphs:
        heading = p.style.name.startswith("Heading")
        out.append(heading_level(p.text)[1] if heading else p.text)
    return "".join("".join(out).split())


def input_paragraphs(paragraphs=HANDMADE) -> list[tuple[str, bool]]:
    return [("".join(text for text, _ in runs), heading) for runs, _, heading in paragraphs]


# ---------------------------------------------------------------- the whole job


def test_hand_made_docx_becomes_gongwen_with_the_same_text(capsys, tmp_path):
    from drafter.check.layout import check_layout
    from drafter.writers.styles import load_profile

    source = save_songti(tmp_path / "原稿.docx")
    code, out, err = run(capsys, "format", source)
    assert code == 0, err
    result = tmp_path / "原稿.排版.docx"  # never over the original
    assert f"已生成：{result}" in out
    assert ("识别出：标题 1，副标题 1，一级标题 2，二级标题 2，正文 6 段，结尾 1，落款 1。"
            "请打开文档核对层级；序号已按层级重新编排。") in out
    assert output_text(result) == text_without_heading_numbers(input_paragraphs())
    assert check_layout(result, load_profile("gongwen")) == []
    styles = [(p.style.name, p.text) for p in docx.Document(str(result)).paragraphs if p.text]
    assert styles == [
        ("Title", "2024年县科协“六个坚持”经验交流材料"),
        ("Subtitle", "——在全市科协系统经验交流会上的发言"),
        ("Normal", "近年来，县科协在县委的坚强领导下，认真贯彻落实中央关于群团工作的部署。"),
        ("Heading 1", "一、坚持党的领导，把牢正确政治方向"),
        ("Normal", "县科协始终把党的政治建设摆在首位，每月召开党组会议研究科协工作。"),
        ("Heading 2", "（一）强化政治引领。"),  # split from its run-in body at the bold
        ("Normal", "组织科技工作者开展学习，全年举办学习活动12场。"),
        ("Heading 2", "（二）加强组织建设"),
        ("Normal", "推进基层组织建设，1.5万人次参加。"),
        ("Heading 1", "二、坚持服务大局，助力县域发展"),
        ("Normal", "全县开展科普活动126场，服务群众3.2万人次。"),
        ("Normal", "总之，我们将继续努力，推动科协工作再上新台阶。"),
        ("Signature", "安澜县科学技术协会"),
        ("Date", "2024年5月8日"),
    ]


def test_text_output_of_a_docx(capsys, tmp_path):
    source = save_songti(tmp_path / "原稿.docx")
    code, out, _ = run(capsys, "format", source, "-o", "-", "-f", "md")
    assert code == 0
    assert out.startswith("# 2024年县科协“六个坚持”经验交流材料\n\n*——在全市科协系统经验交流会上的发言*")
    assert "## 一、坚持党的领导，把牢正确政治方向\n\n" in out
    assert '<p align="right">安澜县科学技术协会</p>' in out


# ---------------------------------------------------------------- recognition


def test_word_heading_styles_give_levels_and_typed_numbers_are_not_doubled(tmp_path):
    document = docx.Document()
    document.add_heading("年度工作总结", 0)
    document.add_paragraph("今年以来，各项工作稳步推进。")
    document.add_heading("一、主要做法", 1)
    document.add_paragraph("抓好学习。")
    document.add_heading("强化引领", 2)
    document.add_heading("建立制度", 3)
    document.add_paragraph("每月学习一次。")
    document.save(tmp_path / "a.docx")
    assert structure(read(tmp_path / "a.docx").document) == [
        ("title", 0, "年度工作总结"),
        ("paragraph", 0, "今年以来，各项工作稳步推进。"),
        ("heading", 1, "主要做法"),
        ("paragraph", 0, "抓好学习。"),
        ("heading", 2, "强化引领"),
        ("heading", 3, "建立制度"),
        ("paragraph", 0, "每月学习一次。"),
    ]


def test_a_centred_first_line_in_heading_1_is_the_title(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_heading("关于科普工作的汇报", 1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、基本情况", 1)
    document.add_paragraph("全年开展活动126场。")
    document.save(tmp_path / "a.docx")
    assert structure(read(tmp_path / "a.docx").document) == [
        ("title", 0, "关于科普工作的汇报"), ("heading", 1, "基本情况"),
        ("paragraph", 0, "全年开展活动126场。")]


NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="7">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8">
<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/></w:lvl>
</w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def numbered(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_automatic_numbering_gives_heading_levels(tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    document.part.numbering_part._element = parse_xml(NUMBERING)
    document.add_paragraph("县总工会工作汇报")
    numbered(document.add_paragraph("坚持党的领导"), 3, 0)
    numbered(document.add_paragraph("强化政治引领"), 3, 1)
    document.add_paragraph("全年举办学习活动12场。")
    numbered(document.add_paragraph("这是一项编号的措施，篇幅很长，远远超过一个标题应有的长度，"
                                    "它说明了工作怎样开展、取得了什么样的成效，以及下一步的打算。"), 3, 2)
    numbered(document.add_paragraph("要点一"), 4, 0)
    numbered(document.add_paragraph("深化改革创新"), 3, 0)
    document.save(tmp_path / "a.docx")
    assert structure(read(tmp_path / "a.docx").document) == [
        ("title", 0, "县总工会工作汇报"),
        ("heading", 1, "坚持党的领导"),
        ("heading", 2, "强化政治引领"),
        ("paragraph", 0, "全年举办学习活动12场。"),
        # "%3）" is no heading grammar: an ordinary numbered item keeps its number as text
        ("paragraph", 0, "1）这是一项编号的措施，篇幅很长，远远超过一个标题应有的长度，"
                         "它说明了工作怎样开展、取得了什么样的成效，以及下一步的打算。"),
        ("paragraph", 0, "要点一"),  # a bullet is no heading, and its glyph is no text
        ("heading", 1, "深化改革创新"),  # counted on: Word shows 二、
    ]


STARTS = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="5"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
<w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/>
<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""

LONG = "，篇幅很长，远远超过一个标题应有的长度，说明工作怎样开展、取得了什么成效。"


def test_automatic_numbers_keep_the_value_word_shows(tmp_path):
    """Numbers kept as text must be the ones on the secretary's screen: a list set to begin at
    5, a list continued in a second w:num of the same definition, a list restarted with
    w:startOverride, and a level without w:start (0, as the standard and Word have it)."""
    from docx.oxml import parse_xml

    document = docx.Document()
    document.part.numbering_part._element = parse_xml(STARTS)
    document.add_paragraph("县科协工作汇报")
    for text, num_id in (("甲", 1), ("乙", 1), ("丙", 2), ("丁", 3), ("戊", 3), ("己", 4)):
        numbered(document.add_paragraph(text + LONG), num_id, 0)
    document.save(tmp_path / "a.docx")
    assert [b.text for b in read(tmp_path / "a.docx").document.blocks][1:] == [
        "5）甲" + LONG, "6）乙" + LONG, "7）丙" + LONG, "1）丁" + LONG, "2）戊" + LONG, "0）己" + LONG,
    ]


def test_title_over_two_centred_lines_and_signature_with_a_line_break(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = songti_document([])
    for text in ("2024年县妇联", "“巾帼建功”经验交流材料"):
        paragraph = document.add_paragraph()
        paragraph.add_run(text).bold = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("一年来，我们做了三件事。")
    closing = document.add_paragraph()
    run = closing.add_run("安澜县妇女联合会")
    run.add_break()
    closing.add_run("2024年12月20日")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(tmp_path / "a.docx")
    reading = read(tmp_path / "a.docx")
    assert structure(reading.document) == [
        ("title", 0, "2024年县妇联“巾帼建功”经验交流材料"),
        ("paragraph", 0, "一年来，我们做了三件事。"),
        ("signature", 0, "安澜县妇女联合会"),
        ("date", 0, "2024年12月20日"),
    ]


def test_a_body_line_wrapped_with_shift_enter_stays_one_paragraph(tmp_path):
    document = songti_document([])
    document.add_paragraph("标题")
    paragraph = document.add_paragraph()
    paragraph.add_run("县科协始终把党的政治建设摆在首位，").add_break()
    paragraph.add_run("每月召开党组会议。")
    document.save(tmp_path / "a.docx")
    assert structure(read(tmp_path / "a.docx").document)[1] == (
        "paragraph", 0, "县科协始终把党的政治建设摆在首位，每月召开党组会议。")


def test_simple_table_stays_a_table_and_merged_cells_become_paragraphs(capsys, tmp_path):
    document = songti_document([])
    document.add_paragraph("工作统计")
    document.add_paragraph("全年数据如下：")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("项目", "数量", "科普活动", "126场"), strict=True):
        cell.text = text
    merged = document.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并的表头"
    merged.cell(1, 0).text = "甲"
    merged.cell(1, 1).text = "乙"
    document.add_paragraph("以上数据截至年底。")
    document.save(tmp_path / "a.docx")
    reading = read(tmp_path / "a.docx")
    tables = [b for b in reading.document.blocks if b.kind is Kind.TABLE]
    assert [t.rows for t in tables] == [(("项目", "数量"), ("科普活动", "126场"))]
    assert [b.text for b in reading.document.blocks if b.kind is Kind.PARAGRAPH] == [
        "全年数据如下：", "合并的表头", "甲", "乙", "以上数据截至年底。"]
    assert reading.notes == ["原稿中的 1 个表格有合并单元格或嵌套表格，已按单元格顺序排成正文段落。"]

    code, out, err = run(capsys, "format", tmp_path / "a.docx", "-o", tmp_path / "b.docx")
    assert code == 0, err
    assert "表格 1" in out and "提示：原稿中的 1 个表格有合并单元格" in err
    written = docx.Document(str(tmp_path / "b.docx"))
    [table] = written.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["项目", "数量"],
                                                                  ["科普活动", "126场"]]
    code, out, _ = run(capsys, "format", tmp_path / "a.docx", "-o", "-", "-f", "md")
    assert "| 项目 | 数量 |\n| --- | --- |\n| 科普活动 | 126场 |" in out


def test_footnotes_and_pictures_are_dropped_with_a_warning(capsys, tmp_path):
    from docx.oxml import parse_xml

    document = songti_document([])
    document.add_paragraph("标题")
    paragraph = document.add_paragraph("正文有一个脚注。")
    paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:footnoteReference w:id="1"/></w:r>'))
    document.save(tmp_path / "a.docx")
    code, _, err = run(capsys, "format", tmp_path / "a.docx", "-o", tmp_path / "b.md")
    assert code == 0
    assert "提示：原稿中的 1 处脚注未排入（公文正文不用脚注），请核对是否需要把脚注内容写进正文。" in err
    assert "正文有一个脚注。" in (tmp_path / "b.md").read_text("utf-8")


def test_tracked_insertions_count_and_deletions_do_not(tmp_path):
    from docx.oxml import parse_xml

    document = songti_document([])
    document.add_paragraph("标题")
    paragraph = document.add_paragraph("为群众")
    paragraph._p.append(parse_xml(
        f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="甲"><w:r><w:delText>效劳</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(
        f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="甲"><w:r><w:t>服务</w:t></w:r></w:ins>'))
    document.save(tmp_path / "a.docx")
    assert structure(read(tmp_path / "a.docx").document)[1] == ("paragraph", 0, "为群众服务")


# ---------------------------------------------------------------- errors


def test_damaged_and_old_word_files_are_user_errors(capsys, tmp_path):
    damaged = tmp_path / "坏.docx"
    damaged.write_bytes(b"PK\x03\x04 not really")
    code, _, err = run(capsys, "format", damaged)
    assert code == 2 and f"无法读取 {damaged}：文件已损坏或不是 Word 文档（.docx）" in err
    old = tmp_path / "旧.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = run(capsys, "format", old)
    assert code == 2 and "旧版 Word 文档（.doc），无法直接读取。请用 Word 或 WPS 另存为 .docx 后再试。" in err
    code, _, err = run(capsys, "format", tmp_path / "无.docx")
    assert code == 2 and f"找不到原稿文件：{tmp_path / '无.docx'}" in err


def test_empty_docx_writes_nothing(capsys, tmp_path):
    document = docx.Document()
    document.add_paragraph("　　")
    document.save(tmp_path / "a.docx")
    code, _, err = run(capsys, "format", tmp_path / "a.docx")
    assert code == 2 and "中没有文字，未生成文稿" in err
    assert not (tmp_path / "a.排版.docx").exists()


def test_every_paragraph_shape_keeps_its_text(tmp_path):
    """Whatever the recogniser decides, the characters come out in the same order."""
    shapes = copy.deepcopy(HANDMADE)
    shapes += [
        ([("（三）", True), ("这是一个编号后面跟着很长的正文、其中没有句号而且远远超过了标题应有的长度，"
                             "所以它不会被当作标题来处理，只是一段普通的正文，"
                             "后面还跟着一些说明文字用来凑足长度", False)], None, False),
        ([("1.5万人次参加了活动。", False)], None, False),
        ([("#不是标题", False)], None, False),
        ([("@署名 也不是指令", False)], None, False),
    ]
    path = save_songti(tmp_path / "a.docx", shapes)
    blocks = read(path).document.blocks
    got = "".join("".join(b.text for b in blocks).split())
    assert got == text_without_heading_numbers(input_paragraphs(shapes))
    assert blocks[-4].kind is Kind.PARAGRAPH and blocks[-4].text.startswith("（三）")
