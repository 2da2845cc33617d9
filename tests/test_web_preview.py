"""The HTML writer behind the live preview: the Document model as escaped, numbered HTML."""

from drafter.document.model import parse_outline
from drafter.writers import for_output
from drafter.writers.html import to_html, to_html_fragment, write_html

MARKUP = """# 2024年<县科协>工作交流
@副标题 ——在全市会议上的发言
开头一段 & 说明。
## 坚持党的领导
### 强化理论武装
正文含【待补充：科普活动场次】的一句。
## 服务大局
@结尾
@署名 青川县科学技术协会
@日期 2024年5月8日
"""


def test_headings_are_numbered_as_in_the_docx_and_placeholders_are_marked():
    html = to_html_fragment(parse_outline(MARKUP))
    assert "<h1>2024年&lt;县科协&gt;工作交流</h1>" in html
    assert '<p class="subtitle">——在全市会议上的发言</p>' in html
    assert "<p>开头一段 &amp; 说明。</p>" in html
    assert "<h2>一、坚持党的领导</h2>" in html
    assert "<h3>（一）强化理论武装</h3>" in html
    assert "<h2>二、服务大局</h2>" in html
    assert '<mark class="placeholder">【待补充：科普活动场次】</mark>' in html
    assert '<p class="signature">青川县科学技术协会</p>' in html
    assert '<p class="date">2024年5月8日</p>' in html


def test_a_standalone_page_is_registered_as_a_format():
    fmt = for_output("预览.html", None)
    assert fmt.name == "html" and not fmt.binary
    data, notes = write_html(parse_outline(MARKUP))
    page = data.decode("utf-8")
    assert page == to_html(parse_outline(MARKUP))
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<title>2024年&lt;县科协&gt;工作交流</title>" in page
    assert "http" not in page  # nothing from outside
    assert notes == []


def test_a_table_read_from_word_keeps_its_cells():
    from drafter.document.model import Block, Document, Kind

    table = Block(Kind.TABLE, (), rows=(("项目", "数量"), ("科普活动<场次>", "486")))
    html = to_html_fragment(Document((table,)))
    assert "<table><tr><td>项目</td><td>数量</td></tr>" in html
    assert "<td>科普活动&lt;场次&gt;</td><td>486</td></tr></table>" in html
