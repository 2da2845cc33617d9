"""drafter.files.yamlio: YAML that other people wrote is read safely and every problem is located."""

import textwrap

import pytest
from template_helpers import write_template

from drafter.errors import AnswersError
from drafter.files.yamlio import YamlProblem, load_yaml_text
from drafter.interview.answers import parse_answers
from drafter.templates.check import check_template


def test_a_key_written_twice_is_reported_with_both_lines():
    """Issue 16.9: YAML keeps the last value silently; which one the writer meant is unknown."""
    text = textwrap.dedent("""\
        template: kexie
        answers:
          org_short: 县科协
          events: 120
          org_short: 青川科协
        """)
    with pytest.raises(YamlProblem) as info:
        load_yaml_text(text, "答案.yaml")
    problem = info.value.problem
    assert (problem.file, problem.line, problem.field) == ("答案.yaml", 5, "org_short")
    assert problem.message == ("“org_short”写了两次：第 3 行和第 5 行。"
                               "同一层里每个键只能出现一次，请删去或合并其中一处。")
    with pytest.raises(AnswersError) as info:
        parse_answers(text, "答案.yaml")
    assert "答案.yaml:5，字段 org_short：“org_short”写了两次：第 3 行和第 5 行" in info.value.message


def test_the_same_key_in_different_mappings_is_fine():
    loaded = load_yaml_text("a:\n  x: 1\nb:\n  x: 2\nlist:\n  - x: 3\n  - x: 4\n", "t.yaml")
    assert loaded.data == {"a": {"x": 1}, "b": {"x": 2}, "list": [{"x": 3}, {"x": 4}]}


def test_keys_that_differ_only_in_how_they_are_written_are_the_same_key():
    with pytest.raises(YamlProblem) as info:
        load_yaml_text("1: 一\n'1': 壹\n", "t.yaml")
    assert "第 1 行和第 2 行" in info.value.problem.message


def test_a_duplicate_key_in_a_template_is_a_check_finding(tmp_path):
    folder = write_template(tmp_path, meta="title: 另一个名称\n", questions=textwrap.dedent("""\
        questions:
          - name: org
            label: 单位名称
            label: 单位全称
        """))
    findings = [(p.file.rsplit("/", 1)[-1], p.line, p.code, p.message) for p in
                check_template(folder)]
    assert ("template.yaml", 4, "yaml", "“title”写了两次：第 2 行和第 4 行。"
            "同一层里每个键只能出现一次，请删去或合并其中一处。") in findings
    assert ("questions.yaml", 4, "yaml", "“label”写了两次：第 3 行和第 4 行。"
            "同一层里每个键只能出现一次，请删去或合并其中一处。") in findings
