"""Every help screen is Chinese: no argparse heading falls back to English."""

from __future__ import annotations

import argparse

import pytest

from drafter.cli import COMMANDS, build_parser, main

ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments",
           "show this help message and exit", "show program's version number")


def subcommands(command: str) -> list[list[str]]:
    """`command` and each of its own subcommands (templates list, templates show…)."""
    parser = build_parser(command)
    found = [[command]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for inner in sub._actions:
                    if isinstance(inner, argparse._SubParsersAction):
                        found += [[command, name] for name in inner.choices]
    return found


ALL = [argv for name, _ in COMMANDS for argv in subcommands(name)]


@pytest.mark.parametrize("argv", ALL, ids=" ".join)
def test_help_has_chinese_headings_only(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"用法：drafter {' '.join(argv)}")
    assert "  -h, --help" in text and "显示本帮助并退出" in text
    assert "选项：" in text
    for english in ENGLISH:
        assert english not in text.lower(), english


def test_every_subcommand_is_covered():
    assert ["templates", "check"] in ALL and ["new"] in ALL and len(ALL) >= 10


def test_a_usage_error_shows_a_chinese_usage_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["new", "--no-such-option"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：drafter") and "无法识别的参数：--no-such-option" in err


def test_top_level_help_is_chinese(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：drafter") and "usage" not in out.lower()
