"""Command-line shell: parse arguments, call the library, turn errors into messages.

Each command lives in drafter/commands/<name>.py with `register(subparsers)`
and `run(args) -> int`. Registration imports nothing heavy. `drafter --help` and
`drafter --version` are answered before argparse is even imported, so they cost
little more than starting Python.
"""

from __future__ import annotations

import sys

from drafter import __version__

# name, one-line summary: the overview `drafter --help` prints without loading any command.
COMMANDS = (
    ("new", "在终端逐题回答，生成文稿并保存答案（可续答、可沿用去年的答案）"),
    ("serve", "在浏览器中填写问卷，实时预览，下载 Word 文档（本机网页，不用命令行）"),
    ("render", "根据答案文件生成文稿，可批量、并行"),
    ("check", "校对文稿：疑似同义词替换（“伪原创”“降重”工具）造成的错词、过时提法、标点和标题序号"),
    ("format", "把已有的文字排成公文版式"),
    ("preview", "用 LibreOffice 把文稿转成 PDF（和第 1 页 PNG）预览"),
    ("fonts", "查看、安装或删除公文字体的替代设置（供本机 LibreOffice 使用）"),
    ("templates", "查看、新建、检查模板（list / show / new / check）"),
)
DESCRIPTION = "从提纲模板起草公文格式的讲话稿、经验交流材料。"
EPILOG = "示例：drafter render kexie --answers examples/kexie.yaml -o 经验交流材料.docx"


def overview() -> str:
    """The top-level help, composed without argparse."""
    width = max(len(name) for name, _ in COMMANDS)
    lines = [
        "用法：drafter [-h] [--version] 命令 ...",
        "",
        DESCRIPTION,
        "",
        "命令：",
        *(f"  {name.ljust(width)}  {summary}" for name, summary in COMMANDS),
        "",
        "选项：",
        "  -h, --help  显示本帮助；各命令的用法请用 drafter 命令 --help",
        "  --version   显示版本号",
        "",
        EPILOG,
    ]
    return "\n".join(lines) + "\n"


# argparse words its usage errors in English; these are the ones a user actually meets.
_USAGE_ERRORS = (
    (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)",
     lambda m: f"“{m[2]}”不是可用的{'命令' if m[1] == '命令' else f' {m[1]} 取值'}，"
               f"可用的有：{m[3].replace(chr(39), '')}"),
    (r"unrecognized arguments: (.*)", lambda m: f"无法识别的参数：{m[1]}"),
    (r"the following arguments are required: (.*)", lambda m: f"缺少参数：{m[1]}"),
    (r"argument (\S+): expected one argument", lambda m: f"{m[1]} 后面缺少取值"),
    (r"argument (\S+): expected at least one argument",
     lambda m: f"{m[1]} 后面至少要有一个取值"),
    (r"argument (\S+): invalid (\w+) value: '(.*)'", lambda m: f"{m[1]} 的取值“{m[3]}”格式不对"),
    (r"argument (\S+): not allowed with argument (\S+)",
     lambda m: f"{m[1]} 和 {m[2]} 不能同时使用"),
    (r"argument (\S+): (.*)", lambda m: f"{m[1]}：{m[2]}"),  # our own checks' Chinese reasons
)


def chinese_usage_error(message: str) -> str:
    import re

    for pattern, say in _USAGE_ERRORS:
        match = re.fullmatch(pattern, message)
        if match:
            return say(match)
    return message


def build_parser(command: str | None = None):
    """The argument parser; with `command`, only that command's options are registered
    (the others are listed by name), since building all of them costs more than a render."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        """Help text with Chinese headings (argparse's own are English)."""

        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

        def format_help(self) -> str:
            import re

            # argparse ends section headings with an ASCII colon: 选项: → 选项：
            return re.sub(r"^( *)([^\x00-\x7f][^\n:]*):$", r"\1\2：", super().format_help(),
                          flags=re.MULTILINE)

    class Parser(argparse.ArgumentParser):
        """argparse with Chinese help headings, Chinese usage errors and exit status 2."""

        def __init__(self, *args, **kwargs) -> None:
            wants_help = kwargs.pop("add_help", True)
            kwargs.setdefault("formatter_class", Formatter)
            super().__init__(*args, add_help=False, **kwargs)
            self._positionals.title = "参数"
            self._optionals.title = "选项"
            if wants_help:
                self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                                  help="显示本帮助并退出")

        def error(self, message: str) -> None:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：参数有误：{chinese_usage_error(message)}\n"
                         f"请用 {self.prog} --help 查看用法。\n")

    import importlib

    parser = Parser(prog="drafter", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"drafter {__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser, title="命令")
    for name, summary in COMMANDS:
        if command in (None, name):
            importlib.import_module(f"drafter.commands.{name}").register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv in (["-h"], ["--help"]):
        sys.stdout.write(overview())
        return 0
    if argv == ["--version"]:
        print(f"drafter {__version__}")
        return 0
    if not argv:
        sys.stderr.write(overview())
        return 2
    from drafter.errors import UserError

    parser = build_parser(argv[0] if argv[0] in dict(COMMANDS) else None)
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
