"""Bad input never corrupts: every odd answer gives a valid draft or a clear error naming the field.

Each case goes through `drafter render` (drafter.cli.main) as a user runs it. A
case either succeeds with a valid .docx that holds the text (and a warning
naming the field when characters were removed), or fails with a Chinese message
naming the field or line, leaving no file and no temporary file behind. Never a
traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from office import assert_valid_docx, docx_text, squash

from drafter.cli import main

REPO = Path(__file__).parent.parent
ROBUST = Path(__file__).parent / "data" / "robust_template"
KEXIE = (REPO / "examples" / "kexie.yaml").read_text(encoding="utf-8")


def kexie_with(old: str, new: str) -> str:
    assert old in KEXIE, old
    return KEXIE.replace(old, new, 1)


def render(tmp_path: Path, capsys, answers: str | bytes, template: str = "kexie",
           *extra: str) -> tuple[int, str, Path]:
    """Run `drafter render` on an answers text; return status, stderr+stdout, output path."""
    source = tmp_path / "答案.yaml"
    if isinstance(answers, bytes):
        source.write_bytes(answers)
    else:
        source.write_text(answers, encoding="utf-8")
    output = tmp_path / "out" / "材料.docx"
    output.parent.mkdir(exist_ok=True)
    status = main(["render", template, "--answers", str(source), "-o", str(output), *extra])
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert "Traceback" not in said
    if status == 0:
        assert_valid_docx(output.read_bytes())
    else:
        assert "错误：" in said
        assert list(output.parent.iterdir()) == []  # no draft, no temporary file
    return status, said, output


def text_of(output: Path) -> str:
    return docx_text(output.read_bytes())


def heading1_count(output: Path) -> int:
    import docx

    document = docx.Document(str(output))
    return sum(1 for p in document.paragraphs if p.style.name == "Heading 1")


# ------------------------------------------------------------------ removed with a warning


def test_xml_illegal_characters_are_removed_with_a_warning_naming_the_field(tmp_path, capsys):
    answers = kexie_with("org_short: 县科协",
                         'org_short: "县\\x01科\\x0b协\\uFFFE\\uFFFF\\0\\x1f"')
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0
    assert "字段“单位简称”（org_short）中有 6 个无法写入文档的控制字符，已删除" in said
    assert "县科协坚持" in text_of(output)


def test_raw_control_characters_pasted_into_the_file_are_removed_per_field(tmp_path, capsys):
    """YAML refuses to read a file with raw control characters; the paste still works."""
    answers = kexie_with("推行“专家+农技协+基地+农户”服务模式",
                         "推行“专家+农技协\x08+基地\x0c+农户\x7f”服务模式\x1b")
    answers = answers.replace("org_full_name: 安澜县科学技术协会",
                              "org_full_name: 安澜县\x01科学技术协会", 1)
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0
    assert "（s3_own）中有 4 个" in said
    assert "（org_full_name）中有 1 个" in said
    body = text_of(output)
    assert "推行“专家+农技协+基地+农户”服务模式" in body
    assert "安澜县科学技术协会" in body


def test_control_characters_outside_any_field_are_removed_with_a_warning(tmp_path, capsys):
    status, said, _ = render(tmp_path, capsys, "# 注释\x01\n" + KEXIE)
    assert status == 0
    assert "不在任何字段内" in said


# ------------------------------------------------------------------ kept as they are


@pytest.mark.parametrize("field, old, value", [
    ("org_short", "org_short: 县科协", "县科协🎉👩‍🔬"),
    ("party_brand", "party_brand: 科润安澜", "𠀀𪚥科润安澜"),  # extension B
    ("party_brand", "party_brand: 科润安澜", "\U0002B820\U0002CEB0\U00030000"),  # C/E/G
    ("occasion", "occasion: 在全市科协系统“六个坚持”经验交流会上的发言",
     "在\u200f全市\u202eسلام\u202c科协系统\u200e会上的发言"),
    ("org_short", "org_short: 县科协", "县科协\ue000\ue815"),  # 造字 (private use)
    ("org_short", "org_short: 县科协", "<县>&amp;"),
])
def test_emoji_rare_cjk_bidi_and_private_use_characters_survive(tmp_path, capsys, field, old,
                                                                  value):
    status, said, output = render(tmp_path, capsys, kexie_with(old, f'{field}: "{value}"'))
    assert status == 0, said
    assert "已删除" not in said
    assert value in text_of(output)


def test_numbers_where_text_is_expected_are_taken_as_text(tmp_path, capsys):
    answers = kexie_with("org_full_name: 安澜县科学技术协会", "org_full_name: 12345")
    answers = answers.replace("org_short: 县科协", "org_short: 3.14", 1)
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0, said
    body = text_of(output)
    assert "12345" in body and re.search(r"3\.14[\u4e00-\u9fff]", body)  # 3.14将…


def test_text_numbers_where_numbers_are_expected_are_accepted(tmp_path, capsys):
    answers = kexie_with("party_groups: 11", 'party_groups: "1,100"')
    answers = answers.replace("year: 2026", 'year: "2026年"', 1)
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0, said
    assert "1100个" in squash(text_of(output))


def test_outline_markup_and_jinja_in_answers_stay_plain_text(tmp_path, capsys):
    answers = kexie_with("org_short: 县科协", 'org_short: "## 假标题"')
    answers = answers.replace(
        "s3_own: |\n",
        "s3_own: |\n    {{ 7*7 }}{% raw %}【待补充：假】\n    # 一级？\n    @结尾\n", 1)
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0, said
    body = text_of(output)
    assert "## 假标题坚持" in body
    # printed, never run; each line of this answer is a paragraph of its own, kept as text
    for line in ("{{ 7*7 }}{% raw %}【待补充：假】", "# 一级？", "@结尾"):
        assert f"\n{line}" in body, line
    assert heading1_count(output) == 6  # answers cannot add or remove sections


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unusual_line_separators_cannot_start_markup_lines(tmp_path, capsys, separator):
    """U+2028 and friends break lines like \\n; an answer must not become a heading through them."""
    answers = kexie_with("org_short: 县科协", f'org_short: "县科协{separator}## 伪"')
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0, said
    assert heading1_count(output) == 6
    assert "县科协##伪" in squash(text_of(output))  # YAML folds a raw break into a space


def test_list_items_ending_in_separators_render(tmp_path, capsys):
    """A pasted list often keeps its 、 or ，; the template's own punctuation is not blamed."""
    answers = kexie_with("    - 全民科学素质提升\n    - 基层科协组织建设\n",
                         "    - 全民科学素质提升、\n    - 基层科协组织建设，\n")
    status, said, output = render(tmp_path, capsys, answers)
    assert status == 0, said
    assert "全民科学素质提升、" in text_of(output)


