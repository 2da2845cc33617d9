"""Hostile .docx packages: zip bombs, zip encryption, password-protected Word files.

Every command that reads a user's .docx (check, --reference-docx, preview) refuses
them with a Chinese message, before reading any part. The zip bomb is built by
hand (a 3 MB file whose document part claims and would inflate to 3 GB) and given
to real drafter processes whose peak memory is measured.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.errors import UserError
from drafter.files.docx_package import check_package

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"
GIB = 1024 ** 3

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
                 b'/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                 b"</Types>")


def _entry(name: bytes, data: bytes, size: int, crc: int, method: int, offset: int,
           flags: int = 0) -> tuple[bytes, bytes]:
    """A local file header + data, and its central directory record."""
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(data),
                        size, len(name), 0) + name + data
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc,
                          len(data), size, len(name), 0, 0, 0, 0, 0, offset) + name
    return local, central


def zip_bomb(inflated: int = 3 * GIB) -> bytes:
    """A .docx whose word/document.xml inflates to `inflated` bytes of zeros (~1000:1).

    Built from one compressed megabyte repeated: each block is flushed with
    Z_FULL_FLUSH, so identical input gives identical output. The CRC is not
    computed (a reader that inflates the part runs out of memory before checking it).
    """
    chunk = 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    body = block * (inflated // chunk) + tail
    parts = [(b"[Content_Types].xml", CONTENT_TYPES), (b"word/document.xml", None)]
    out, directory = b"", b""
    for name, data in parts:
        if data is None:
            local, central = _entry(name, body, inflated, 0, 8, len(out))
        else:
            local, central = _entry(name, data, len(data), zlib.crc32(data), 0, len(out))
        out += local
        directory += central
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory),
                      len(out), 0)
    return out + directory + end


def zip_encrypted(data: bytes) -> bytes:
    """The same package with every entry flagged as zip-encrypted (general purpose bit 0)."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        position = archive.start_dir
    for info in infos:
        patched[info.header_offset + 6] |= 1
    for _ in infos:
        assert patched[position:position + 4] == b"PK\x01\x02"
        patched[position + 8] |= 1
        name, extra, comment = struct.unpack("<3H", patched[position + 28:position + 34])
        position += 46 + name + extra + comment
    return bytes(patched)


def run_limited(folder: Path, *argv: str) -> tuple[int, str, int]:
    """drafter in a child process: exit status, stderr, and its peak memory (RSS) in bytes.

    Address space (2 GB) and CPU time (60 s) are capped, so that a regression fails
    instead of swapping or hanging the machine.
    """
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, 2 * GIB))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    err_path = folder / "stderr.txt"
    with open(err_path, "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "drafter", *argv],
                                   stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, err_path.read_text("utf-8", "replace"), usage.ru_maxrss * 1024


@pytest.fixture
def bomb(tmp_path) -> Path:
    path = tmp_path / "炸弹.docx"
    path.write_bytes(zip_bomb())
    assert path.stat().st_size < 4 * 1024 * 1024
    return path


@pytest.fixture
def good_docx(tmp_path) -> bytes:
    from drafter.render.pipeline import render_file

    _, path, _ = render_file("kexie", EXAMPLE, str(tmp_path / "好.docx"))
    return path.read_bytes()


# ------------------------------------------------------------------ zip bombs


def test_a_zip_bomb_is_refused_before_any_part_is_read(bomb):
    with pytest.raises(UserError) as info:
        check_package(bomb.read_bytes(), "炸弹.docx")
    message = info.value.message
    assert "炸弹.docx 解压后过大：部件 word/document.xml 解压后 3.0 GB" in message
    assert "压缩炸弹" in message and "未读取" in message and "另存为" in message


@pytest.mark.parametrize("command", ["check", "reference", "preview"])
def test_every_command_refuses_a_zip_bomb_within_200_mb(tmp_path, bomb, command):
    argv = {
        "check": ["check", str(bomb)],
        "reference": ["render", "kexie", "--answers", str(EXAMPLE), "-o",
                      str(tmp_path / "稿.docx"), "--reference-docx", str(bomb)],
        "preview": ["preview", str(bomb)],
    }[command]
    status, err, peak = run_limited(tmp_path, *argv)
    assert status == 2, err
    assert "解压后过大" in err and "Traceback" not in err
    assert peak < 200 * 1024 * 1024, peak
    assert not (tmp_path / "稿.docx").exists() and not bomb.with_suffix(".pdf").exists()


def test_a_document_part_within_the_limits_is_read(good_docx):
    check_package(good_docx, "好.docx")  # drafter's own drafts pass, of course


# ------------------------------------------------------------------ encryption


def test_zip_encrypted_parts_are_refused_by_every_reader(tmp_path, capsys, good_docx):
    locked = tmp_path / "加密.docx"
    locked.write_bytes(zip_encrypted(good_docx))
    for argv in (["check", str(locked)],
                 ["render", "kexie", "--answers", str(EXAMPLE), "-o", str(tmp_path / "稿.docx"),
                  "--reference-docx", str(locked)],
                 ["preview", str(locked)]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "经过 zip 加密，drafter 无法读取" in err, argv
        assert "Traceback" not in err
    assert not (tmp_path / "稿.docx").exists()


def test_a_word_file_with_an_open_password_is_named_as_such(tmp_path, capsys):
    """Word encrypts a password-protected .docx into an OLE compound file, not a zip."""
    locked = tmp_path / "有密码.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    assert main(["check", str(locked)]) == 2
    err = capsys.readouterr().err
    assert "设置了打开密码" in err and "另存为" in err


def test_an_unusual_compression_method_is_refused(tmp_path, good_docx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_docx)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), zipfile.ZIP_LZMA)
    with pytest.raises(UserError) as info:
        check_package(buffer.getvalue(), "怪.docx")
    assert "使用了 Word 不会使用的压缩方式" in info.value.message


def test_too_many_entries_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(5001):
            archive.writestr(f"x/{index}.xml", b"")
    with pytest.raises(UserError) as info:
        check_package(buffer.getvalue(), "多.docx")
    assert "含有 5001 个部件" in info.value.message


def test_a_large_part_compressed_far_beyond_real_documents_is_refused():
    """100 MB is under the per-part limit, but no document's XML compresses 1000 times."""
    with pytest.raises(UserError) as info:
        check_package(zip_bomb(100 * 1024 * 1024), "可疑.docx")
    assert "部件 word/document.xml 解压后 100 MB（压缩比" in info.value.message
