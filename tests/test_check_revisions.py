"""check --fix / --review on a .docx: Word's own 修订 and 批注, read back from the XML.

What an office needs to trust it: every change is a tracked revision by
“drafter校对” with a date and a comment giving the reason and confidence;
changes cross run boundaries; runs no change touches are left byte for byte;
accepting all gives exactly the text `--fix` writes for the same text as .txt,
rejecting all gives the original back.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from office import HAS_OFFICE, needs_office

from drafter.check import check_text, read_source
from drafter.check.revisions import AUTHOR, accept_all
from drafter.cli import main

docx = pytest.importorskip("docx")
from lxml import etree  # noqa: E402 - after the importorskip that guards python-docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

# Substitution artefacts that straddle runs of different formatting.
RUNS = [
    [("我们要全心全意为广大科技工作者效", {"bold": True}), ("劳，打牢根", {"italic": True}),
     ("底，推动经济社会开展。", {"color": "FF0000"})],
    [("这一段没有问题，格式也不该动。", {"bold": True})],
    [("坚持把", {}), ("组成局部", {"underline": True}), ("落实到位，", {}), ("效劳", {"size": 14}),
     ("大局。", {})],
]


def make(path: Path, paragraphs=RUNS) -> Path:
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, fmt in runs:
            run = paragraph.add_run(text)
            run.bold = fmt.get("bold")
            run.italic = fmt.get("italic")
            run.underline = fmt.get("underline")
            if "color" in fmt:
                run.font.color.rgb = RGBColor.from_string(fmt["color"])
            if "size" in fmt:
                run.font.size = Pt(fmt["size"])
    document.save(path)
    return path


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def accepted_text(path: Path) -> str:
    document = docx.Document(str(path))
    accept_all(document)
    from drafter.document.docx_text import paragraph_text, paragraphs

    return "\n".join(paragraph_text(p) for p in paragraphs(document.element.body))


def rejected(path: Path):
    """The document with every tracked change rejected: insertions gone, deletions back."""
    document = docx.Document(str(path))
    body = document.element.body
    for insertion in list(body.iter(W + "ins")):
        insertion.getparent().remove(insertion)
    for deletion in list(body.iter(W + "del")):
        for run in list(deletion):
            for text in run.iter(W + "delText"):
                text.tag = W + "t"
            deletion.addprevious(run)
        deletion.getparent().remove(deletion)
    return document


def run_xml(paragraph) -> list[str]:
    return [etree.tostring(r, encoding=str) for r in paragraph.iter(W + "r")]


# ---------------------------------------------------------------- --fix


def test_fix_writes_tracked_changes_with_comments_across_runs(capsys, tmp_path):
    source = make(tmp_path / "材料.docx")
    code, out, _ = run(capsys, source, "--fix")
    assert code == 0, out
    fixed = tmp_path / "材料.fixed.docx"
    assert (f"已生成修正稿：{fixed}（修订，附批注说明理由；可在 Word“审阅”中逐条接受或拒绝 5 处）。"
            in out)
    body = part(fixed, "word/document.xml")
    deletions, insertions = list(body.iter(W + "del")), list(body.iter(W + "ins"))
    assert ["".join(d.itertext()) for d in deletions] == ["效劳", "根底", "开展", "组成局部", "效劳"]
    assert ["".join(i.itertext()) for i in insertions] == ["服务", "基础", "发展", "组成部分", "服务"]
    # 效 (bold) and 劳 (italic) are deleted as one change, each piece keeping its formatting
    bold, italic = deletions[0].findall(W + "r")
    assert bold.find(f"{W}rPr/{W}b") is not None and italic.find(f"{W}rPr/{W}i") is not None
    assert [t.text for t in deletions[0].iter(W + "delText")] == ["效", "劳"]
    for change in deletions + insertions:
        assert change.get(W + "author") == AUTHOR == "drafter校对"
        assert DATE.match(change.get(W + "date"))
    ids = [int(c.get(W + "id")) for c in deletions + insertions]
    assert len(set(ids)) == len(ids)

    comments = part(fixed, "word/comments.xml").findall(W + "comment")
    assert len(comments) == 5
    texts = ["".join(c.itertext()) for c in comments]
    assert texts[0].startswith("错词（可信度：高）：“效劳”应为“服务”。")
    assert all(c.get(W + "author") == AUTHOR and DATE.match(c.get(W + "date")) for c in comments)
    starts = [e.get(W + "id") for e in body.iter(W + "commentRangeStart")]
    ends = [e.get(W + "id") for e in body.iter(W + "commentRangeEnd")]
    references = [e.get(W + "id") for e in body.iter(W + "commentReference")]
    assert starts == ends == references == [c.get(W + "id") for c in comments]


def test_accepting_all_gives_the_text_fixed_copy(capsys, tmp_path):
    source = make(tmp_path / "材料.docx")
    text = read_source(source)
    plain = tmp_path / "材料.txt"
    plain.write_text(text, "utf-8")
    assert run(capsys, plain, "--fix")[0] == 0
    assert run(capsys, source, "--fix")[0] == 0
    today = (tmp_path / "材料.fixed.txt").read_text("utf-8")
    assert today == ("我们要全心全意为广大科技工作者服务，打牢基础，推动经济社会发展。\n"
                     "这一段没有问题，格式也不该动。\n坚持把组成部分落实到位，服务大局。")
    assert accepted_text(tmp_path / "材料.fixed.docx") == today
    assert check_text(today) == []


def test_rejecting_all_restores_the_original_runs(capsys, tmp_path):
    source = make(tmp_path / "材料.docx")
    assert run(capsys, source, "--fix")[0] == 0
    restored = rejected(tmp_path / "材料.fixed.docx")
    original = docx.Document(str(source))
    for before, after in zip(original.paragraphs, restored.paragraphs, strict=True):
        runs = [(r.text, r.bold, r.italic, r.underline, r.font.size, r.font.color.rgb)
                for r in after.runs if r.text]
        merged = []
        for item in runs:  # a run cut in two pieces is the same formatting twice in a row
            if merged and merged[-1][1:] == item[1:]:
                merged[-1] = (merged[-1][0] + item[0], *item[1:])
            else:
                merged.append(item)
        assert merged == [(r.text, r.bold, r.italic, r.underline, r.font.size, r.font.color.rgb)
                          for r in before.runs]


def test_untouched_runs_keep_their_xml_exactly(capsys, tmp_path):
    source = make(tmp_path / "材料.docx")
    assert run(capsys, source, "--fix")[0] == 0
    before = docx.Document(str(source)).element.body
    after = docx.Document(str(tmp_path / "材料.fixed.docx")).element.body
    old, new = list(before.iter(W + "p")), list(after.iter(W + "p"))
    assert run_xml(old[1]) == run_xml(new[1])  # a paragraph without findings: identical
    untouched = {"坚持把", "落实到位，", "大局。"}  # runs of paragraph 3 no change reaches
    kept = [x for x in run_xml(old[2]) if any(f">{t}<" in x for t in untouched)]
    assert len(kept) == 3 and all(x in run_xml(new[2]) for x in kept)


def test_inserted_text_takes_the_formatting_of_what_it_replaces(capsys, tmp_path):
    source = make(tmp_path / "材料.docx")
    assert run(capsys, source, "--fix")[0] == 0
    body = part(tmp_path / "材料.fixed.docx", "word/document.xml")
    first, *_ = body.iter(W + "ins")
    assert first.find(f"{W}r/{W}rPr/{W}b") is not None  # 效 was bold, so 服务 is
    last = list(body.iter(W + "ins"))[-1]
    assert last.find(f"{W}r/{W}rPr/{W}sz").get(W + "val") == "28"  # 效劳 was 14 pt


def test_a_line_break_inside_a_finding_is_left_alone(capsys, tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    document.element.body.insert(0, parse_xml(
        f'<w:p xmlns:w="{W_NS}"><w:r><w:t>为群众效</w:t><w:br/></w:r><w:r><w:t>劳。</w:t></w:r></w:p>'))
    document.save(tmp_path / "a.docx")
    assert read_source(tmp_path / "a.docx").startswith("为群众效劳。")
    code, out, _ = run(capsys, tmp_path / "a.docx", "--fix")
    assert "未能自动修正 1:4（第 1 段）“效劳”：这处文字中间夹有图片、域或换行，请在 Word 中手工修改。" in out
    assert "没有可以自动修正的问题，未生成修正稿。" in out
    assert not (tmp_path / "a.fixed.docx").exists()


def test_a_finding_inside_a_hyperlink_and_a_table_cell(capsys, tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("请访问")
    paragraph._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W_NS}" w:anchor="x"><w:r><w:t>为群众效</w:t></w:r></w:hyperlink>'))
    paragraph.add_run("劳网站。")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "打牢根底"
    document.save(tmp_path / "a.docx")
    assert run(capsys, tmp_path / "a.docx", "--fix")[0] == 0
    assert accepted_text(tmp_path / "a.fixed.docx") == "请访问为群众服务网站。\n打牢基础"
    body = part(tmp_path / "a.fixed.docx", "word/document.xml")
    link = body.find(f".//{W}hyperlink")
    assert link.find(f"{W}del") is not None  # the link's own characters are deleted inside it


# ---------------------------------------------------------------- --review


def test_review_comments_every_finding_and_tracks_every_concrete_change(capsys, tmp_path):
    path = make(tmp_path / "a.docx", [[("一、总则", {})], [("三、附则", {})],
                                      [("推动经济社会开展，为群众效劳。", {})]])
    code, out, _ = run(capsys, path, "--review", "--min-confidence", "low")
    review = tmp_path / "a.review.docx"
    assert f"已生成审阅稿：{review}（修订 3 处，批注 3 条；可在 Word“审阅”中逐条接受或拒绝）。" in out
    comments = ["".join(c.itertext()) for c in part(review, "word/comments.xml")]
    assert [text.split("）")[0] + "）" for text in comments] == [
        "结构（可信度：中）", "错词（可信度：高）", "错词（可信度：高）"]
    assert accepted_text(review) == "一、总则\n二、附则\n推动经济社会发展，为群众服务。"
    assert code == 0


def test_review_refuses_text_files_and_layout_refuses_fixing(capsys, tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text("为群众效劳。", "utf-8")
    code, _, err = run(capsys, plain, "--review")
    assert code == 2
    assert f"错误：{plain} 不是 Word 文档：--review 把问题写成 Word 的修订和批注，只适用于 .docx。" in err
    code, _, err = run(capsys, "--layout", "--fix", plain)
    assert code == 2 and "--layout 只检查版式，不能与 --fix、--in-place、--review 或 -o 同时使用" in err


# ---------------------------------------------------------------- a real word processor


def convert_to_fodt(docx_file: Path, folder: Path) -> str:
    """LibreOffice's own reading of the file, as flat ODF XML."""
    import shutil

    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([office, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--nologo", "--norestore", "--convert-to", "fodt", "--outdir", str(folder),
                    str(docx_file)], check=True, capture_output=True, timeout=180)
    return (folder / f"{docx_file.stem}.fodt").read_text("utf-8")


@needs_office
def test_libreoffice_shows_the_revisions_and_comments(capsys, tmp_path):
    assert HAS_OFFICE
    source = make(tmp_path / "材料.docx")
    assert run(capsys, source, "--fix")[0] == 0
    odf = etree.fromstring(convert_to_fodt(tmp_path / "材料.fixed.docx", tmp_path).encode())
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "dc": "http://purl.org/dc/elements/1.1/"}
    deletions = odf.findall(".//text:changed-region/text:deletion", ns)
    insertions = odf.findall(".//text:changed-region/text:insertion", ns)
    assert (len(deletions), len(insertions)) == (5, 5)
    creators = {e.text for e in odf.findall(".//text:changed-region//dc:creator", ns)}
    assert creators == {"drafter校对"}
    notes = odf.findall(".//office:annotation", ns)
    assert len(notes) == 5
    assert "“根底”应为“基础”" in "".join(notes[1].itertext())
