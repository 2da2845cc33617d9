"""drafter render end to end through the CLI function, as a user would call it."""

from pathlib import Path

import pytest

from drafter.cli import main

ANSWERS = """template: core-test
answers:
  year: 2024
  org: 安澜县科协
  events: 126
  programmes:
    - 科普大篷车
    - 科技小院
"""


@pytest.fixture
def answers(tmp_path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, "utf-8")
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_render_txt_writes_file_and_reports_length(capsys, tmp_path, answers, core_template_dir):
    out = tmp_path / "draft.txt"
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", answers, "-o", out)
    assert code == 0, err
    text = out.read_text("utf-8")
    assert text.startswith("2024年安澜县科协测试材料\n")
    assert "\u3000\u3000一、第一部分" in text
    assert "打造科普大篷车和科技小院等品牌" in text
    assert f"已生成：{out}" in stdout
    assert "按每分钟 220 字估算，宣读约" in stdout
    assert "  一、第一部分  " in stdout


def test_markdown_to_stdout(capsys, answers, core_template_dir):
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", answers, "-o", "-",
                            "--format", "md")
    assert code == 0
    assert stdout.startswith("# 2024年安澜县科协测试材料\n")
    assert "## 一、第一部分" in stdout and "### （一）小节" in stdout
    assert "合计" in err


