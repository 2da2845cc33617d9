"""`drafter check` from the command line: messages, exit status, JSON, --fix."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.check import check_text
from drafter.cli import main

DATA = Path(__file__).parent / "data" / "check"


@pytest.fixture
def damaged(tmp_path):
    return Path(shutil.copy(DATA / "damaged.txt", tmp_path / "材料.txt"))


@pytest.fixture
def clean(tmp_path):
    return Path(shutil.copy(DATA / "lookalikes.txt", tmp_path / "干净.txt"))


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- reports and exit status


def test_clean_file_exits_0(capsys, clean):
    code, out, _ = run(capsys, clean)
    assert code == 0
    assert out.startswith(f"{clean}：未发现问题；提法按 2024年5月8日 核对（取自第 23 行的落款日期）。")


def test_findings_exit_1_with_grouped_counts(capsys, damaged):
    code, out, _ = run(capsys, damaged)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{damaged}：发现 39 处问题（错词 26，提法过时 3，标点 8，结构 2）；"
        "提法按 2023年5月8日 核对（取自第 19 行的落款日期）")
    for header in ("错词 26 处", "提法过时 3 处", "标点 8 处", "结构 2 处"):
        assert header in out.splitlines()


def test_repeated_findings_are_summarised_with_every_position(capsys, damaged):
    _, out, _ = run(capsys, damaged)
    lines = out.splitlines()
    at = next(i for i, x in enumerate(lines) if "“那么” → “则”" in x)
    assert lines[at].strip() == "“那么” → “则”［高］ 共 5 处："
    assert lines[at + 1].strip() == ("5:75（第 4 段）、5:114（第 4 段）、15:27（第 14 段）、"
                                     "15:39（第 14 段）、15:43（第 14 段）")


def test_a_finding_repeated_often_lists_all_its_positions(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("为群众效劳。\n" * 14, encoding="utf-8")
    _, out, _ = run(capsys, path)
    lines = out.splitlines()
    at = next(i for i, x in enumerate(lines) if "“效劳” → “服务”" in x)
    assert lines[at].strip() == "“效劳” → “服务”［高］ 共 14 处："
    positions = "、".join(lines[at + 1:at + 4]).replace(" ", "").split("、")
    assert positions == [f"{n}:4（第{n}段）" for n in range(1, 15)]
    assert "等" not in lines[at]


def test_each_finding_shows_context_and_reason(capsys, damaged):
    _, out, _ = run(capsys, damaged)
    lines = out.splitlines()
    at = lines.index("  7:35（第 6 段）“组成局部” → “组成部分”［高］")
    assert lines[at + 1].strip() == "带，是党的群众工作的重要[组成局部]。我们坚持〝四服务〞职责"
    assert lines[at + 2].strip() == "同义词替换把“部分”换成了“局部”；应为“组成部分”。"


def test_min_confidence_high_hides_medium_findings(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("一、甲\n三、乙\n", encoding="utf-8")
    code, out, _ = run(capsys, path, "--min-confidence", "high")
    assert code == 0
    assert "未发现问题" in out


def test_low_hints_are_counted_but_not_listed_by_default(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("及时发布科普资讯。\n", encoding="utf-8")
    code, out, _ = run(capsys, path)
    assert code == 0
    assert "另有 1 处可信度较低的提示未列出，加 --min-confidence low 查看。" in out
    assert run(capsys, path, "--min-confidence", "low")[0] == 1


def test_year_option_decides_formulations(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("紧密团结在以习近平同志为总书记的党中央周围。\n", encoding="utf-8")
    assert run(capsys, path, "--year", "2015")[0] == 0
    code, out, _ = run(capsys, path, "--year", "2020")
    assert code == 1
    assert "提法按 2020年 核对（按命令行参数）" in out


# ---------------------------------------------------------------- JSON


def test_json_has_a_header_per_file_and_its_findings(capsys, damaged):
    code, out, _ = run(capsys, damaged, "--format", "json")
    assert code == 1
    [report] = json.loads(out)["files"]
    assert {k: v for k, v in report.items() if k != "findings"} == {
        "file": str(damaged), "date": "2023-05-08", "date_precision": "day",
        "date_source": "落款日期", "date_line": 19}
    items = report["findings"]
    assert len(items) == 39
    assert items[0] == {
        "rule": "dated-central-committee", "category": "formulation",
        "line": 3, "column": 38, "paragraph": 2, "text": "以习近平同志为总书记的党中央",
        "suggestion": "以习近平同志为核心的党中央",
        "reason": "党的十八届六中全会（2016年10月24日至27日）明确习近平总书记党中央的核心、"
                  "全党的核心地位；此后应为“以习近平同志为核心的党中央”。",
        "confidence": "high", "context": "义思想为指导，紧密团结在以习近平同志为总书记的党中央周围，认真贯彻落实《中共",
        "fix": "以习近平同志为核心的党中央",
    }
    assert {i["category"] for i in items} == {"conversion", "formulation", "punctuation",
                                               "structure"}


def test_json_bracket_findings_carry_a_suggestion(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("中国科学技术协会(中国科协)是人民团体。\n", encoding="utf-8")
    [report] = json.loads(run(capsys, path, "--format", "json")[1])["files"]
    assert [(i["text"], i["suggestion"], i["fix"]) for i in report["findings"]] == [
        ("(", "（", "（"), (")", "）", "）")]


def test_json_for_a_clean_file_has_no_findings(capsys, clean):
    code, out, _ = run(capsys, clean, "--format", "json")
    [report] = json.loads(out)["files"]
    assert (code, report["findings"], report["date"]) == (0, [], "2024-05-08")


def test_json_for_docx_gives_paragraph_numbers(capsys, tmp_path):
    import docx

    document = docx.Document()
    for text in ("2024年材料", "", "为群众效劳。"):
        document.add_paragraph(text)
    document.save(tmp_path / "a.docx")
    code, out, _ = run(capsys, tmp_path / "a.docx", "--format", "json")
    [report] = json.loads(out)["files"]
    [item] = report["findings"]
    assert (code, item["line"], item["column"], item["paragraph"]) == (1, 3, 4, 2)
    assert (report["date"], report["date_precision"], report["date_source"]) == (
        "2024", "year", "标题")


# ---------------------------------------------------------------- --fix


def test_fix_writes_a_corrected_copy_beside_the_original(capsys, damaged):
    original = damaged.read_text(encoding="utf-8")
    code, out, _ = run(capsys, damaged, "--fix")
    copy = damaged.with_name("材料.fixed.txt")
    assert f"已生成修正稿：{copy}（自动修正 32 处）。" in out
    assert damaged.read_text(encoding="utf-8") == original
    refound = check_text(copy.read_text(encoding="utf-8"))
    assert not any(f.fixable for f in refound)
    assert code == 1  # medium findings remain for a person to judge


def test_fix_marks_fixed_findings_in_the_report(capsys, damaged):
    _, out, _ = run(capsys, damaged, "--fix")
    assert "  7:35（第 6 段）“组成局部” → “组成部分”［高］（已修正）" in out.splitlines()


def test_fix_exits_0_when_everything_was_fixed(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("为群众效劳,打牢根底。\n", encoding="utf-8")
    assert run(capsys, path, "--fix")[0] == 0
    assert (tmp_path / "a.fixed.txt").read_text(encoding="utf-8") == "为群众服务，打牢基础。\n"


def test_fix_never_overwrites_without_force(capsys, damaged):
    copy = damaged.with_name("材料.fixed.txt")
    copy.write_text("别动", encoding="utf-8")
    code, _, err = run(capsys, damaged, "--fix")
    assert code == 2
    assert f"错误：文件 {copy} 已存在，未做任何改动。" in err
    assert copy.read_text(encoding="utf-8") == "别动"


def test_fix_with_force_overwrites(capsys, damaged):
    copy = damaged.with_name("材料.fixed.txt")
    copy.write_text("旧", encoding="utf-8")
    run(capsys, damaged, "--fix", "--force")
    assert "效劳" not in copy.read_text(encoding="utf-8")


def test_fix_to_a_named_output(capsys, damaged, tmp_path):
    out_path = tmp_path / "改好的.txt"
    run(capsys, damaged, "--fix", "-o", out_path)
    assert out_path.exists() and not damaged.with_name("材料.fixed.txt").exists()


def test_in_place_rewrites_the_original(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("为群众效劳\n", encoding="utf-8")
    code, out, _ = run(capsys, path, "--in-place")
    assert code == 0
    assert path.read_text(encoding="utf-8") == "为群众服务\n"
    assert f"已修正原文件：{path}（自动修正 1 处）。" in out


def test_fix_with_nothing_to_fix_writes_nothing(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("一、甲\n三、乙\n", encoding="utf-8")
    code, out, _ = run(capsys, path, "--fix")
    assert code == 1
    assert "没有可以自动修正的问题，未生成修正稿。" in out
    assert not (tmp_path / "a.fixed.txt").exists()


def test_fix_of_docx_writes_a_docx(capsys, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("为群众效劳。")
    document.save(tmp_path / "a.docx")
    assert run(capsys, tmp_path / "a.docx", "--fix")[0] == 0
    from drafter.check import read_source

    assert read_source(tmp_path / "a.fixed.docx") == "为群众服务。"  # as a tracked change


# ---------------------------------------------------------------- usage and file errors


def test_output_without_fix_is_a_usage_error(capsys, damaged):
    code, _, err = run(capsys, damaged, "-o", "x.txt")
    assert code == 2
    assert "-o 只能与 --fix 或 --review 一起使用" in err


def test_output_with_several_files_is_a_usage_error(capsys, damaged, clean):
    code, _, err = run(capsys, damaged, clean, "--fix", "-o", "x.txt")
    assert code == 2
    assert "同时检查多个文件时不能用 -o" in err


def test_fix_and_in_place_together_is_an_argparse_error(capsys, damaged):
    with pytest.raises(SystemExit) as info:
        main(["check", str(damaged), "--fix", "--in-place"])
    assert info.value.code == 2


def test_bad_year_is_an_argparse_error(capsys, damaged):
    with pytest.raises(SystemExit) as info:
        main(["check", str(damaged), "--year", "24"])
    assert info.value.code == 2
    assert "年份应为四位数字" in capsys.readouterr().err


def test_missing_file_exits_2_but_other_files_are_still_checked(capsys, tmp_path, damaged):
    code, out, err = run(capsys, tmp_path / "无.txt", damaged)
    assert code == 2
    assert f"错误：找不到文件：{tmp_path / '无.txt'}" in err
    assert f"{damaged}：发现 39 处问题" in out


def test_broken_rule_file_exits_2_once(capsys, damaged, clean, tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules: 1\n", encoding="utf-8")
    code, out, err = run(capsys, damaged, clean, "--rules", rules)
    assert code == 2
    assert err.count("校对规则文件有误") == 1 and out == ""


def test_standard_input_is_checked(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("为群众效劳\n".encode())))
    code, out, _ = run(capsys, "-")
    assert code == 1
    assert out.startswith("标准输入：发现 1 处问题（错词 1）")


def test_check_help_imports_nothing_heavy():
    code = ("import sys\nfrom drafter.cli import main\ntry:\n    main(['check', '--help'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'yaml', 'docx', 'lxml', 'jinja2', 'questionary'}), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"
