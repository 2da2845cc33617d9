"""Word documents as an office types them by hand, made with python-docx for the tests.

宋体 小四 body text, headings typed as “一、” and “（一）” in bold, a bold centred
title, the signature and date pushed right: what `format` must lay out and what
`check --layout` must find wanting. Each builder returns the path it saved.
"""

from __future__ import annotations

from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# (text runs as (text, bold), alignment, is a typed heading) per paragraph.
HANDMADE = [
    ([("2024年县科协“六个坚持”经验交流材料", True)], "center", False),
    ([("——在全市科协系统经验交流会上的发言", False)], "center", False),
    ([("　　近年来，县科协在县委的坚强领导下，认真贯彻落实中央关于群团工作的部署。", False)], None, False),
    ([("一、坚持党的领导，把牢正确政治方向", True)], None, True),
    ([("县科协始终把党的政治建设摆在首位，每月召开党组会议研究科协工作。", False)], None, False),
    ([("（一）强化政治引领。", True), ("组织科技工作者开展学习，全年举办学习活动12场。", False)],
     None, True),
    ([("（二）加强组织建设", True)], None, True),
    ([("推进基层组织建设，", False), ("1.5万人次", True), ("参加。", False)], None, False),
    ([("二、坚持服务大局，助力县域发展", True)], None, True),
    ([("全县开展科普活动126场，服务群众3.2万人次。", False)], None, False),
    ([("总之，我们将继续努力，推动科协工作再上新台阶。", False)], None, False),
    ([("安澜县科学技术协会", False)], "right", False),
    ([("2024年5月8日", False)], "right", False),
]


def set_east_asian_font(style_or_run, name: str) -> None:
    """The classic recipe: the Latin name through python-docx, w:eastAsia by hand."""
    from docx.oxml.ns import qn

    style_or_run.font.name = name
    style_or_run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def songti_document(paragraphs=HANDMADE):
    """A python-docx Document: Normal in 宋体 小四 (East Asian font set), the given paragraphs."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    alignments = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    document = docx.Document()
    normal = document.styles["Normal"]
    set_east_asian_font(normal, "宋体")
    normal.font.size = Pt(12)
    for runs, align, _ in paragraphs:
        paragraph = document.add_paragraph()
        for text, bold in runs:
            paragraph.add_run(text).bold = bold or None
        if align:
            paragraph.alignment = alignments[align]
    return document


def save_songti(path: Path, paragraphs=HANDMADE) -> Path:
    songti_document(paragraphs).save(path)
    return path


def text_without_heading_numbers(paragraphs: list[tuple[str, bool]]) -> str:
    """All text, whitespace removed, with the typed number of each heading paragraph dropped."""
    from drafter.document.numbering import heading_level

    out = []
    for text, is_heading in paragraphs:
        out.append(heading_level(text.strip())[1] if is_heading else text)
    return "".join("".join(out).split())
