"""Write results atomically: a temporary file beside the target, then rename.

An existing file is never replaced without `force`, and a failure at any point
leaves the earlier file exactly as it was. File names are kept within what file
systems allow (255 bytes of UTF-8 per name, not 255 characters).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from drafter.errors import OutputError, UserError

NAME_MAX_BYTES = 255  # ext4, XFS, btrfs, APFS: bytes of UTF-8; NTFS: 255 UTF-16 units (fewer)
# mkstemp's temporary is "." + name + "." + 8 random characters + ".tmp".
_TEMP_EXTRA = len(".") + len(".") + 8 + len(".tmp")


def truncate_utf8(text: str, limit: int) -> str:
    """The longest prefix of text that is at most `limit` bytes in UTF-8, whole characters."""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def fit_name(stem: str, suffix: str, limit: int = NAME_MAX_BYTES) -> str:
    """stem + suffix as a file name within `limit` bytes: the stem is shortened, never the suffix.

    Ninety Chinese characters are 270 bytes, past what Linux and macOS allow in one name.
    """
    room = limit - len(suffix.encode("utf-8"))
    short = truncate_utf8(stem, room).rstrip(" .")
    return (short or stem[:1]) + suffix


def temporary_prefix(path: Path) -> str:
    """The name prefix of atomic_write's temporary for `path` (batches sweep them by it)."""
    return "." + truncate_utf8(path.name, NAME_MAX_BYTES - _TEMP_EXTRA) + "."


def is_read_only(path: Path) -> bool:
    """Marked read-only (no owner write permission, or not writable for us).

    The mode counts, not os.access alone: for root, os.access says every file is
    writable, yet a file set read-only (chmod 444, Windows' read-only attribute)
    is one its owner asked not to be replaced.
    """
    return not (path.stat().st_mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def check_target(path: Path, force: bool) -> None:
    """Refuse before any work is done if the target cannot or must not be written."""
    try:
        _check_target(path, force)
    except OSError as exc:  # e.g. a name too long for the file system
        raise OutputError(_explain(exc, path)) from None


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError(f"输出路径 {path} 是一个文件夹。请给出文件名，例如 {path / '材料.docx'}。")
    if path.exists() and not force:
        raise OutputError(f"文件 {path} 已存在，未做任何改动。如确需覆盖，请加 --force；或换一个文件名。")
    if path.exists() and is_read_only(path):
        # A rename would replace a read-only file on POSIX; honour the protection instead.
        raise OutputError(f"文件 {path} 是只读的，未做任何改动。如确需覆盖，请先取消它的只读属性；"
                          "或换一个文件名。")
    if not path.parent.exists():
        raise OutputError(f"输出文件夹 {path.parent} 不存在。请先创建它，或换一个位置。")
    if len(path.name.encode("utf-8", "surrogatepass")) > NAME_MAX_BYTES:
        raise OutputError(_explain(OSError(errno.ENAMETOOLONG, "File name too long"), path))


def _explain(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入 {path}。原有文件（如有）未受影响。请清理空间后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有权限写入 {path}（文件只读、被占用或文件夹无写权限）。原有文件（如有）未受影响。"
    if exc.errno == errno.ENOENT and path.parent.is_dir():  # e.g. /proc: there, but no new files
        return f"无法在文件夹 {path.parent} 中新建文件（这个位置不接受新文件）。请换一个位置。"
    if exc.errno == errno.ENOENT:
        return f"输出文件夹 {path.parent} 不存在。请先创建它，或换一个位置。"
    if exc.errno == errno.EISDIR:
        return f"输出路径 {path} 是一个文件夹。请给出文件名。"
    if exc.errno == errno.ENAMETOOLONG:
        size = len(path.name.encode("utf-8", "surrogatepass"))
        return (f"文件名太长（{size} 字节，文件系统最多允许 {NAME_MAX_BYTES} 字节，"
                f"约 85 个汉字）：{path.name}。请换一个短一些的文件名。")
    return f"写入 {path} 失败：{exc.strerror or exc}。原有文件（如有）未受影响。"


def _set_mode(fd: int, path: Path) -> None:
    """Give the new file the permissions an ordinary save would (mkstemp makes it owner-only)."""
    if not hasattr(os, "fchmod"):
        return
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.fchmod(fd, mode)
    except OSError:  # file systems without POSIX modes (FAT, some network shares)
        pass


def atomic_write(path: Path, write: Callable[[BinaryIO], object], force: bool = False) -> object:
    """Call write(stream) on a temporary file and move it into place only if it succeeds."""
    path = Path(path)
    check_target(path, force)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=".tmp",
                                        dir=path.parent)
        _set_mode(fd, path)
        with os.fdopen(fd, "wb") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists() and not force:  # appeared while we were writing
            raise OutputError(f"文件 {path} 已存在，未做任何改动。如确需覆盖，请加 --force。")
        os.replace(tmp_name, path)
        tmp_name = None
        return result
    except OSError as exc:
        raise OutputError(_explain(exc, path)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def atomic_write_text(path: Path, text: str, force: bool = False) -> None:
    atomic_write(path, lambda stream: stream.write(text.encode("utf-8")), force)


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out-dir 指定的 {out_dir} 是一个文件，不是文件夹。请换一个文件夹。")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建输出文件夹 {out_dir}：{exc.strerror or exc}。") from None
