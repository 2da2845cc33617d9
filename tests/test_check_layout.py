"""check --layout: a document's layout as Word shows it, against the style profile.

The bar is being right where naive checkers are wrong: the East Asian font (not
the Latin name) through direct formatting, character and paragraph styles,
document defaults and theme fonts. Every drafted example passes with nothing
to report; python-docx's default document and a hand-made 宋体 小四 document
show exactly the deviations a person would name.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from handmade import HANDMADE, W_NS, save_songti, set_east_asian_font, songti_document

from drafter.check.layout import MUST, SHOULD, check_layout, compare
from drafter.cli import main
from drafter.writers.styles import load_profile

docx = pytest.importorskip("docx")
REPO = Path(__file__).parent.parent
EXAMPLES = ("kexie", "gonghui", "gongqingtuan", "fulian")
PROFILE = load_profile("gongwen")


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def found(deviations) -> set[tuple]:
    """(what, expected, actual, severity) of each deviation, paragraph numbers aside."""
    return {(d.what, d.expected, d.actual, d.severity) for d in deviations}


def rendered(template: str, folder: Path) -> Path:
    from drafter.render.pipeline import render_file

    _, path, _ = render_file(template, REPO / "examples" / f"{template}.yaml",
                             str(folder / f"{template}.docx"))
    return path


def reopen(document):
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return docx.Document(buffer)


# ---------------------------------------------------------------- drafter's own documents


@pytest.mark.parametrize("template", EXAMPLES)
def test_every_rendered_example_has_no_deviation(tmp_path, template):
    assert check_layout(rendered(template, tmp_path), PROFILE) == []


def test_the_check_is_not_vacuous_on_a_rendered_example(tmp_path):
    """The same draft with 正文 switched to 宋体 in its style, and a heading made bold by hand."""
    from docx.oxml.ns import qn

    document = docx.Document(str(rendered("kexie", tmp_path)))
    normal = document.styles["Normal"]
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    for run in heading.runs:
        run.bold = True
    deviations = compare(reopen(document), PROFILE)
    body = [d for d in deviations if d.what == "正文 中文字体"]
    assert {(d.expected, d.actual, d.severity) for d in body} == {("仿宋_GB2312", "宋体", MUST)}
    assert len(body) > 30  # every body paragraph, each with its number and excerpt
    assert all(d.paragraph and d.excerpt for d in body)
    # signature and date inherit from Normal too; headings name their own font and keep it
    assert {d.what for d in deviations} == {"正文 中文字体", "署名 中文字体", "日期 中文字体",
                                            "一级标题 加粗"}


def test_the_character_grid_follows_the_normal_style_size(tmp_path):
    """Word's grid pitch is 正文's size plus w:charSpace: 小四 in a 三号 grid gives 37 a line."""
    from docx.shared import Pt

    document = docx.Document(str(rendered("kexie", tmp_path)))
    document.styles["Normal"].font.size = Pt(12)
    deviations = compare(reopen(document), PROFILE)
    assert ("每行字数（文档网格）", "28 字", "37 字", SHOULD) in found(deviations)
    assert {d.what for d in deviations} == {"每行字数（文档网格）", "正文 字号", "署名 字号",
                                            "日期 字号"}


# ---------------------------------------------------------------- other people's documents


def test_python_docx_default_document(tmp_path):
    document = docx.Document()
    document.add_heading("2024年县科协经验交流材料", 0)
    document.add_paragraph("近年来，县科协认真贯彻落实中央关于群团工作的部署。")
    document.add_heading("一、坚持党的领导", 1)
    document.add_paragraph("县科协始终把党的政治建设摆在首位。")
    document.save(tmp_path / "default.docx")
    deviations = check_layout(tmp_path / "default.docx", PROFILE)
    assert found(deviations) == {
        ("纸张", "210 × 297 毫米", "215.9 × 279.4 毫米", MUST),  # US Letter
        ("上边距", "37 毫米", "25.4 毫米", MUST),
        ("下边距", "35 毫米", "25.4 毫米", MUST),
        ("左边距", "28 毫米", "31.8 毫米", MUST),
        ("右边距", "26 毫米", "31.8 毫米", MUST),
        ("每页行数（文档网格）", "22 行", "未设置网格", SHOULD),
        ("每行字数（文档网格）", "28 字", "未设置字符网格", SHOULD),
        # theme fonts, resolved for the template's East Asian language (ja-JP)
        ("标题 中文字体", "方正小标宋简体", "ＭＳ ゴシック（主题字体 majorEastAsia）", MUST),
        ("标题 字号", "22 磅（二号）", "26 磅", MUST),
        ("标题 对齐", "居中", "左对齐", MUST),
        ("标题 行距", "固定值 28.95 磅", "单倍行距", SHOULD),
        ("正文 中文字体", "仿宋_GB2312", "ＭＳ 明朝（主题字体 minorEastAsia）", MUST),
        ("正文 字号", "16 磅（三号）", "11 磅", MUST),
        ("正文 首行缩进", "2 字符", "0 字符", SHOULD),
        ("正文 行距", "固定值 28.95 磅", "1.15 倍行距", SHOULD),
        ("一级标题 中文字体", "黑体", "ＭＳ ゴシック（主题字体 majorEastAsia）", MUST),
        ("一级标题 字号", "16 磅（三号）", "14 磅", MUST),
        ("一级标题 加粗", "不加粗", "加粗", SHOULD),
        ("一级标题 首行缩进", "2 字符", "0 字符", SHOULD),
        ("一级标题 行距", "固定值 28.95 磅", "1.15 倍行距", SHOULD),
        ("页码", "页脚中有页码“— 1 —”", "无页码", MUST),
    }
    body = [d for d in deviations if d.what == "正文 字号"]
    assert [(d.paragraph, d.excerpt) for d in body] == [(2, "近年来，县科协认真贯彻落实中央关…"),
                                                        (4, "县科协始终把党的政治建设摆在首位…")]


def test_hand_made_songti_document(tmp_path):
    deviations = check_layout(save_songti(tmp_path / "宋体.docx"), PROFILE)
    fonts = {(d.what, d.actual, d.severity) for d in deviations if "中文字体" in d.what}
    assert fonts == {  # 宋体 from the Normal style, through every paragraph's inheritance
        ("标题 中文字体", "宋体", SHOULD),  # 宋体 is the profile's stand-in for 方正小标宋简体
        ("副标题 中文字体", "宋体", MUST),
        ("正文 中文字体", "宋体", MUST),
        ("一级标题 中文字体", "宋体", MUST),
        ("二级标题 中文字体", "宋体", MUST),
        ("署名 中文字体", "宋体", MUST),
        ("日期 中文字体", "宋体", MUST),
    }
    sizes = {d.what: d.actual for d in deviations if d.what.endswith("字号")}
    assert set(sizes.values()) == {"12 磅"} and len(sizes) == 7
    assert ("标题 加粗", "不加粗", "加粗", SHOULD) in found(deviations)
    assert ("一级标题 加粗", "不加粗", "加粗", SHOULD) in found(deviations)
    assert ("正文 首行缩进", "2 字符", "0 字符", SHOULD) in found(deviations)
    assert not any(d.what == "标题 对齐" for d in deviations)  # centred by hand: right
    headings = sorted(d.paragraph for d in deviations if d.what == "一级标题 中文字体")
    assert headings == [4, 9]  # the typed 一、 lines, found by format's recognition


def test_east_asian_font_direct_formatting_wins_and_the_latin_name_does_not_count(tmp_path):
    """run.font.name sets only the Latin font: Word still shows 宋体 for the Chinese text."""
    document = songti_document(HANDMADE[:5])
    latin_only, east_asian = document.paragraphs[2], document.paragraphs[4]
    latin_only.runs[0].font.name = "仿宋_GB2312"
    set_east_asian_font(east_asian.runs[0], "仿宋_GB2312")
    deviations = compare(reopen(document), PROFILE)
    body_fonts = {d.paragraph: d.actual for d in deviations if d.what == "正文 中文字体"}
    assert body_fonts == {3: "宋体"}  # paragraph 5's own w:eastAsia is right


def test_a_heading_running_on_into_body_text_is_held_to_both_styles(tmp_path):
    """“（一）强化政治引领。”in 楷体, then the body in 仿宋 in the same paragraph: both right."""
    document = songti_document(HANDMADE[:6])
    set_east_asian_font(document.styles["Normal"], "仿宋_GB2312")
    heading, body = document.paragraphs[5].runs
    set_east_asian_font(heading, "楷体_GB2312")
    heading.bold = None
    deviations = [d for d in compare(reopen(document), PROFILE) if d.paragraph == 6]
    assert not any("字体" in d.what or "加粗" in d.what for d in deviations)
    set_east_asian_font(body, "楷体_GB2312")  # the body part in the heading's font: wrong
    deviations = [d for d in compare(reopen(document), PROFILE) if d.paragraph == 6]
    assert [(d.what, d.actual) for d in deviations if "字体" in d.what] == [
        ("正文 中文字体", "楷体_GB2312")]


def test_theme_fonts_follow_the_documents_east_asian_language(tmp_path):
    document = docx.Document()
    document.add_paragraph("正文。")
    document.settings.element.find(
        f"{{{W_NS}}}themeFontLang").set(f"{{{W_NS}}}eastAsia", "zh-CN")
    body = [d for d in compare(reopen(document), PROFILE) if d.what == "正文 中文字体"]
    assert [d.actual for d in body] == ["宋体（主题字体 minorEastAsia）"]


def test_bold_toggles_between_paragraph_and_character_styles():
    """Word's toggle rule: a bold character style on a bold paragraph style is not bold."""
    from drafter.document.docx_styles import Resolver

    document = docx.Document()
    strong = document.styles.add_style("强调", 2)  # character style
    strong.font.bold = True
    heading = document.add_heading("标题", 1)  # bold by its style
    heading.add_run("甲")
    toggled = heading.add_run("乙")
    toggled.style = strong
    direct = heading.add_run("丙")
    direct.bold = False
    resolver = Resolver(document)
    bolds = [resolver.run_format(heading._p, r._r).bold for r in heading.runs]
    assert bolds == [True, True, False, False]