def test_a_100_kb_paste_renders_where_the_question_allows_it(tmp_path, capsys):
    paste = "科技志愿服务深入基层，" * 10_000  # about 100 000 characters
    answers = (f"org: 单位\ntitle_text: 标题\nshort: {paste}\n"
               f"body: |\n  {paste}\n  第二段\nitems:\n  - {paste}\n")
    status, said, output = render(tmp_path, capsys, answers, str(ROBUST))
    assert status == 0, said
    body = squash(text_of(output))
    assert body.count(squash(paste)) == 3


# ------------------------------------------------------------------ refused, naming the field


@pytest.mark.parametrize("case, old, new, expected", [
    ("too_long", "s3_own: |\n", "s3_own: |\n    " + "长" * 100_000 + "\n",
     ["字段 s3_own", "最多 1200 个字"]),
    ("word_for_int", "party_groups: 11", "party_groups: 十一", ["字段 party_groups", "不是整数"]),
    ("exponent", "party_groups: 11", "party_groups: 1e3", ["字段 party_groups", "不是整数"]),
    ("infinity", "party_groups: 11", "party_groups: .inf", ["字段 party_groups"]),
    ("not_a_number", "party_groups: 11", "party_groups: .nan", ["字段 party_groups"]),
    ("chinese_year", "year: 2026", "year: 二〇二六", ["字段 year"]),
    ("bool_for_text", "org_short: 县科协", "org_short: true", ["字段 org_short", "应为一段文字"]),
    ("list_for_text", "org_short: 县科协", "org_short: [县, 科协]", ["字段 org_short"]),
    ("mapping_for_text", "org_short: 县科协", "org_short: {县: 科协}", ["字段 org_short"]),
    ("mapping_for_list", "study_forms:\n    - 党组理论学习中心组专题学习\n    - “科协讲堂”\n"
     "    - 青年科技工作者读书班\n", "study_forms: {学: 1}\n", ["字段 study_forms"]),
    ("maybe_for_bool", "signature: true", "signature: 也许", ["字段 signature", "“是”或“否”"]),
    ("impossible_date", "date: 2026-11-20", "date: 2024-13-45", ["字段 date", "2024-13-45"]),
    ("february_30", "date: 2026-11-20", "date: 2024-02-30", ["字段 date"]),
    ("too_many_items", "    - 青年科技工作者读书班\n", "    - 青年科技工作者读书班\n" + "    - 又一项\n" * 5,
     ["字段 study_forms", "最多填写 5 项"]),
])
def test_wrong_kinds_of_answers_are_refused_naming_the_field(tmp_path, capsys, case, old, new,
                                                            expected):
    status, said, _ = render(tmp_path, capsys, kexie_with(old, new))
    assert status == 2
    for text in expected:
        assert text in said, (case, said)


BILLION_LAUGHS = """\
  a: &a [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
  industries: *h
"""


def test_yaml_alias_bomb_is_refused_with_its_line(tmp_path, capsys):
    answers = KEXIE.replace("answers:\n", "answers:\n" + BILLION_LAUGHS, 1)
    status, said, _ = render(tmp_path, capsys, answers)
    assert status == 2
    assert "别名" in said and "答案.yaml:" in said


