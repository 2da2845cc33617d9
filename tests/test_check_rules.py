"""Rule files are data a non-programmer edits: they load fast, and mistakes are reported by line."""

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest

from drafter.check import check_text
from drafter.check.rules import RULES_DIR, RulesError, load_rules


def write_rules(tmp_path, body: str, name: str = "extra.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def load_error(path) -> str:
    with pytest.raises(RulesError) as info:
        load_rules((str(path),))
    return info.value.message


GOOD = """\
    category: conversion
    rules:
      - id: local-word
        wrong: 科普大蓬车
        right: 科普大篷车
        confidence: high
        reason: “篷”写成了“蓬”。
"""


def test_builtin_rule_files_all_load():
    names = sorted(p.name for p in RULES_DIR.glob("*.yaml"))
    assert names == ["conversion.yaml", "formulation.yaml", "punctuation.yaml", "structure.yaml",
                     "vocabulary.yaml"]
    assert len(load_rules().rules) > 90


def test_builtin_rule_ids_are_unique():
    ids = [r.id for r in load_rules().rules]
    assert len(ids) == len(set(ids))


def test_extra_rule_file_adds_a_working_rule(tmp_path):
    path = write_rules(tmp_path, GOOD)
    findings = check_text("开进科普大蓬车。", rules=(str(path),))
    assert [(f.rule, f.text, f.fix) for f in findings] == [("local-word", "科普大蓬车", "科普大篷车")]


def test_extra_rule_folder_is_read(tmp_path):
    write_rules(tmp_path, GOOD)
    assert len(load_rules((str(tmp_path),)).rules) == len(load_rules().rules) + 1


def test_unknown_key_is_reported_with_file_and_line(tmp_path):
    path = write_rules(tmp_path, GOOD + "        folowed_by: [群众]\n")
    message = load_error(path)
    assert f"{path}:8" in message
    assert "规则 local-word 有未知的项“folowed_by”" in message


def test_yaml_syntax_error_is_reported_with_its_line(tmp_path):
    path = write_rules(tmp_path, "category: conversion\nrules:\n  - id: x\n   wrong: [a\n")
    message = load_error(path)
    assert message.startswith("校对规则文件有误（共 1 处）")
    assert f"{path}:" in message and "YAML 语法错误" in message


def test_bad_regex_is_reported_with_its_line(tmp_path):
    path = write_rules(tmp_path, """\
        category: punctuation
        rules:
          - id: broken
            regex: '(开展'
            right: 发展
            confidence: high
            reason: 测试。
    """)
    message = load_error(path)
    assert f"{path}:4" in message and "正则表达式有误" in message


def test_regex_that_matches_nothing_at_all_is_refused(tmp_path):
    path = write_rules(tmp_path, """\
        category: punctuation
        rules:
          - id: empty
            regex: 'x*'
            right: ''
            confidence: high
            reason: 测试。
    """)
    assert "能匹配空文字" in load_error(path)


def test_missing_reason_and_bad_confidence_are_both_reported(tmp_path):
    path = write_rules(tmp_path, """\
        category: conversion
        rules:
          - id: no-reason
            wrong: 甲
            right: 乙
            confidence: sure
    """)
    message = load_error(path)
    assert "（共 2 处）" in message
    assert "confidence 应为 high、medium 或 low" in message
    assert "缺少 reason" in message


def test_exception_that_does_not_contain_the_wrong_text_is_refused(tmp_path):
    path = write_rules(tmp_path, GOOD + "        exceptions: [科普车]\n")
    assert "例外“科普车”不含“科普大蓬车”" in load_error(path)


def test_reference_to_an_unknown_word_list_is_refused(tmp_path):
    path = write_rules(tmp_path, GOOD + "        followed_by: [【人群名单】]\n")
    message = load_error(path)
    assert "不存在的词表“【人群名单】”" in message and "【标点】" in message


def test_formulation_without_date_or_event_is_refused(tmp_path):
    path = write_rules(tmp_path, """\
        category: formulation
        rules:
          - id: no-date
            wrong: 旧提法
            right: 新提法
            confidence: high
    """)
    message = load_error(path)
    assert "提法规则 no-date 须写明 event：drafter/data/formulations.yaml 中的事件名" in message
    assert "cc_core" in message and "或者自己写 since（起始日期）" in message


def test_duplicate_rule_id_is_refused(tmp_path):
    path = write_rules(tmp_path, GOOD.replace("local-word", "xiaolao-fuwu"))
    assert "规则编号 xiaolao-fuwu 与" in load_error(path)


def test_missing_rules_path_is_a_user_error(tmp_path):
    from drafter.errors import UserError

    with pytest.raises(UserError, match="找不到规则文件或文件夹"):
        load_rules((str(tmp_path / "none.yaml"),))


def test_word_lists_can_be_shared_between_rules(tmp_path):
    path = write_rules(tmp_path, """\
        category: conversion
        lists:
          人: [干部, 群众]
        rules:
          - id: zhongda
            wrong: 众大
            right: 广大
            followed_by: [【人】]
            confidence: medium
            reason: 测试。
    """)
    found = check_text("引导众大干部。众大的。", rules=(str(path),))
    assert [(f.rule, f.column) for f in found] == [("zhongda", 3)]


def test_table_written_as_pairs(tmp_path):
    path = write_rules(tmp_path, """\
        category: conversion
        rules:
          - id: pairs
            table: 甲乙 丙丁
            confidence: high
            reason: 测试。
    """)
    assert [f.fix for f in check_text("甲丙", rules=(str(path),))] == ["乙丁"]


PROBE = """
import json, sys
import drafter.check
before = sorted({m.split(".")[0] for m in sys.modules} & {"yaml", "docx", "lxml"})
drafter.check.check_text("为群众效劳")
after = sorted({m.split(".")[0] for m in sys.modules} & {"yaml", "docx", "lxml"})
print(json.dumps([before, after]))
"""


def test_import_is_light_and_rules_load_on_first_check(tmp_path):
    """On an empty cache the first check parses the rule files (warm: see test_check_speed_paths)."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            check=True, env={**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path)})
    before, after = json.loads(result.stdout)
    assert before == []
    assert after == ["yaml"]


def test_a_users_own_formulation_rule_names_its_month_the_gongwen_way(tmp_path):
    path = write_rules(tmp_path, """\
        category: formulation
        rules:
          - id: own-dated
            wrong: 旧提法
            right: 新提法
            confidence: high
            since: 2016-10
            event: 县委全会
    """)
    [finding] = check_text("坚持旧提法。", rules=(str(path),), date=dt.date(2020, 1, 1))
    assert finding.reason == "2016年10月县委全会后提法已变，现行表述为“新提法”。"
