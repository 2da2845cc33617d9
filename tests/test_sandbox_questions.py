"""Template code outside outline.j2 runs under the outline's bounds (issue 16, item 3).

Question `default:` expressions, `when:` conditions, the `output:` file-name pattern
and the `pattern:` regex are template-supplied code too. Each runaway kind is stopped
with a Chinese message naming the file, line and question, never a traceback or a
hang, and `templates check` finds it by running the code on the questions' examples.
"""

import textwrap
from pathlib import Path

import pytest

import drafter.render.sandbox
from drafter.cli import main
from drafter.errors import SandboxError, TemplateError
from drafter.interview.answers import parse_answers, validate_answers
from drafter.render.engine import render_document, render_output_name
from drafter.render.sandbox import guarded, nested_quantifier
from drafter.templates.check import check_template
from drafter.templates.loader import load_template

RECURSIVE_MACRO = "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"
SILENT_LOOPS = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
DEEP_SUM = "{{ " + "+".join(["1"] * 400) + " }}"
BIG_LIST = '{{ range(2000)|map("string")|map("center", 1900000)|list|length }}'


def make_template(tmp_path: Path, *, default: str = "", when: str = "", pattern: str = "",
                  example: str = "", output: str = "{{ org }}材料", outline: str = "") -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / "template.yaml").write_text(
        f"id: guard-test\ntitle: 测试\noutput: {quoted(output)}\n", encoding="utf-8")
    extra = "".join(f"    {key}: {quoted(value)}\n" for key, value in
                    (("default", default), ("when", when), ("pattern", pattern),
                     ("example", example)) if value)
    (folder / "questions.yaml").write_text(textwrap.dedent("""\
        questions:
          - name: org
            label: 单位名称
            example: 安澜县科协
          - name: code
            label: 编号
        """) + extra, encoding="utf-8")
    (folder / "outline.j2").write_text(
        outline or "# {{ org }}材料\n\n{{ org }}认真履行职责。{{ code }}号。\n", encoding="utf-8")
    return folder


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_messages(folder: Path) -> list[str]:
    return [f"{p.file}:{p.line}：{p.message}" for p in check_template(folder)]


def render_cli(tmp_path: Path, folder: Path, capsys, answers: str = "org: 安澜县科协\n",
               *extra: str) -> tuple[int, str]:
    path = tmp_path / "answers.yaml"
    path.write_text(answers, encoding="utf-8")
    code = main(["render", str(folder), "--answers", str(path), "-o", str(tmp_path / "out.md"),
                 "--force", *extra])
    return code, capsys.readouterr().err


@pytest.fixture
def quick(monkeypatch):
    """One second instead of ten, and no step budget to stop a loop first."""
    monkeypatch.setattr(drafter.render.sandbox, "TIME_LIMIT", 1)
    monkeypatch.setattr(drafter.render.sandbox, "MAX_STEPS", 10**12)


# ---------------------------------------------------------------- defaults and conditions


