"""drafter format: text a person wrote → Document → 公文 layout."""

from pathlib import Path

import pytest

from drafter.cli import main
from drafter.document.model import Kind
from drafter.document.numbering import heading_level
from drafter.document.plaintext import parse_plaintext, to_markup

PLAIN = """2024年县科协“六个坚持”经验交流材料
——在全市科协系统经验交流会上的发言

近年来，县科协在县委的坚强领导下，认真贯彻落实中央关于群团工作的部署。
现将主要做法汇报如下：
一、坚持党的领导，把牢正确政治方向
县科协始终把党的政治建设摆在首位，
每月召开党组会议研究科协工作。
（一）强化政治引领。组织科技工作者开展学习，全年举办学习活动12场。
1.建立学习制度
每月集中学习一次，1.5万人次参加。
（1）党组理论学习中心组
　　全年开展专题学习8次。
二、坚持服务大局
全县开展科普活动126场。
四、坚持改革创新
推进基层组织建设。
总之，我们将继续努力，推动科协工作再上新台阶。
安澜县科学技术协会
2024年5月8日
"""


def structure(document):
    return [(b.kind.value, b.level, b.text) for b in document.blocks]


def test_plain_text_headings_levels_paragraphs_and_closing():
    document = parse_plaintext(PLAIN)
    assert structure(document) == [
        ("title", 0, "2024年县科协“六个坚持”经验交流材料"),
        ("subtitle", 0, "——在全市科协系统经验交流会上的发言"),
        ("paragraph", 0, "近年来，县科协在县委的坚强领导下，认真贯彻落实中央关于群团工作的部署。"),
        ("paragraph", 0, "现将主要做法汇报如下："),
        ("heading", 1, "坚持党的领导，把牢正确政治方向"),
        ("paragraph", 0, "县科协始终把党的政治建设摆在首位，每月召开党组会议研究科协工作。"),
        ("heading", 2, "强化政治引领。"),
        ("paragraph", 0, "组织科技工作者开展学习，全年举办学习活动12场。"),
        ("heading", 3, "建立学习制度"),
        ("paragraph", 0, "每月集中学习一次，1.5万人次参加。"),
        ("heading", 4, "党组理论学习中心组"),
        ("paragraph", 0, "全年开展专题学习8次。"),
        ("heading", 1, "坚持服务大局"),
        ("paragraph", 0, "全县开展科普活动126场。"),
        ("heading", 1, "坚持改革创新"),
        ("paragraph", 0, "推进基层组织建设。"),
        ("paragraph", 0, "总之，我们将继续努力，推动科协工作再上新台阶。"),
        ("signature", 0, "安澜县科学技术协会"),
        ("date", 0, "2024年5月8日"),
    ]
    closing = [b.text[:2] for b in document.blocks if b.closing]
    assert closing == ["总之", "安澜", "20"]
    # The writer renumbers: the typed 四、 after 二、 becomes 三、.
    assert [n for _, n in document.numbered() if n] == [
        "一、", "（一）", "1.", "（1）", "二、", "三、"]


@pytest.mark.parametrize(
    ("line", "level", "text"),
    [
        ("一、坚持党的领导", 1, "坚持党的领导"),
        ("十二、其他", 1, "其他"),
        ("（一）强化引领", 2, "强化引领"),
        ("(二) 半角括号", 2, "半角括号"),
        ("1. 建立制度", 3, "建立制度"),
        ("2．全角点", 3, "全角点"),
        ("3、顿号", 3, "顿号"),
        ("（1）四级", 4, "四级"),
        ("1.5万人次参加", 0, "1.5万人次参加"),
        ("2024年工作", 0, "2024年工作"),
        ("一是加强领导", 0, "一是加强领导"),
        ("十分重要。", 0, "十分重要。"),
    ],
)
def test_typed_heading_numbers(line, level, text):
    assert heading_level(line) == (level, text)


def test_one_paragraph_per_line_and_wrapped_text():
    per_line = "第一段。\n第二段。\n第三段：\n第四段"
    assert [b.text for b in parse_plaintext(per_line).blocks] == [
        "第一段。", "第二段。", "第三段：", "第四段"]
    wrapped = "标题\n\n这是一段被硬换行\n拆开的文字。\n\n下一段。"
    assert structure(parse_plaintext(wrapped)) == [
        ("title", 0, "标题"), ("paragraph", 0, "这是一段被硬换行拆开的文字。"),
        ("paragraph", 0, "下一段。")]


