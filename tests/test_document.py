from drafter.document.model import Kind, heading_numbers, parse_outline
from drafter.document.numbering import cn_number

OUTLINE = """# 标题
@副标题 ——在会议上的发言

开头第一行，
第二行。

## 甲
### 甲一
#### 甲一1
##### 甲一1（1）
##### 甲一1（2）
#### 甲一2
### 甲二
## 乙
### 乙一
正文有【待补充：科普活动场次】场。
@结尾
总之，继续努力。
@署名 某县科协
@日期 2024年5月8日
"""


def test_blocks_kinds_in_order():
    doc = parse_outline(OUTLINE)
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:3] == [Kind.TITLE, Kind.SUBTITLE, Kind.PARAGRAPH]
    assert kinds[-3:] == [Kind.PARAGRAPH, Kind.SIGNATURE, Kind.DATE]
    assert doc.title == "标题"


def test_lines_of_a_paragraph_join_without_space():
    doc = parse_outline(OUTLINE)
    assert doc.blocks[2].text == "开头第一行，第二行。"
    assert parse_outline("word\nnext").blocks[0].text == "word next"


def test_heading_numbers_follow_level_and_position():
    doc = parse_outline(OUTLINE)
    numbered = [(n, b.text) for b, n in doc.numbered() if b.kind is Kind.HEADING]
    assert numbered == [
        ("一、", "甲"),
        ("（一）", "甲一"),
        ("1.", "甲一1"),
        ("（1）", "甲一1（1）"),
        ("（2）", "甲一1（2）"),
        ("2.", "甲一2"),
        ("（二）", "甲二"),
        ("二、", "乙"),
        ("（一）", "乙一"),
    ]


def test_dropping_a_section_renumbers_the_rest():
    doc = parse_outline("## 甲\n\n## 丙\n")
    assert [n for _, n in doc.numbered()] == ["一、", "二、"]


def test_chinese_numbers():
    assert [cn_number(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一", "九", "十", "十一", "二十", "二十三", "九十九"]
    assert heading_numbers([]) == []


def test_placeholder_is_its_own_span():
    doc = parse_outline(OUTLINE)
    para = next(b for b in doc.blocks if "待补充" in b.text)
    assert [(s.text, s.placeholder) for s in para.spans] == [
        ("正文有", False), ("【待补充：科普活动场次】", True), ("场。", False)]


def test_sections_for_measuring():
    doc = parse_outline(OUTLINE)
    names = [s.name for s in doc.sections()]
    assert names == ["标题", "开头", "一、甲", "二、乙", "结尾"]
    closing = doc.sections()[-1]
    assert [b.kind for b in closing.blocks] == [Kind.PARAGRAPH, Kind.SIGNATURE, Kind.DATE]
    assert doc.sections()[1].chars == len("开头第一行，第二行。")


def test_empty_heading_and_directive_are_ignored():
    doc = parse_outline("## \n@署名 \n正文")
    assert [b.kind for b in doc.blocks] == [Kind.PARAGRAPH]