def test_a_recursive_default_is_stopped_with_a_message_naming_the_question(tmp_path, capsys):
    folder = make_template(tmp_path, default=RECURSIVE_MACRO)
    code, err = render_cli(tmp_path, folder, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert "questions.yaml:7，字段 code：默认值递归或嵌套过深，已停止" in err  # the check runs first
    assert any("questions.yaml:7：默认值递归或嵌套过深" in m for m in check_messages(folder))


def test_a_recursive_condition_is_reported_by_the_check_at_its_line(tmp_path):
    folder = make_template(tmp_path, when="f(1) if false else (range(10)|map('string')|list)[0]",
                           default="{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    messages = check_messages(folder)
    assert any("questions.yaml:7：默认值递归或嵌套过深" in m for m in messages), messages


def test_a_runaway_default_is_stopped_by_the_time_limit(tmp_path, quick):
    folder = make_template(tmp_path, default=SILENT_LOOPS)
    template = load_template(str(folder))
    with pytest.raises(TemplateError) as info:
        validate_answers(template, parse_answers("org: 安澜县科协\n", "a.yaml"))
    [problem] = info.value.problems
    assert problem.field == "code"
    assert problem.message.startswith("默认值运行超过 1 秒仍未结束")
    assert any("questions.yaml:7：默认值运行超过 1 秒" in m for m in check_messages(folder))


def test_a_runaway_condition_is_stopped_by_the_time_limit(tmp_path, quick):
    folder = make_template(tmp_path, when='range(5000)|map("center", 20000)|map("replace", " ", "  ")'
                                          '|select("eq", "x")|list|length > 0')
    with pytest.raises(TemplateError) as info:
        validate_answers(load_template(str(folder)), parse_answers("org: 安澜县科协\n", "a.yaml"))
    assert "提纲条件" not in info.value.message
    assert "提问条件 when 运行超过 1 秒仍未结束" in info.value.message


def test_a_default_that_builds_gigabytes_is_stopped_by_the_memory_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(drafter.render.sandbox, "MEMORY_HEADROOM", 64 * 1024 * 1024)
    folder = make_template(tmp_path, default=BIG_LIST)
    with pytest.raises(TemplateError) as info:
        validate_answers(load_template(str(folder)), parse_answers("org: 安澜县科协\n", "a.yaml"))
    assert "默认值占用内存过多，已停止" in info.value.message


def test_a_default_nested_400_deep_is_a_message_everywhere(tmp_path, capsys):
    folder = make_template(tmp_path, default=DEEP_SUM)
    code, err = render_cli(tmp_path, folder, capsys)
    assert code == 2 and "Traceback" not in err
    assert "默认值嵌套过深" in err
    messages = check_messages(folder)
    assert any("questions.yaml:7：默认值嵌套过深" in m for m in messages), messages
    assert main(["templates", "check", str(folder)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("terms", [150, 250, 400])
def test_deep_nesting_in_the_outline_is_a_message_for_check_and_render(tmp_path, terms):
    outline = "# 标题\n\n{{ org }}{{ code }}{{ " + "+".join(["1"] * terms) + " }}。\n"
    folder = make_template(tmp_path, outline=outline)
    template = load_template(str(folder))
    messages = check_messages(folder)
    if terms == 150:  # within Python's limits: fine
        assert messages == []
        assert render_document(template, {"org": "安澜县科协"}).blocks
        return
    assert len(messages) == 1 and "嵌套过深" in messages[0], messages
    assert str(folder / "outline.j2") in messages[0]
    with pytest.raises((SandboxError, TemplateError)) as info:
        render_document(template, {"org": "安澜县科协"})  # the library holds without a check
    assert "嵌套过深" in info.value.message


# ---------------------------------------------------------------- the output pattern


def test_division_by_zero_in_the_output_pattern_is_a_message(tmp_path, capsys):
    folder = make_template(tmp_path, output="{{ 1/0 }}")
    template = load_template(str(folder))
    with pytest.raises(TemplateError) as info:
        render_output_name(template, {"org": "安澜县科协"})
    [problem] = info.value.problems
    assert (problem.file, problem.line) == (str(folder / "template.yaml"), 3)
    assert problem.message == "输出文件名格式（output）无法计算：division by zero"
    assert check_messages(folder) == [f"{folder / 'template.yaml'}:3：{problem.message}"]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, err = render_cli(tmp_path, folder, capsys, "org: 安澜县科协\n")
    assert code == 2 and "Traceback" not in err and "division by zero" in err


def test_a_recursive_output_pattern_is_stopped(tmp_path):
    folder = make_template(tmp_path, output=RECURSIVE_MACRO)
    with pytest.raises(TemplateError) as info:
        render_output_name(load_template(str(folder)), {"org": "安澜县科协"})
    assert "输出文件名格式（output）递归或嵌套过深" in info.value.message


def test_a_runaway_output_pattern_is_stopped_by_the_time_limit(tmp_path, quick):
    folder = make_template(tmp_path, output=SILENT_LOOPS + "{{ org }}")
    with pytest.raises(TemplateError) as info:
        render_output_name(load_template(str(folder)), {"org": "安澜县科协"})
    assert "输出文件名格式（output）运行超过 1 秒" in info.value.message


# ---------------------------------------------------------------- the pattern regex


CATASTROPHIC = "(a+)+b"


def test_a_nested_quantifier_is_refused_by_the_check(tmp_path):
    folder = make_template(tmp_path, pattern=CATASTROPHIC)
    [message] = check_messages(folder)
    assert "questions.yaml:7：格式 pattern“(a+)+b”中有嵌套的重复" in message


@pytest.mark.parametrize("pattern", [CATASTROPHIC, "(a*)*b", r"(\d{1,2})+x", "((ab)*c)*d",
                                     "(?:x+y)+", "(a+|b)+c"])
def test_star_height_above_one_is_detected(pattern):
    assert nested_quantifier(pattern)


@pytest.mark.parametrize("pattern", [r"[0-9]+(\.[0-9]+)?", r"\d{1,2}(\.\d{1,2})?%",
                                     ".*[县区市旗]", "(ab)+", "(a|aa)+b", "a{2}", "(?>a+)+"])
def test_patterns_of_the_builtin_templates_and_plain_ones_pass(pattern):
    assert not nested_quantifier(pattern)


def test_a_catastrophic_regex_does_not_hang_validation(tmp_path, quick):
    """The static rule misses overlapping alternatives; the time limit stops them."""
    folder = make_template(tmp_path, pattern="(a|aa)+b")
    template = load_template(str(folder))
    with pytest.raises(TemplateError) as info:
        validate_answers(template, parse_answers(f"org: 安澜县科协\ncode: {'a' * 60}!\n",
                                                 "a.yaml"))
    [problem] = info.value.problems
    assert problem.field == "code" and problem.line == 5
    assert problem.message.startswith("格式 pattern 运行超过 1 秒仍未结束（可能是死循环或过于复杂的正则表达式）")


def test_the_check_runs_the_pattern_on_the_example_under_the_time_limit(tmp_path, quick):
    folder = make_template(tmp_path, pattern="(a|aa)+b", example="a" * 60 + "!")
    messages = check_messages(folder)
    assert any("questions.yaml:7：格式 pattern 运行超过 1 秒" in m for m in messages), messages


def test_the_catastrophic_regex_cli_case_ends_with_a_message(tmp_path, capsys, quick):
    folder = make_template(tmp_path, pattern="(a|aa)+b")
    code, err = render_cli(tmp_path, folder, capsys, f"org: 安澜县科协\ncode: {'a' * 60}!\n")
    assert code == 2 and "Traceback" not in err
    assert "字段 code：格式 pattern 运行超过 1 秒" in err


# ---------------------------------------------------------------- the guard itself


def test_guarded_turns_every_template_fault_into_a_chinese_message():
    def deep(n=0):
        return deep(n + 1)

    cases = {
        lambda: 1 / 0: "测试无法计算：division by zero",
        deep: "测试递归或嵌套过深",
        lambda: compile("(" * 300 + ")" * 300, "x", "eval"): "测试嵌套过深，无法编译",
    }
    for call, message in cases.items():
        with pytest.raises(SandboxError) as info:
            guarded(call, "测试")
        assert info.value.message.startswith(message)


def test_builtin_templates_still_check_clean():
    for template_id in ("six-adherences", "kexie", "gonghui", "gongqingtuan", "fulian"):
        assert [p for p in check_template(template_id) if not p.warning] == [], template_id