def test_long_numbered_line_without_a_sentence_break_stays_a_paragraph():
    line = "1." + "很长的一句话，" * 20 + "结束。"
    document = parse_plaintext("正文开始。\n" + line)
    assert [b.kind for b in document.blocks] == [Kind.PARAGRAPH, Kind.PARAGRAPH]
    assert document.blocks[1].text == line


def test_markup_is_accepted_as_is():
    markup = "# 标题\n\n## 一级\n\n正文。\n\n@署名 某某县科协\n@日期 2024年5月8日\n"
    assert structure(parse_plaintext(markup)) == [
        ("title", 0, "标题"), ("heading", 1, "一级"), ("paragraph", 0, "正文。"),
        ("signature", 0, "某某县科协"), ("date", 0, "2024年5月8日")]


def test_markup_headings_lose_their_typed_numbers_too():
    document = parse_plaintext("# 标题\n\n## 一、第一部分\n\n### （二）小节\n\n正文。\n")
    assert [(b.level, b.text) for b in document.headings()] == [(1, "第一部分"), (2, "小节")]


def test_text_starting_with_markup_characters_stays_text():
    document = parse_plaintext("标题\n\n正文。\n@某某同志的发言很好。\n")
    assert document.blocks[-1].text == "@某某同志的发言很好。"


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_our_own_text_output_reads_back_to_the_same_document(capsys, tmp_path,
                                                             core_template_dir, fmt):
    answers = tmp_path / "a.yaml"
    answers.write_text("answers:\n  year: 2024\n  org: 安澜县科协\n  events: 12\n"
                       "  programmes: [科普大篷车, 科技小院]\n", "utf-8")
    out = tmp_path / f"draft.{fmt}"
    assert main(["render", str(core_template_dir), "--answers", str(answers), "-o", str(out)]) == 0
    from drafter.interview.answers import read_answers
    from drafter.render.pipeline import draft_from_answers
    from drafter.templates.loader import load_template

    original = draft_from_answers(load_template(str(core_template_dir)),
                                  read_answers(answers)).document
    again = parse_plaintext(out.read_text("utf-8"), markdown=fmt == "md")
    assert structure(again) == structure(original)


def test_markdown_extras_are_cleaned():
    md = ("# 标题\n\n*——副标题*\n\n## 二、**重点**工作\n\n- 第一项[链接](http://x)。\n\n"
          "```\n代码\n```\n\n---\n\n<p align=\"right\">某某县科协</p>\n\n"
          "<p align=\"right\">2024年5月8日</p>\n")
    assert structure(parse_plaintext(md, markdown=True)) == [
        ("title", 0, "标题"), ("subtitle", 0, "——副标题"), ("heading", 1, "重点工作"),
        ("paragraph", 0, "第一项链接。"), ("paragraph", 0, "代码"), ("signature", 0, "某某县科协"),
        ("date", 0, "2024年5月8日")]


def test_markup_text_is_what_the_parser_reads():
    assert to_markup("一、甲\n正文。\n") == "## 甲\n\n正文。\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_format_to_docx_styles_headings_and_indents_paragraphs(capsys, tmp_path):
    docx = pytest.importorskip("docx")
    from drafter.writers.styles import load_profile

    source = tmp_path / "原稿.txt"
    source.write_text(PLAIN, "utf-8")
    code, stdout, err = run(capsys, "format", source)
    assert code == 0, err
    out = tmp_path / "原稿.docx"
    assert f"已生成：{out}" in stdout and "合计" in stdout
    profile = load_profile("gongwen")
    names = {role: profile.style(role).name for role in
             ("title", "heading1", "heading2", "heading3", "heading4", "body", "date")}
    paragraphs = [p for p in docx.Document(str(out)).paragraphs if p.text]
    by_text = {p.text: p for p in paragraphs}
    assert by_text["2024年县科协“六个坚持”经验交流材料"].style.name == names["title"]
    assert by_text["一、坚持党的领导，把牢正确政治方向"].style.name == names["heading1"]
    assert by_text["（一）强化政治引领。"].style.name == names["heading2"]
    assert by_text["1.建立学习制度"].style.name == names["heading3"]
    assert by_text["（1）党组理论学习中心组"].style.name == names["heading4"]
    assert by_text["三、坚持改革创新"].style.name == names["heading1"]
    assert by_text["2024年5月8日"].style.name == names["date"]
    body = by_text["推进基层组织建设。"]
    assert body.style.name == names["body"]
    indent = body.paragraph_format.first_line_indent or body.style.paragraph_format.first_line_indent
    assert indent is not None and indent.pt == pytest.approx(32, abs=1)  # two 三号 characters


