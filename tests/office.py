"""Helpers for tests that need a real word processor (LibreOffice) or read its PDFs.

Each LibreOffice start costs seconds, so tests convert many documents in one call
(`to_pdf`) from a module-scoped fixture. Fonts go through drafter's fontconfig
alias file exactly as `drafter preview` uses it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

HAS_OFFICE = any(shutil.which(name) for name in ("soffice", "libreoffice"))
HAS_PDFTOTEXT = shutil.which("pdftotext") is not None
needs_office = pytest.mark.skipif(
    not HAS_OFFICE,
    reason="LibreOffice（soffice）未安装：PDF 版面测试需要它（CI 的 .ci/run 会安装 "
           "libreoffice-writer-nogui 和中文字体）",
)
needs_pdftotext = pytest.mark.skipif(not HAS_PDFTOTEXT,
                                     reason="pdftotext（poppler-utils）未安装")
FOOTER_RE = re.compile(r"^—\s*(\d+)\s*—$")


def to_pdf(docx_files: list[bytes | Path], folder: Path) -> list[Path]:
    """Convert documents (bytes or paths) with one LibreOffice start; PDFs in input order."""
    from drafter.office.preview import convert_to_pdf

    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for index, item in enumerate(docx_files):
        if isinstance(item, bytes):
            path = folder / f"in-{index}.docx"
            path.write_bytes(item)
            item = path
        sources.append(Path(item))
    return convert_to_pdf(sources, folder / "pdf")


def pdf_pages(pdf: Path) -> list[str]:
    """Text of each page as pypdf extracts it."""
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(str(pdf)).pages]


def pdf_fonts(pdf: Path) -> set[str]:
    """Base names of the fonts embedded in the PDF, without subset prefixes (ABCDEF+)."""
    import pypdf

    names = set()
    for page in pypdf.PdfReader(str(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            base = str(ref.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+", 1)[-1])
    return names


def char_fonts(pdf: Path, page: int) -> tuple[str, list[str]]:
    """The text a page shows, in content-stream order and without whitespace (see squash), and
    the font of each of its characters (base name without the subset prefix): which face
    LibreOffice really chose."""
    import pypdf

    text: list[str] = []
    fonts: list[str] = []

    def visit(piece, _cm, _tm, font, _size):
        name = str((font or {}).get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
        piece = squash(piece)
        text.append(piece)
        fonts.extend([name] * len(piece))

    pypdf.PdfReader(str(pdf)).pages[page - 1].extract_text(visitor_text=visit)
    return "".join(text), fonts


def layout_lines(pdf: Path, page: int) -> list[str]:
    """Non-blank lines of one page (1-based) as `pdftotext -layout` lays them out."""
    result = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                             "-"], capture_output=True, text=True, check=True)
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def squash(text: str) -> str:
    """Text without any whitespace: layout may break lines anywhere."""
    return "".join(text.split())


def docx_text(data: bytes) -> str:
    """All paragraph text of a .docx, reopened with python-docx (proves it parses)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def assert_valid_docx(data: bytes) -> None:
    """A zip whose every XML part parses: what Word checks before anything else."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


WRITES_PDFS = """\
out=""; prev=""
for arg in "$@"; do
  if [ "$prev" = "--outdir" ]; then out="$arg"; fi
  prev="$arg"
done
mkdir -p "$out"
for arg in "$@"; do
  case "$arg" in *.docx) printf '%%PDF-1.4 fake' > "$out/$(basename "$arg" .docx).pdf";; esac
done"""


def fake_soffice(folder: Path, script: str = WRITES_PDFS) -> Path:
    """A stand-in for soffice (a shell script): by default it writes a tiny PDF per input."""
    path = folder / "fake-soffice"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def gray_page(pdf: Path, page: int, dpi: int = 288) -> tuple[int, int, bytes]:
    """Page `page` (1-based) rendered by pdftoppm as 8-bit gray: (width, height, pixels)."""
    result = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l",
                             str(page), str(pdf)], capture_output=True, check=True)
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", result.stdout)
    width, height, _ = map(int, header.groups())
    return width, height, result.stdout[header.end():]


def ink_rows(pdf: Path, page: int, x: tuple[float, float], y: tuple[float, float],
             dpi: int = 288) -> list[float]:
    """Rows (in points from the top of the page) with dark pixels inside a box given in points:
    where a rule, a dash or a glyph really is, as opposed to its font's bounding box."""
    width, _, pixels = gray_page(pdf, page, dpi)
    scale = dpi / 72
    columns = range(int(x[0] * scale), int(x[1] * scale) + 1)
    return [row / scale for row in range(int(y[0] * scale), int(y[1] * scale) + 1)
            if any(pixels[row * width + col] < 128 for col in columns)]


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each word pdftotext finds on a page (1-based)."""
    result = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                             "-"], capture_output=True, text=True, check=True)
    found = re.findall(r'<word xMin="([^"]+)" yMin="([^"]+)" xMax="([^"]+)" yMax="([^"]+)">'
                       r"([^<]*)</word>", result.stdout)
    return [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in found]