def test_aliases_that_blow_up_text_size_are_refused_naming_the_field(tmp_path, capsys):
    big = "科" * 60_000
    answers = (f"org: 单位\ntitle_text: 标题\nx: &big {big}\n"
               f"items: [{', '.join(['*big'] * 150)}]\n")
    status, said, _ = render(tmp_path, capsys, answers, str(ROBUST))
    assert status == 2
    assert "字段 items" in said and "内容过大" in said


@pytest.mark.parametrize("case, answers, expected", [
    ("deep_nesting", "answers:\n  org_short: " + "[" * 5000 + "]" * 5000 + "\n", "嵌套过深"),
    ("binary", "answers:\n  org_short: !!binary 5Y6/56eR5Y2P\n", "!!binary"),
    ("python_object", "answers:\n  org_short: !!python/object/apply:os.system [ls]\n",
     "不支持的 YAML 标签"),
    ("python_name", "answers:\n  org_short: !!python/name:os.system\n", "YAML"),
    ("merge_key", "base: &b {org_short: 县科协}\nanswers:\n  <<: *b\n", "<<"),
    ("top_level_list", "- 县科协\n- 科协\n", "“字段: 内容”"),
    ("answers_list", "answers: [县科协]\n", "answers 下面"),
    ("tabs_indent", "answers:\n\torg_short: 县科协\n", "YAML 语法错误"),
    ("unclosed_quote", 'answers:\n  org_short: "县科协\n', "YAML 语法错误"),
])
def test_malformed_yaml_is_refused_clearly(tmp_path, capsys, case, answers, expected):
    status, said, _ = render(tmp_path, capsys, answers)
    assert status == 2
    assert expected in said, (case, said)


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_answers_not_in_utf8_are_refused_with_what_to_do(tmp_path, capsys, encoding):
    status, said, _ = render(tmp_path, capsys, KEXIE.encode(encoding, "replace"))
    assert status == 2
    assert "不是 UTF-8 编码" in said and "另存为 UTF-8" in said


def test_utf8_with_bom_is_fine(tmp_path, capsys):
    status, said, _ = render(tmp_path, capsys, "\ufeff".encode() + KEXIE.encode("utf-8"))
    assert status == 0, said


# ------------------------------------------------------------------ the library path


def test_lone_surrogates_through_the_library_are_removed_naming_the_field(tmp_path, monkeypatch):
    """The questionnaire and the Python API can hand over lone surrogates; files cannot."""
    from drafter.interview import resume
    from drafter.interview.answers import AnswersFile, read_answers
    from drafter.render.pipeline import draft_from_answers, write_draft
    from drafter.templates.loader import load_template

    template = load_template(str(ROBUST))
    values = {"org": "安澜县\ud800科协", "title_text": "标题\udfff\uffff", "items": ["甲\udc00"],
              "body": "正文\ud83d"}
    draft = draft_from_answers(template, AnswersFile("（问卷）", values=values))
    for name in ("org", "title_text", "items", "body"):
        assert any(f"（{name}）" in w and "已删除" in w for w in draft.warnings), name
    path, _ = write_draft(draft, tmp_path / "材料.docx", "docx")
    body = text_of(path)
    assert "安澜县科协" in body and "标题" in body and "甲" in body and "正文" in body

    # The resume file of such a questionnaire is still a readable answers file.
    monkeypatch.setenv(resume.ENV_VAR, str(tmp_path / "state"))
    saved = resume.save(template, values)
    assert read_answers(saved).values["org"] == "安澜县\ud800科协"


def test_unvalidated_values_are_made_safe_by_the_writer_and_the_file_name(tmp_path):
    """Values that skipped validation still cannot corrupt the file or break its name."""
    from drafter.render.pipeline import document_bytes, draft_from_values, write_draft
    from drafter.templates.loader import load_template

    template = load_template(str(ROBUST))
    draft = draft_from_values(template, {"org": "单位\ud800\x01", "title_text": "标题\x0b\ufffe"})
    data, notes = document_bytes(draft, "docx")
    assert_valid_docx(data)
    assert any("控制字符" in n for n in notes)
    path, _ = write_draft(draft, None, "docx", out_dir=tmp_path)
    assert path.exists() and path.name.startswith("单位")
    assert_valid_docx(path.read_bytes())


def test_a_lone_surrogate_is_not_called_a_control_character(tmp_path):
    """Issue 16.9: the warning named what was removed wrongly."""
    from drafter.interview.answers import AnswersFile, validate_answers
    from drafter.templates.loader import load_template

    template = load_template(str(ROBUST))
    _, warnings = validate_answers(template, AnswersFile("（问卷）", values={
        "org": "安澜县\ud800科协", "body": "正文\x01\udfff\x02"}), allow_missing=True)
    surrogate = "孤立代理项（U+D800–U+DFFF 中不成对的码位，不代表任何字符）"
    assert f"字段“单位名称”（org）中有 1 个无法写入文档的{surrogate}，已删除。" in warnings
    assert (f"中有 2 个无法写入文档的控制字符、1 个无法写入文档的{surrogate}，已删除。"
            in "\n".join(w for w in warnings if "（body）" in w))
    assert not any("（org）" in w and "控制字符" in w for w in warnings)
