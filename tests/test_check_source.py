"""Reading .docx/.txt/.md for the checker, and writing corrected copies that change nothing else."""

import pytest

from drafter.check import check_text, read_source
from drafter.check.source import fix_source, load_source
from drafter.errors import UserError


def make_docx(path, paragraphs, table=None):
    """paragraphs: a list of strings or of [(text, bold), ...] runs."""
    import docx

    document = docx.Document()
    for item in paragraphs:
        paragraph = document.add_paragraph()
        runs = [(item, False)] if isinstance(item, str) else item
        for text, bold in runs:
            paragraph.add_run(text).bold = bold or None
    if table:
        cells = document.add_table(rows=1, cols=len(table)).rows[0].cells
        for cell, text in zip(cells, table, strict=True):
            cell.text = text
    document.save(path)
    return path


def docx_runs(path):
    import docx

    return [[(r.text, r.bold) for r in p.runs] for p in docx.Document(path).paragraphs]


# ---------------------------------------------------------------- reading


def test_txt_is_read_as_is_without_bom_and_crlf(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff第一段\r\n第二段\r\n".encode())
    assert read_source(path) == "第一段\n第二段\n"


def test_gbk_txt_is_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("为群众效劳".encode("gbk"))
    source = load_source(path)
    assert (source.text, source.encoding) == ("为群众效劳", "gb18030")


def test_markdown_line_markup_is_stripped(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# 2024年材料\n\n*——在会上的发言*\n\n## 一、强化引领\n\n> 引文\n\n- 要点\n\n"
                    '<p align="right">2024年5月8日</p>\n', encoding="utf-8")
    assert read_source(path) == "2024年材料\n\n——在会上的发言\n\n一、强化引领\n\n引文\n\n要点\n\n2024年5月8日\n"


def test_markdown_code_blocks_are_not_checked(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("正文。\n```\nx = \"效劳\"\n```\n", encoding="utf-8")
    assert read_source(path) == "正文。\n\n\n\n"


def test_docx_paragraphs_and_table_cells_become_lines(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["标题", [("为群众", True), ("效劳", False)], ""],
                     table=["组成局部", "正常"])
    assert read_source(path) == "标题\n为群众效劳\n\n组成局部\n正常"


def test_docx_findings_are_located_by_paragraph(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["标题", "", "为群众效劳"])
    [f] = check_text(read_source(path))
    assert (f.line, f.column, f.paragraph) == (3, 4, 2)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("none.txt", None, "找不到文件"),
    ("a.pdf", b"%PDF", "只支持 .docx、.txt、.md 文件"),
    ("a.doc", b"\xd0\xcf\x11\xe0", "旧版 Word 文档（.doc）"),
    ("a.docx", b"not a zip", "文件已损坏或不是 Word 文档"),
    ("a.txt", b"\xff\xfe\xfa\xff\x80\x81\xfe", None),
], ids=["missing", "unknown-extension", "doc", "corrupt-docx", "not-text"])
def test_unreadable_files_are_user_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError) as info:
        read_source(path)
    if message:
        assert message in info.value.message
    assert str(path) in info.value.message


def test_bytes_that_are_neither_utf8_nor_gbk_are_a_user_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("正文\n".encode() + b"\x80\x80\xff")
    with pytest.raises(UserError, match="既不是 UTF-8 也不是 GBK 编码（第 2 行附近"):
        read_source(path)


def test_directory_is_a_user_error(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    with pytest.raises(UserError, match="是一个文件夹"):
        read_source(folder)


# ---------------------------------------------------------------- fixing


def fixed_copy(path):
    source = load_source(path)
    return fix_source(source, check_text(source.text))


def test_fixed_txt_keeps_crlf_and_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff为群众效劳\r\n打牢根底\r\n".encode())
    assert fixed_copy(path).data == "\ufeff为群众服务\r\n打牢基础\r\n".encode()


def test_fixed_gbk_txt_stays_gbk(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("为群众效劳".encode("gbk"))
    assert fixed_copy(path).data == "为群众服务".encode("gbk")


def test_fixed_markdown_keeps_its_markup(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("## 一、坚持为群众效劳\n\n**打牢根底**\n", encoding="utf-8")
    assert fixed_copy(path).data.decode() == "## 一、坚持为群众服务\n\n**打牢基础**\n"


def test_fixed_docx_keeps_run_formatting(tmp_path):
    """The fixes are tracked changes (tests/test_check_revisions.py); accepted, they read right."""
    import docx

    from drafter.check.revisions import accept_all

    path = make_docx(tmp_path / "a.docx", [[("坚持为群众效劳，", True), ("打牢根底。", False)]])
    result = fixed_copy(path)
    out = tmp_path / "b.docx"
    out.write_bytes(result.data)
    accepted = docx.Document(out)
    accept_all(accepted)
    accepted.save(out)
    merged = []
    for text, bold in docx_runs(out)[0]:
        if merged and merged[-1][1] == bold:
            merged[-1] = (merged[-1][0] + text, bold)
        elif text:
            merged.append((text, bold))
    assert merged == [("坚持为群众服务，", True), ("打牢基础。", None)]
    assert len(result.applied) == 2 and result.skipped == []


def test_docx_fix_across_runs_is_one_tracked_change(tmp_path):
    """Once skipped (“跨越了格式不同的几段文字”); now deleted from both runs and reinserted."""
    path = make_docx(tmp_path / "a.docx", [[("为群众效", True), ("劳。", False)]])
    result = fixed_copy(path)
    out = tmp_path / "b.docx"
    out.write_bytes(result.data)
    assert [f.text for f in result.applied] == ["效劳"] and result.skipped == []
    assert read_source(out) == "为群众服务。"


def test_fixed_docx_rechecks_clean(tmp_path):
    path = make_docx(tmp_path / "a.docx", ["2024年材料", "推动经济社会开展,打牢根底。"],
                     table=["组成局部"])
    out = tmp_path / "b.docx"
    out.write_bytes(fixed_copy(path).data)
    assert read_source(out) == "2024年材料\n推动经济社会发展，打牢基础。\n组成部分"