def test_page_numbers_format_and_odd_even(tmp_path):
    document = docx.Document(str(rendered("kexie", tmp_path)))
    footer = document.sections[0].footer.paragraphs[0]
    for run in footer.runs:
        if run.text == "— ":
            run.text = "第"
        elif run.text == " —":
            run.text = "页"
    document.settings.element.remove(document.settings.element.find(f"{{{W_NS}}}evenAndOddHeaders"))
    deviations = compare(reopen(document), PROFILE)
    assert found(deviations) == {
        ("页码 单双页", "奇偶页不同（单页居右、双页居左）", "各页相同", SHOULD),
        ("单页页码 格式", "“— 1 —”", "“第1页”", SHOULD),  # the PAGE field is found all the same
    }


# ---------------------------------------------------------------- the command


def test_cli_reports_and_sets_the_exit_status(capsys, tmp_path):
    good = rendered("kexie", tmp_path)
    bad = save_songti(tmp_path / "宋体.docx")
    code, out, _ = run(capsys, "--layout", good)
    assert code == 0 and out.strip() == f"{good}：版式符合“公文”，未发现不符之处。"
    code, out, _ = run(capsys, "--layout", bad)
    assert code == 1
    assert out.startswith(f"{bad}：版式与“公文”有 ")
    assert ("  ［必须］正文 中文字体：应为 仿宋_GB2312，实为 宋体（第 3、5、6、8、10、11 段，"
            "如第 3 段“近年来，县科协在县委的坚强领导下…”）") in out
    code, out, _ = run(capsys, "--layout", "--format", "json", bad)
    items = json.loads(out)
    assert code == 1 and {"file", "what", "expected", "actual", "severity", "paragraph",
                          "excerpt"} == set(items[0])


def test_cli_errors(capsys, tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("正文", "utf-8")
    code, _, err = run(capsys, "--layout", text)
    assert code == 2 and f"无法检查 {text} 的版式：--layout 只适用于 Word 文档（.docx）。" in err
    code, _, err = run(capsys, "--style", "gongwen", text)
    assert code == 2 and "--style 只与 --layout 一起使用" in err
    code, _, err = run(capsys, "--layout", "--style", "没有这个版式", text)
    assert code == 2 and "找不到版式“没有这个版式”" in err
    broken = tmp_path / "b.docx"
    broken.write_bytes(zipfile.ZipFile.__doc__.encode())
    code, _, err = run(capsys, "--layout", broken)
    assert code == 2 and "文件已损坏或不是 Word 文档" in err
