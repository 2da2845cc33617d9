"""HTML writer: the Document as a web page, for the live preview of `drafter serve`.

Same Document, same heading numbers (一、 （一） 1. （1）) as the .docx; placeholders
for missing facts are <mark> so the browser highlights them as Word does. Every
piece of text is escaped: answers may contain anything, including markup.
"""

from __future__ import annotations

from html import escape

from drafter.document.model import Block, Document, Kind

PAGE_STYLE = """
body { max-width: 40em; margin: 2em auto; padding: 0 1em; line-height: 1.8;
       font-family: "FangSong", "仿宋", "仿宋_GB2312", "STFangsong", serif; font-size: 16pt; }
h1 { text-align: center; font-size: 22pt; font-weight: normal;
     font-family: "方正小标宋简体", "SimSun", "宋体", serif; }
h2, h3, h4, h5 { font-size: 16pt; text-indent: 2em; margin: 0; }
h2 { font-family: "SimHei", "黑体", sans-serif; font-weight: normal; }
h3 { font-family: "KaiTi", "楷体", "楷体_GB2312", serif; font-weight: normal; }
h5 { font-weight: normal; }
p { text-indent: 2em; margin: 0; }
p.subtitle { text-align: center; text-indent: 0; }
p.signature, p.date { text-align: right; text-indent: 0; }
p.signature { margin-top: 2em; }
mark.placeholder { background: #ffeb3b; }
table { border-collapse: collapse; margin: 0.5em 0; }
td { border: 1px solid #999; padding: 0.2em 0.5em; }
"""

_KIND_CLASS = {Kind.SUBTITLE: "subtitle", Kind.SIGNATURE: "signature", Kind.DATE: "date"}


def _spans(block: Block) -> str:
    return "".join(
        f'<mark class="placeholder">{escape(span.text)}</mark>' if span.placeholder
        else escape(span.text)
        for span in block.spans
    )


def _table(block: Block) -> str:
    """A simple table read from Word: a grid of text cells."""
    rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in block.rows)
    return f"<table>{rows}</table>"


def to_html_fragment(document: Document) -> str:
    """The draft's body as an <article>, to embed in a page that brings its own style."""
    out = ['<article class="draft" lang="zh-CN">']
    for block, number in document.numbered():
        text = _spans(block)
        if block.kind is Kind.TABLE:
            out.append(_table(block))
        elif block.kind is Kind.TITLE:
            out.append(f"<h1>{text}</h1>")
        elif block.kind is Kind.HEADING:
            level = min(max(block.level, 1), 4) + 1
            out.append(f"<h{level}>{escape(number)}{text}</h{level}>")
        elif block.kind in _KIND_CLASS:
            out.append(f'<p class="{_KIND_CLASS[block.kind]}">{text}</p>')
        else:
            out.append(f"<p>{text}</p>")
    out.append("</article>")
    return "\n".join(out) + "\n"


def to_html(document: Document) -> str:
    """A standalone page (UTF-8, its own small style sheet, no outside resources)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(document.title or '文稿')}</title>\n"
        f"<style>{PAGE_STYLE}</style>\n</head>\n<body>\n"
        f"{to_html_fragment(document)}</body>\n</html>\n"
    )


def write_html(document: Document, options=None) -> tuple[bytes, list[str]]:
    """The registry's writer (drafter.writers): a standalone UTF-8 page."""
    return to_html(document).encode("utf-8"), []
