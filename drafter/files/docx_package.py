"""Opening a user's .docx safely: the one way drafter reads a Word package it did not write.

A .docx is a zip archive, and a zip can claim anything: a 3 MB file whose one
part inflates to 3 GB (a "zip bomb"), thousands of entries, entries encrypted
with a zip password, or no zip at all but a password-protected Word file (an
OLE compound file). Every command that reads a user's .docx (`check`,
`--reference-docx`, `preview`, `format`) goes through `check_package` first,
which reads only the zip's table of contents, never a part, and refuses with a
Chinese message what it cannot read safely. Python's zipfile then holds each
part to the size the table of contents declares (a part that inflates past it
fails its CRC check), so the limits below bound the memory a read can take.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from drafter.errors import UserError
from drafter.files.inputs import read_bytes

MB = 1024 * 1024
MAX_FILE = 200 * MB  # the .docx itself: a long report with photos is a few tens of MB
MAX_PART = 200 * MB  # one part, uncompressed (30 MB is a 10-million-character document)
MAX_TOTAL = 400 * MB  # all parts, uncompressed: python-docx holds every part in memory
MAX_ENTRIES = 5000
# A part that is both large and compressed beyond this ratio is refused even under the
# limits above: XML of real documents compresses 5 to 20 times, deflate's ceiling is ~1032.
MAX_RATIO = 100
RATIO_FROM = 64 * MB  # below this a part costs little memory, whatever its ratio

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and Word files with an open password
ZIP_ENCRYPTED = 0x1  # general purpose bit 0


def _size(n: int) -> str:
    return f"{n / (1024 * MB):.1f} GB" if n >= 1024 * MB else f"{n / MB:.0f} MB"


def _resave(name: str) -> str:
    return f"请用 Word 或 WPS 打开 {name}，确认内容无误后“另存为”.docx 再试。"


def check_package(data: bytes, name: str) -> None:
    """Refuse, before any part is read, a package that is not a plain, sanely sized zip.

    Reads only the central directory. Raises UserError naming the file, what is
    wrong and what to do. A package that is merely damaged passes here and is
    reported by the reader that opens it.
    """
    if len(data) > MAX_FILE:
        raise UserError(f"{name} 有 {_size(len(data))}，超过 drafter 读取 Word 文档的上限"
                        f"（{_size(MAX_FILE)}），未读取。请删去其中的大图片或视频后再试。")
    if data.startswith(OLE_MAGIC):
        raise UserError(f"{name} 设置了打开密码（加密的 Word 文档），或是改了扩展名的旧版 .doc，"
                        f"drafter 无法读取。请在 Word 或 WPS 中取消密码（文件 ▸ 信息 ▸ 保护文档），"
                        f"或“另存为”.docx 后再试。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return  # not a zip at all: the reader says "not a valid .docx" in its own words
    if len(entries) > MAX_ENTRIES:
        raise UserError(f"{name} 含有 {len(entries)} 个部件，远多于任何 Word 文档"
                        f"（上限 {MAX_ENTRIES}），可能已损坏或是恶意构造的文件，未读取。" + _resave(name))
    encrypted = [e.filename for e in entries if e.flag_bits & ZIP_ENCRYPTED]
    if encrypted:
        raise UserError(f"{name} 中的部件（{encrypted[0]} 等 {len(encrypted)} 个）经过 zip 加密，"
                        "drafter 无法读取。这不是 Word 正常保存的文件：" + _resave(name)
                        + "（不要设置密码）")
    odd = [e.filename for e in entries
           if e.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if odd:
        raise UserError(f"{name} 中的部件 {odd[0]} 使用了 Word 不会使用的压缩方式，drafter 无法读取。"
                        + _resave(name))
    total = 0
    for entry in entries:
        size = entry.file_size
        total += size
        ratio = size / max(entry.compress_size, 1)
        too_big = size > MAX_PART or (size > RATIO_FROM and ratio > MAX_RATIO)
        if too_big or total > MAX_TOTAL:
            raise UserError(
                f"{name} 解压后过大：部件 {entry.filename} 解压后 {_size(size)}"
                f"（压缩比 {ratio:.0f} 倍），全部部件合计至少 {_size(total)}。"
                "这样的文件可能是恶意构造的“压缩炸弹”或已损坏，为免耗尽内存，未读取。"
                f"drafter 读取的 Word 文档解压后最多 {_size(MAX_TOTAL)}、单个部件最多 {_size(MAX_PART)}。"
                + _resave(name))


def read_package(path: Path | str, what: str = "Word 文档") -> bytes:
    """The bytes of a user's .docx, after its size on disk and its table of contents passed."""
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes gives the message for a missing or unreadable file
    if size > MAX_FILE:
        raise UserError(f"{path} 有 {_size(size)}，超过 drafter 读取 Word 文档的上限"
                        f"（{_size(MAX_FILE)}），未读取。请删去其中的大图片或视频后再试。")
    data = read_bytes(path, what)
    check_package(data, str(path))
    return data


def open_docx(data: bytes, name: str, invalid: str):
    """A python-docx Document of a checked package; `invalid` is the message for a damaged one.

    python-docx (and lxml) are imported here, by the commands that read Word files.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    check_package(data, name)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError,
            EOFError, zipfile.LargeZipFile):
        raise UserError(invalid) from None