def test_existing_output_is_not_overwritten_without_force(capsys, tmp_path, answers,
                                                          core_template_dir):
    out = tmp_path / "draft.txt"
    out.write_text("旧稿", "utf-8")
    code, _, err = run(capsys, "render", core_template_dir, "--answers", answers, "-o", out)
    assert code == 2
    assert f"错误：文件 {out} 已存在，未做任何改动。如确需覆盖，请加 --force；或换一个文件名。" in err
    assert out.read_text("utf-8") == "旧稿"
    code, _, _ = run(capsys, "render", core_template_dir, "--answers", answers, "-o", out,
                     "--force")
    assert code == 0 and out.read_text("utf-8") != "旧稿"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("answers:\n  year: 2024\n  org: [甲\n", "YAML 语法错误"),
        ("answers:\n  year: 2024\n  org: 甲\n  events: 很多\n",
         "字段 events：“活动场次”应为整数，例如 12；“很多”不是整数。"),
        ("answers:\n  year: 2024\n  org: 甲\n  level: 省级\n",
         "字段 level：“等级”“省级”不是可选项。"),
        ("answers:\n  year: 2024\n", "字段 org：“单位名称”此项必填"),
    ],
)
def test_bad_answers_give_a_clear_error_and_no_file(capsys, tmp_path, core_template_dir, body,
                                                    expected):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, "utf-8")
    out = tmp_path / "draft.txt"
    code, _, err = run(capsys, "render", core_template_dir, "--answers", bad, "-o", out)
    assert code == 2
    assert err.startswith("错误：答案文件有误")
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_yaml_error_names_file_and_line(capsys, tmp_path, core_template_dir):
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  year: 2024\n  org: [甲\n", "utf-8")
    code, _, err = run(capsys, "render", core_template_dir, "--answers", bad, "-o", "-")
    assert f"{bad}:4：YAML 语法错误" in err


def test_allow_missing_renders_placeholder(capsys, tmp_path, core_template_dir):
    bad = tmp_path / "a.yaml"
    bad.write_text("answers:\n  year: 2024\n", "utf-8")
    code, stdout, _ = run(capsys, "render", core_template_dir, "--answers", bad, "-o", "-",
                          "--allow-missing")
    assert code == 0
    assert "【待补充：单位名称】认真履行职责。" in stdout


def test_missing_answers_file_and_unknown_template(capsys, tmp_path, core_template_dir):
    code, _, err = run(capsys, "render", core_template_dir, "--answers", tmp_path / "no.yaml")
    assert code == 2 and f"找不到答案文件：{tmp_path / 'no.yaml'}。" in err
    code, _, err = run(capsys, "render", "no-such-template", "--answers", tmp_path / "no.yaml")
    assert code == 2 and "找不到模板“no-such-template”。" in err


def test_docx_cannot_go_to_stdout(capsys, answers, core_template_dir):
    code, _, err = run(capsys, "render", core_template_dir, "--answers", answers, "-o", "-",
                       "--format", "docx")
    assert code == 2 and "docx 是二进制文件，不能输出到屏幕" in err


def test_unknown_extension_is_refused(capsys, tmp_path, answers, core_template_dir):
    code, _, err = run(capsys, "render", core_template_dir, "--answers", answers, "-o",
                       tmp_path / "a.pdf")
    assert code == 2 and "无法从文件名" in err


def test_default_output_name_comes_from_the_template(capsys, tmp_path, answers,
                                                     core_template_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", answers,
                            "--format", "txt")
    assert code == 0, err
    assert (tmp_path / "2024年安澜县科协测试材料.txt").is_file()


def test_usage_error_exits_2(capsys):
    code = None
    with pytest.raises(SystemExit) as info:
        main(["render"])
    code = info.value.code
    assert code == 2
    assert "参数有误" in capsys.readouterr().err


@pytest.mark.parametrize("argv, said", [
    (["rendr", "kexie"], "“rendr”不是可用的命令，可用的有：new, serve, render, check, format, "
                         "preview, fonts, templates"),
    (["render", "kexie", "--answers", "a.yaml", "--format", "pdf"],
     "“pdf”不是可用的 --format/-f 取值，可用的有：docx, md, txt, html"),
    (["render", "kexie", "--answers"], "--answers/-a 后面至少要有一个取值"),
    (["render", "kexie", "--answers", "a.yaml", "--bogus"], "无法识别的参数：--bogus"),
    (["render", "kexie", "--answers", "a.yaml", "-j", "abc"],
     "-j/--jobs：-j 应为正整数，例如 -j 2；“abc”不行"),
    (["check"], "缺少参数：文件"),
    (["check", "a.txt", "--fix", "--in-place"], "--in-place 和 --fix 不能同时使用"),
])
def test_usage_errors_are_worded_in_chinese(capsys, argv, said):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"参数有误：{said}\n" in err
    assert "请用 drafter" in err


def test_only_the_invoked_command_is_registered():
    from drafter.cli import COMMANDS, build_parser

    parser = build_parser("render")
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == [name for name, _ in COMMANDS]
    assert sub.choices["render"].format_usage().count("--answers") == 1
    assert "--fix" not in sub.choices["check"].format_usage()  # listed by name only
    assert "--fix" in build_parser()._subparsers._group_actions[0].choices["check"].format_usage()


def test_render_proofreads_its_own_output(capsys, tmp_path, core_template_dir):
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS.replace("安澜县科协", "安澜县科协效劳中心"), "utf-8")
    code, stdout, _ = run(capsys, "render", core_template_dir, "--answers", answers, "-o",
                          tmp_path / "d.txt")
    assert code == 0
    assert stdout.splitlines()[-1] == (
        f"校对：发现 3 处问题（错词 3），请运行 drafter check {tmp_path / 'd.txt'} 查看详情")


def test_builtin_example_renders_clean(capsys, tmp_path):
    from conftest import REPO

    code, stdout, _ = run(capsys, "render", "kexie", "--answers", REPO / "examples" / "kexie.yaml",
                          "-o", tmp_path / "k.txt")
    assert code == 0
    assert stdout.splitlines()[-1] == "校对：未发现问题"


def test_render_runs_the_template_check_first(capsys, tmp_path, core_template_dir, answers):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(core_template_dir, broken)
    outline = broken / "outline.j2"
    outline.write_text(outline.read_text("utf-8") + "\n{{ never_asked }}\n", "utf-8")
    code, _, err = run(capsys, "render", broken, "--answers", answers, "-o", tmp_path / "x.txt")
    assert code == 2
    assert "never_asked" in err and "outline.j2" in err
    assert not (tmp_path / "x.txt").exists()


def test_overview_lists_every_registered_command(capsys):
    from drafter.cli import COMMANDS, build_parser

    assert main(["--help"]) == 0
    help_text = capsys.readouterr().out
    registered = set(build_parser()._subparsers._group_actions[0].choices)
    assert registered == {name for name, _ in COMMANDS}
    for name in registered:
        assert f"  {name}" in help_text
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("drafter ")
