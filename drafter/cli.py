"""Command-line shell: parse arguments, call the library, turn errors into messages.

Each command lives in drafter/commands/<name>.py with `register(subparsers)`
and `run(args) -> int`. Registration imports nothing heavy, so `drafter --help`
costs little more than starting Python.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from drafter import __version__
from drafter.errors import UserError

COMMANDS = ("new", "render", "check", "format", "preview", "templates")


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit status 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数有误：{message}\n请用 {self.prog} --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="drafter",
        description="从提纲模板起草公文格式的讲话稿、经验交流材料。",
        epilog="示例：drafter render kexie --answers examples/kexie.yaml -o 经验交流材料.docx",
    )
    parser.add_argument("--version", action="version", version=f"drafter {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"drafter.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"drafter.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
