"""Reading the user's files, with one set of messages for the ways that fails.

Template and answers files are other people's files: their size is checked before
they are read, so a 1 GB file (or /dev/zero) is refused instead of filling memory.
YAML files must be UTF-8; the texts people give `format` and `check` are decoded
the way Chinese offices save them (decode_text).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import NamedTuple

from drafter.errors import UserError

# Larger than any real template or answers file by a wide margin (the examples are
# 10–60 kB; a 100 kB paste in every field of a large template is about 5 MB), and far
# below what YAML parsing of such a file would cost in memory.
MAX_TEXT_FILE = 8 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _too_big(path: Path, what: str, limit: int) -> UserError:
    return UserError(f"{what} {path} 超过 {_megabytes(limit)}，已拒绝读取。"
                     f"{what}通常只有几十 KB，请检查是否选错了文件。")


def read_bytes(path: Path, what: str = "文件", limit: int | None = None) -> bytes:
    """The file's bytes; a missing file, a folder, a refused read, or (with `limit`) a file
    larger than `limit` bytes is a clear UserError. The size is checked before reading,
    and a device or pipe that never ends is read no further than the limit."""
    try:
        with open(path, "rb") as stream:
            if limit is None:
                return stream.read()
            if os.fstat(stream.fileno()).st_size > limit:
                raise _too_big(path, what, limit)
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise UserError(f"找不到{what}：{path}。请检查路径和文件名是否正确。") from None
    except IsADirectoryError:
        raise UserError(f"{what}应当是文件，但 {path} 是一个文件夹。") from None
    except PermissionError:
        raise UserError(f"没有权限读取{what}：{path}。") from None
    except OSError as exc:
        raise UserError(f"无法读取{what} {path}：{exc.strerror or exc}。") from None
    if len(data) > limit:
        raise _too_big(path, what, limit)
    return data


def read_text(path: Path, what: str, limit: int | None = MAX_TEXT_FILE) -> str:
    """A UTF-8 text file (BOM allowed), size-capped, with a clear message for the usual
    failures."""
    data = read_bytes(path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{what} {path} 不是 UTF-8 编码（第 {_line_of(data, exc)} 行附近）。"
            "请在编辑器中另存为 UTF-8 后再试。"
        ) from None


def _line_of(data: bytes, error: UnicodeDecodeError) -> int:
    return data[: error.start].count(b"\n") + 1


class Decoded(NamedTuple):
    """A text file's text, and how to write a corrected copy back the same way."""

    text: str
    encoding: str  # the codec: "utf-8", "utf-16" or "gb18030"
    bom: bool = False

    def notes(self, name: str) -> list[str]:
        """What the user should know about how the file `name` was read."""
        if self.encoding == "gb18030":
            return [f"{name} 不是 UTF-8 编码，已按 GBK（GB18030）读取。"]
        return []


def decode_text(data: bytes, name: str) -> Decoded:
    """A text file as people save it: UTF-8 (with or without BOM), UTF-16 with BOM, else
    GB18030, which is what Notepad on a Chinese Windows saves as “ANSI”. `name` is the
    file as the message calls it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", True)
        except UnicodeDecodeError:
            raise UserError(f"{name} 以 UTF-16 标记开头，但内容无法按 UTF-16 读取，文件可能已损坏。"
                            "请在编辑器中另存为 UTF-8 后再试。") from None
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", data.startswith(codecs.BOM_UTF8))
    except UnicodeDecodeError as exc:
        first_error = exc
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        raise UserError(f"{name} 既不是 UTF-8 也不是 GBK 编码（第 {_line_of(data, first_error)} 行附近"
                        "有无法识别的字节）。请在编辑器中另存为 UTF-8 后再试。") from None
