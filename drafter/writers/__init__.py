"""The output formats: each registered once, with what every command needs to know about it.

A format names its suffixes, whether its bytes are binary (so it cannot go to a
terminal) and the writer function, as "module:function" so that a command
imports only the writer it uses (python-docx stays out of a Markdown render).
Every list of formats, every `--format` choice and every refusal reads this
registry; a new format is one entry here and one writer module.

A writer is `write(document, options) -> (bytes, notes)`: notes are Chinese
sentences worth telling the user.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple


class WriteOptions(NamedTuple):
    """What a writer may use besides the document; text writers ignore most of it."""

    style: str | Path = "gongwen"
    reference_docx: Path | None = None
    properties: Mapping[str, object] = MappingProxyType({})  # the document's core properties


class Format(NamedTuple):
    name: str
    label: str  # Chinese, for help texts
    suffixes: tuple[str, ...]  # the first one is used for new files
    binary: bool
    writer: str  # "module:function"

    def write(self, document, options: WriteOptions | None = None) -> tuple[bytes, list[str]]:
        module, function = self.writer.split(":")
        return getattr(importlib.import_module(module), function)(document,
                                                                  options or WriteOptions())


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


register(Format("docx", "Word 文档", (".docx",), True, "drafter.writers.docx:write"))
register(Format("md", "Markdown", (".md", ".markdown"), False, "drafter.writers.text:write_markdown"))
register(Format("txt", "纯文本", (".txt",), False, "drafter.writers.text:write_text"))
register(Format("html", "网页", (".html", ".htm"), False, "drafter.writers.html:write_html"))


def names() -> tuple[str, ...]:
    return tuple(FORMATS)


def get(name: str) -> Format:
    from drafter.errors import UserError

    if name not in FORMATS:
        raise UserError(f"不支持的输出格式“{name}”。可用的格式：{'、'.join(FORMATS)}。")
    return FORMATS[name]


def for_suffix(suffix: str) -> Format | None:
    suffix = suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def for_output(output: str | None, explicit: str | None) -> Format:
    """The format asked for with --format, else the one the file name implies; docx by default,
    text when writing to the screen ("-")."""
    from drafter.errors import UserError

    if explicit:
        return get(explicit)
    if output == "-":
        return FORMATS["txt"]
    suffix = Path(output).suffix if output else ""
    if not suffix:
        return FORMATS["docx"]
    fmt = for_suffix(suffix)
    if fmt is None:
        endings = "、".join(f.suffixes[0] for f in FORMATS.values())
        raise UserError(f"无法从文件名 {output} 判断输出格式。请用 {endings} 结尾，"
                        f"或加 --format {'|'.join(FORMATS)}。")
    return fmt


def ensure_printable(fmt: Format) -> None:
    """Binary formats cannot be written to the screen."""
    from drafter.errors import UserError

    if fmt.binary:
        text = "/".join(f.name for f in FORMATS.values() if not f.binary)
        raise UserError(f"{fmt.name} 是二进制文件，不能输出到屏幕。请用 -o 文件名{fmt.suffixes[0]}，"
                        f"或加 --format {text}。")


def add_format_option(parser) -> None:
    """The one `--format` option every command that writes a document offers."""
    parser.add_argument("--format", "-f", choices=names(),
                        help=f"输出格式：{'、'.join(f'{f.name}（{f.label}）' for f in FORMATS.values())}"
                             "（默认按文件名判断）")