def test_format_markdown_to_stdout_and_existing_output(capsys, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(PLAIN, "utf-8")
    code, stdout, err = run(capsys, "format", source, "-o", "-", "-f", "md")
    assert code == 0
    assert stdout.startswith("# 2024年县科协") and "## 三、坚持改革创新" in stdout
    assert "合计" in err
    out = tmp_path / "a.md"
    out.write_text("旧稿", "utf-8")
    code, _, err = run(capsys, "format", source, "-o", out)
    assert code == 2 and "已存在，未做任何改动" in err and out.read_text("utf-8") == "旧稿"


def test_format_reads_gbk_and_refuses_a_damaged_docx(capsys, tmp_path):
    source = tmp_path / "gbk.txt"
    source.write_bytes("标题\n\n一、第一部分\n正文。\n".encode("gbk"))
    code, stdout, err = run(capsys, "format", source, "-o", tmp_path / "out.txt")
    assert code == 0
    assert "已按 GBK（GB18030）读取" in err
    assert (tmp_path / "out.txt").read_text("utf-8") == "标题\n\n\u3000\u3000一、第一部分\n\n\u3000\u3000正文。\n"
    word = tmp_path / "a.docx"
    word.write_bytes(b"PK")
    code, _, err = run(capsys, "format", word, "-o", tmp_path / "b.docx")
    assert code == 2 and f"无法读取 {word}：文件已损坏或不是 Word 文档（.docx）" in err
    assert not (tmp_path / "b.docx").exists()


def test_format_missing_or_empty_input(capsys, tmp_path):
    code, _, err = run(capsys, "format", tmp_path / "no.txt")
    assert code == 2 and f"找不到原稿文件：{tmp_path / 'no.txt'}" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", "utf-8")
    code, _, err = run(capsys, "format", empty, "-o", tmp_path / "e.docx")
    assert code == 2 and "没有文字" in err
    assert not Path(tmp_path / "e.docx").exists()


@pytest.mark.parametrize(
    ("tail", "kind"),
    [
        ("安澜县科学技术协会", Kind.SIGNATURE),  # names an organisation
        ("          张  三", Kind.SIGNATURE),  # pushed right by hand
        ("谢谢大家！", Kind.PARAGRAPH),
        ("以上汇报，请批评指正", Kind.PARAGRAPH),
    ],
)
def test_signature_without_a_date(tail, kind):
    document = parse_plaintext(f"标题\n\n正文第一段。\n正文第二段。\n{tail}\n")
    assert document.blocks[-1].kind is kind


def test_format_runs_the_checker(capsys, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("2024年工作交流材料\n\n一、主要做法\n我们积极效劳群众。\n", "utf-8")
    out = tmp_path / "a.md"
    code, stdout, _ = run(capsys, "format", source, "-o", out)
    assert code == 0
    assert f"校对：发现 1 处问题（错词 1），请运行 drafter check {out} 查看详情" in stdout
    assert "我们积极效劳群众。" in out.read_text("utf-8")  # the text is laid out, not rewritten


def test_zero_width_spaces_the_user_typed_are_kept():
    """U+200B used to be drafter's own escape and every one was deleted, typed or not."""
    text = "标题\n\n县科协\u200b开展活动。\n#号开头的一句\u200b话。\n"
    document = parse_plaintext(text)
    paragraphs = [b.text for b in document.blocks if b.kind is Kind.PARAGRAPH]
    assert paragraphs == ["县科协\u200b开展活动。", "#号开头的一句\u200b话。"]
    assert all("\ufdd0" not in b.text for b in document.blocks)


def test_a_10_million_character_line_gives_a_docx_that_check_can_read(capsys, tmp_path):
    """One text node over 10 MB is more than libxml2 (and so python-docx) will read: the
    writer cuts long text into runs, and `check` reads the draft back whole."""
    sentence = "县科协组织开展科普活动，服务群众"
    line = sentence * (10_000_000 // len(sentence))
    source = tmp_path / "长.txt"
    source.write_text(f"标题\n\n{line}\n", "utf-8")
    output = tmp_path / "长.docx"
    assert main(["format", str(source), "-o", str(output)]) == 0
    capsys.readouterr()
    status = main(["check", str(output)])
    captured = capsys.readouterr()
    assert status in (0, 1), captured.err
    assert "无法读取" not in captured.err and "Traceback" not in captured.err
    from drafter.check.source import read_source

    assert read_source(output).split("\n")[-1] == line
