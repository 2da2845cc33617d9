"""drafter.templates.check: every problem at once, each with file and line.

Each folder in tests/data/broken_templates has one kind of problem (and
`several` has many); the check must report exactly the expected findings.
"""

from pathlib import Path

import pytest

from drafter.cli import main
from drafter.errors import TemplateError, TemplateNotFound
from drafter.templates.check import check_template, ensure_renderable, format_finding
from drafter.templates.loader import builtin_template_dir, load_template

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken_templates"
TEMPLATES = DATA / "templates"

# case -> [(file relative to tests/data, line, code, words the message must contain)]
EXPECTED = {
    "yaml-syntax": [
        ("broken_templates/yaml-syntax/questions.yaml", 6, "yaml", "YAML"),
    ],
    "unknown-meta-key": [
        ("broken_templates/unknown-meta-key/template.yaml", 3, "meta", "是否想写“description”"),
    ],
    "unknown-question-key": [
        ("broken_templates/unknown-question-key/questions.yaml", 2, "question", "是否想写“label”"),
        ("broken_templates/unknown-question-key/questions.yaml", 5, "question",
         "是否想写“example”"),
    ],
    "jinja-syntax": [
        ("broken_templates/jinja-syntax/outline.j2", 5, "jinja", "endfor"),
    ],
    "undeclared-variable": [
        ("broken_templates/undeclared-variable/outline.j2", 3, "undeclared",
         "“vistors”，但问题清单中没有这个问题（另见第 5 行）。是否想写“visitors”"),
    ],
    "undeclared-through-parent": [
        # events is removed but the inherited s1_measures still uses it; brand is removed
        # too, but the only block using it is overridden, so it is no finding.
        ("templates/mini-base/outline.j2", 11, "undeclared",
         "“events”，但本模板已用 remove 删除了这个问题。请在本模板的 outline.j2 中改写 block s1_measures"),
    ],
    "unused-question": [
        ("broken_templates/unused-question/questions.yaml", 15, "unused", "备用内容"),
    ],
    "bad-default": [
        ("broken_templates/bad-default/questions.yaml", 6, "default", "默认值“0”"),
        ("broken_templates/bad-default/questions.yaml", 11, "default", "“省级”不是可选项"),
        ("broken_templates/bad-default/questions.yaml", 16, "default", "最多 4 个字"),
        ("broken_templates/bad-default/questions.yaml", 20, "default", "示例“很多”"),
    ],
    "split-group": [
        ("broken_templates/split-group/questions.yaml", 21, "group",
         "这个问题属于分组“二、联系服务科技工作者”，但这个分组的问题已被分组“三、服务大局”隔开"),
    ],
    "missing-parent": [
        ("broken_templates/missing-parent/template.yaml", 3, "parent", "no-such-parent"),
    ],
    "extends-cycle-a": [
        ("broken_templates/extends-cycle-a/template.yaml", 3, "cycle",
         "extends-cycle-a → extends-cycle-b → extends-cycle-a"),
    ],
    "heading-numbers": [
        ("broken_templates/heading-numbers/outline.j2", 2, "heading", "“一、”"),
        ("broken_templates/heading-numbers/outline.j2", 5, "heading", "“（一）”"),
    ],
    "unknown-block": [
        ("broken_templates/unknown-block/outline.j2", 6, "block", "是否想写“s2_measures”"),
    ],
    "unknown-filter": [
        ("broken_templates/unknown-filter/outline.j2", 3, "jinja", "是否想写“join_cn”"),
    ],
    "unsafe-access": [
        ("broken_templates/unsafe-access/outline.j2", 3, "trust", "__mro__"),
        ("broken_templates/unsafe-access/outline.j2", 3, "trust", "__class__"),
        ("broken_templates/unsafe-access/outline.j2", 4, "trust", "../unknown-filter/outline.j2"),
        ("broken_templates/unsafe-access/outline.j2", 5, "trust", "__dict__"),
    ],
    "bad-condition": [
        ("broken_templates/bad-condition/questions.yaml", 8, "undeclared", "“has_staton”"),
        ("broken_templates/bad-condition/questions.yaml", 12, "question", "默认值有语法错误"),
    ],
    "several": [
        ("broken_templates/several/template.yaml", 3, "meta", "是否想写“organisation”"),
        ("broken_templates/several/questions.yaml", 2, "question", "是否想写“required”"),
        ("broken_templates/several/questions.yaml", 10, "default", "默认值“-5”"),
        ("broken_templates/several/questions.yaml", 11, "unused", "备用内容"),
        ("broken_templates/several/outline.j2", 3, "heading", "“一、”"),
        ("broken_templates/several/outline.j2", 5, "undeclared", "“beneficiaries”"),
        ("broken_templates/several/outline.j2", 7, "jinja", "是否想写“quote”"),
    ],
}


