"""Reading the user's files, with one set of messages for the ways that fails."""

from __future__ import annotations

from pathlib import Path

from drafter.errors import UserError


def read_bytes(path: Path, what: str = "文件") -> bytes:
    """The file's bytes; a missing file, a folder or a refused read is a clear UserError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到{what}：{path}。请检查路径和文件名是否正确。") from None
    except IsADirectoryError:
        raise UserError(f"{what}应当是文件，但 {path} 是一个文件夹。") from None
    except PermissionError:
        raise UserError(f"没有权限读取{what}：{path}。") from None
    except OSError as exc:
        raise UserError(f"无法读取{what} {path}：{exc.strerror or exc}。") from None