def findings_of(case: str) -> list:
    return check_template(BROKEN / case, [TEMPLATES])


def relative(path: str) -> str:
    return Path(path).resolve().relative_to(DATA.resolve()).as_posix()


def test_every_broken_template_has_an_expectation():
    cases = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert cases - {"extends-cycle-b"} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_check_reports_exactly_the_expected_findings(case):
    found = findings_of(case)
    assert [(relative(f.file), f.line, f.code) for f in found] == [
        (file, line, code) for file, line, code, _ in EXPECTED[case]
    ], "\n".join(format_finding(f) for f in found)
    for finding, (_, _, _, words) in zip(found, EXPECTED[case], strict=True):
        assert words in finding.message


def test_only_hand_typed_heading_numbers_and_split_groups_are_warnings():
    for case in EXPECTED:
        for finding in findings_of(case):
            assert finding.warning == (finding.code in ("heading", "group"))


def test_problem_in_a_question_does_not_also_report_its_uses():
    # org has an unknown key, so it fails to load; the outline's use of it is not a second finding
    assert [f.code for f in findings_of("unknown-question-key")] == ["question", "question"]


def test_values_used_only_by_conditions_and_the_file_name_count_as_used():
    unused = [f.field for f in findings_of("unused-question") if f.code == "unused"]
    assert unused == ["spare"]  # has_station is used by a `when`, theme by `output`


def test_a_cycle_is_found_from_either_end():
    found = check_template(BROKEN / "extends-cycle-b", [TEMPLATES])
    assert [(relative(f.file), f.line, f.code) for f in found] == [
        ("broken_templates/extends-cycle-b/template.yaml", 3, "cycle")]


def test_an_unknown_template_is_a_usage_error():
    with pytest.raises(TemplateNotFound):
        check_template("no-such-template-anywhere")


def test_a_good_template_has_no_findings():
    assert check_template("mini-base", [TEMPLATES]) == []


BUILTINS = sorted(p.name for p in builtin_template_dir().iterdir() if (p / "template.yaml").is_file())


@pytest.mark.parametrize("folder", BUILTINS)
def test_every_builtin_template_passes_the_check(folder):
    found = check_template(builtin_template_dir() / folder)
    assert found == [], "\n".join(format_finding(f) for f in found)


def test_the_checks_output_is_file_line_message(capsys, monkeypatch):
    monkeypatch.chdir(DATA)
    assert main(["templates", "check", "broken_templates/several", "--template-dir",
                 "templates"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == ("broken_templates/several/template.yaml:3："
                        "未知的设置“organization”。是否想写“organisation”？")
    assert lines[4].startswith("broken_templates/several/outline.j2:3：警告：标题中手写了编号“一、”")
    assert len(lines) == 7
    assert "共 7 处问题（其中警告 1 处）" in err


def test_check_exit_status(capsys):
    assert main(["templates", "check", "mini-base", "--template-dir", str(TEMPLATES)]) == 0
    assert "检查通过" in capsys.readouterr().out
    assert main(["templates", "check", str(BROKEN / "unused-question")]) == 1
    assert main(["templates", "check", "no-such-template-anywhere"]) == 2
    assert "找不到模板“no-such-template-anywhere”" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["templates", "check"])
    assert info.value.code == 2


def test_render_check_raises_on_errors_and_passes_warnings_on(tmp_path):
    broken = load_template(str(BROKEN / "unknown-filter"))
    with pytest.raises(TemplateError) as info:
        ensure_renderable(broken)
    assert "join_ch" in info.value.message
    warned = load_template(str(BROKEN / "heading-numbers"), [TEMPLATES])
    warnings = ensure_renderable(warned)
    assert len(warnings) == 2 and all("警告" in w for w in warnings)
    assert ensure_renderable(load_template("mini-base", [TEMPLATES])) == []


def test_findings_follow_edits(tmp_path):
    """The parse cache is keyed by modification: a fixed file is checked afresh."""
    import shutil

    folder = tmp_path / "unknown-filter"
    shutil.copytree(BROKEN / "unknown-filter", folder)
    assert [f.code for f in check_template(folder)] == ["jinja"]
    outline = folder / "outline.j2"
    outline.write_text(outline.read_text(encoding="utf-8").replace("join_ch", "join_cn") + "\n",
                       encoding="utf-8")
    assert check_template(folder) == []
