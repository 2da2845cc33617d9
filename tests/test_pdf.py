"""The drafts in a real word processor: LibreOffice lays them out, the PDF is checked.

One LibreOffice start converts the 科协 example and every other built-in
example; the checks read the PDF as a reader would: pages, lines per page,
page numbers, headings, body text and the fonts that were used. Skipped only
where LibreOffice is not installed (CI installs it in .ci/run).
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import pytest
from office import (
    FOOTER_RE,
    HAS_OFFICE,
    fake_soffice,
    ink_rows,
    layout_lines,
    needs_office,
    needs_pdftotext,
    pdf_fonts,
    pdf_pages,
    squash,
    to_pdf,
    words,
)

from drafter.cli import main
from drafter.document.model import Kind

REPO = Path(__file__).parent.parent
EXAMPLES = ("kexie", "gonghui", "gongqingtuan", "fulian")
LINES_PER_PAGE, CHARS_PER_LINE, TITLE_CHARS_PER_LINE = 22, 28, 20
LINE_PITCH_PT = 579 / 20  # text area height / 22, as the 公文 profile sets it
TEXT_BOTTOM_PT = (297 - 35) / 25.4 * 72  # bottom margin 35 mm


def render_docx(template: str, folder: Path) -> tuple[Path, object]:
    from drafter.render.pipeline import render_file

    draft, path, _ = render_file(template, REPO / "examples" / f"{template}.yaml",
                                 str(folder / f"{template}.docx"))
    return path, draft


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every built-in example as docx and PDF, converted in one LibreOffice start."""
    if not HAS_OFFICE:
        pytest.skip("LibreOffice（soffice）未安装：PDF 版面测试需要它")
    folder = tmp_path_factory.mktemp("pdf")
    drafts = {}
    for template in EXAMPLES:
        if (REPO / "examples" / f"{template}.yaml").is_file():
            drafts[template] = render_docx(template, folder)
    pdfs = to_pdf([path for path, _ in drafts.values()], folder)
    return {name: (pdf, drafts[name][1]) for name, pdf in zip(drafts, pdfs, strict=True)}


@pytest.fixture(scope="module")
def kexie_pdf(converted):
    return converted["kexie"]


def estimated_pages(document) -> float:
    """Pages the 22 × 28 grid needs: each block's lines, first-line indents, blank lines."""
    lines = 0
    for block, number in document.numbered():
        text = number + block.text
        width = sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text if not ch.isspace())
        if block.kind is Kind.TITLE:
            lines += math.ceil(width / TITLE_CHARS_PER_LINE) + 1  # blank line after it
        elif block.kind in (Kind.PARAGRAPH, Kind.HEADING):
            lines += math.ceil((width + 2) / CHARS_PER_LINE)
        else:
            lines += math.ceil(width / CHARS_PER_LINE)
    return lines / LINES_PER_PAGE


def line_tops(pdf: Path, page: int) -> list[float]:
    """Top of each distinct text line above the bottom margin (footers excluded)."""
    result = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                             str(pdf), "-"], capture_output=True, text=True, check=True)
    tops = {round(float(y), 1) for y in re.findall(r'<line xMin="[^"]+" yMin="([^"]+)"',
                                                   result.stdout)}
    return sorted(y for y in tops if y < TEXT_BOTTOM_PT)


def body_text(pages: list[str]) -> str:
    """All pages' text without their page-number footers, whitespace removed."""
    lines = [line for page in pages for line in page.splitlines()
             if not FOOTER_RE.match(line.strip())]
    return squash("".join(lines))


def page_count(pdf: Path) -> int:
    return len(pdf_pages(pdf))


# ------------------------------------------------------------------ what the reader sees


@needs_office
def test_the_pdf_opens_with_title_six_headings_and_body(kexie_pdf):
    pdf, draft = kexie_pdf
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    everything = body_text(pages)
    assert squash(draft.document.title) in squash(pages[0])
    headings = draft.document.headings(1)
    assert len(headings) == 6
    for number, heading in zip("一二三四五六", headings, strict=True):
        assert squash(f"{number}、{heading.text}") in everything
    paragraphs = [b.text for b in draft.document.blocks if b.kind is Kind.PARAGRAPH]
    for paragraph in paragraphs:  # every paragraph, in full
        assert squash(paragraph) in everything


@needs_office
def test_every_page_has_its_number_in_the_footer(kexie_pdf):
    pdf, _ = kexie_pdf
    for index, text in enumerate(pdf_pages(pdf), start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        match = FOOTER_RE.match(last)
        assert match, (index, last)
        assert int(match.group(1)) == index
        assert last == f"— {index} —"  # an em dash, a space, the number, a space, an em dash


@needs_office
@needs_pdftotext
def test_odd_page_numbers_sit_right_and_even_ones_left(kexie_pdf):
    pdf, _ = kexie_pdf
    for page in (1, 2):
        result = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                                 str(pdf), "-"], capture_output=True, text=True, check=True)
        width = float(re.search(r'<page width="([^"]+)"', result.stdout).group(1))
        dashes = [float(x) for x, y in re.findall(
            r'<word xMin="([^"]+)" yMin="([^"]+)"[^>]*>—</word>', result.stdout)
            if float(y) > TEXT_BOTTOM_PT]
        assert len(dashes) == 2, page
        centre = sum(dashes) / 2
        assert (centre > width / 2) if page % 2 else (centre < width / 2), page


@needs_office
@needs_pdftotext
def test_the_page_numbers_dash_sits_7_mm_below_the_text_area(kexie_pdf):
    """GB/T 9704-2012 7.5: 一字线上距版心下边缘 7 mm. Measured on the rendered page: the
    dash's ink, not its font box (it was 10.2 mm with the footer 22 mm from the edge)."""
    pdf, _ = kexie_pdf
    for page in (1, 2):
        dashes = [w for w in words(pdf, page) if w[4] == "—" and w[1] > TEXT_BOTTOM_PT]
        x_min, y_min, x_max, y_max, _ = dashes[0]
        rows = ink_rows(pdf, page, (x_min, x_max), (y_min, y_max))
        below_mm = (rows[0] - TEXT_BOTTOM_PT) / 72 * 25.4
        assert abs(below_mm - 7) <= 1, (page, below_mm)


@needs_office
@needs_pdftotext
def test_page_one_has_at_most_22_text_lines(kexie_pdf):
    pdf, _ = kexie_pdf
    body = [line for line in layout_lines(pdf, 1) if not FOOTER_RE.match(line)]
    assert 0 < len(body) <= LINES_PER_PAGE
    for page in range(1, page_count(pdf) + 1):
        assert len(line_tops(pdf, page)) <= LINES_PER_PAGE, page


@needs_office
@needs_pdftotext
def test_body_lines_follow_the_22_line_grid(kexie_pdf):
    """Line pitch is the text area height / 22 (28.95 pt), so a full page holds exactly 22."""
    pdf, _ = kexie_pdf
    tops = line_tops(pdf, 2)
    steps = sorted(b - a for a, b in zip(tops, tops[1:], strict=False))
    median = steps[len(steps) // 2]
    assert abs(median - LINE_PITCH_PT) < 0.3


@needs_office
def test_page_count_is_plausible_for_the_text_length(kexie_pdf):
    pdf, draft = kexie_pdf
    expected = estimated_pages(draft.document)
    chars = draft.measure.total
    assert expected >= chars / (LINES_PER_PAGE * CHARS_PER_LINE)
    assert abs(page_count(pdf) - expected) <= max(1.0, 0.15 * expected), (page_count(pdf),
                                                                           expected)


@needs_office
@needs_pdftotext
def test_body_lines_hold_28_characters(kexie_pdf):
    pdf, _ = kexie_pdf
    # half-width digits and letters take half a character's width: count them as halves
    widths = [sum(0.5 if ch.isascii() else 1 for ch in squash(line))
              for line in layout_lines(pdf, 2) if not FOOTER_RE.match(line)]
    assert CHARS_PER_LINE - 2 <= max(widths) <= CHARS_PER_LINE + 1, widths


@needs_office
def test_fonts_come_from_the_alias_file(kexie_pdf):
    """仿宋/黑体/楷体 become Noto Serif CJK, Noto Sans CJK and AR PL UKai, not a fallback."""
    pdf, _ = kexie_pdf
    fonts = " ".join(sorted(pdf_fonts(pdf)))
    assert "NotoSerifCJK" in fonts  # 仿宋_GB2312 body, 方正小标宋简体 title
    assert "NotoSansCJK" in fonts  # 黑体 headings
    assert "UKai" in fonts  # 楷体_GB2312 subtitle


@needs_office
@pytest.mark.parametrize("template", [t for t in EXAMPLES if t != "kexie"])
def test_every_builtin_example_converts_with_its_headings(converted, template):
    if template not in converted:
        pytest.skip(f"examples/{template}.yaml 尚未提供")
    pdf, draft = converted[template]
    pages = pdf_pages(pdf)
    everything = body_text(pages)
    assert squash(draft.document.title) in squash(pages[0])
    for number, heading in zip("一二三四五六七八九", draft.document.headings(1), strict=False):
        assert squash(f"{number}、{heading.text}") in everything
    assert FOOTER_RE.match(pages[-1].strip().splitlines()[-1].strip())


# ------------------------------------------------------------------ the font alias file


def test_the_alias_file_ships_in_the_package_and_maps_every_official_font():
    from lxml import etree

    from drafter.office.preview import alias_file

    path = alias_file()
    assert path.is_file()
    root = etree.parse(str(path)).getroot()
    aliased = {alias.findtext("family") for alias in root.iter("alias")}
    for font in ("仿宋_GB2312", "仿宋", "方正小标宋简体", "黑体", "楷体_GB2312", "楷体", "宋体"):
        assert font in aliased, font


def test_the_generated_fontconfig_includes_system_and_alias(tmp_path):
    from drafter.office.preview import alias_file, fontconfig_file, system_fonts_conf

    text = fontconfig_file(tmp_path).read_text(encoding="utf-8")
    assert str(alias_file()) in text
    if system_fonts_conf() is not None:
        assert str(system_fonts_conf()) in text
        assert text.index(str(system_fonts_conf())) < text.index(str(alias_file()))


@pytest.mark.skipif(not Path("/etc/fonts/fonts.conf").is_file() or not HAS_OFFICE,
                    reason="需要 fontconfig 和 LibreOffice 环境（CI 会安装）")
def test_fontconfig_resolves_the_official_fonts_to_free_cjk_fonts(tmp_path):
    import os
    import shutil

    from drafter.office.preview import fontconfig_file

    if shutil.which("fc-match") is None:
        pytest.skip("fc-match 未安装")
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(tmp_path)))
    expected = {"仿宋_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC",
                "楷体_GB2312": "AR PL UKai CN", "方正小标宋简体": "Noto Serif CJK SC",
                "宋体": "Noto Serif CJK SC"}
    for font, family in expected.items():
        found = subprocess.run(["fc-match", "-f", "%{family}", font], env=env,
                               capture_output=True, text=True, check=True).stdout
        assert family in found, (font, found)


# ------------------------------------------------------------------ drafter preview


@needs_office
def test_preview_renders_a_template_to_pdf_and_png(tmp_path, capsys):
    output = tmp_path / "预览.pdf"
    status = main(["preview", "kexie", "--answers", str(REPO / "examples" / "kexie.yaml"),
                   "-o", str(output), "--png"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert f"已生成 PDF：{output}" in captured.out
    title = (REPO / "tests" / "golden" / "kexie.md").read_text(encoding="utf-8").split("\n")[0]
    assert squash(title.removeprefix("# ")) in squash(pdf_pages(output)[0])
    png = output.with_suffix(".png")
    if png.exists():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"已生成第 1 页图片：{png}" in captured.out
    else:
        assert "pdftoppm" in captured.err
    assert {p.name for p in tmp_path.iterdir()} <= {output.name, png.name}  # nothing else


@needs_office
def test_preview_of_a_docx_puts_the_pdf_beside_it(tmp_path, capsys):
    docx_path, draft = render_docx("kexie", tmp_path)
    capsys.readouterr()
    status = main(["preview", str(docx_path)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    pdf = docx_path.with_suffix(".pdf")
    assert squash(draft.document.title) in squash(pdf_pages(pdf)[0])
    before = pdf.read_bytes()
    assert main(["preview", str(docx_path)]) == 2  # never overwritten without --force
    assert "已存在" in capsys.readouterr().err
    assert pdf.read_bytes() == before


@pytest.fixture
def no_office(monkeypatch, tmp_path):
    """A machine without LibreOffice: empty PATH, no install folders, no override."""
    import drafter.office.preview as preview

    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(preview.ENV_OFFICE, raising=False)
    monkeypatch.setattr(preview, "OFFICE_LOCATIONS", ())


def test_preview_without_libreoffice_says_how_to_install_it(no_office, tmp_path, capsys):
    output = tmp_path / "预览.pdf"
    status = main(["preview", "kexie", "--answers", str(REPO / "examples" / "kexie.yaml"),
                   "-o", str(output)])
    err = capsys.readouterr().err
    assert status == 2
    assert "未找到 LibreOffice" in err
    assert "sudo apt-get install libreoffice-writer" in err
    assert "DRAFTER_SOFFICE" in err and "Word 或 WPS" in err
    assert "Traceback" not in err
    assert not output.exists()


def test_an_override_that_points_nowhere_is_named(no_office, monkeypatch, tmp_path, capsys):
    docx_path, _ = render_docx("kexie", tmp_path)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    assert main(["preview", str(docx_path)]) == 2
    err = capsys.readouterr().err
    assert "DRAFTER_SOFFICE" in err and "nowhere" in err


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="需要 POSIX shell")
def test_a_hung_libreoffice_is_stopped_with_a_message(monkeypatch, tmp_path, capsys):
    docx_path, _ = render_docx("kexie", tmp_path)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake_soffice(tmp_path, "sleep 60")))
    assert main(["preview", str(docx_path), "--timeout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "没有完成转换" in err and "--timeout" in err
    assert not docx_path.with_suffix(".pdf").exists()


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="需要 POSIX shell")
def test_a_conversion_that_produces_nothing_is_reported(monkeypatch, tmp_path, capsys):
    docx_path, _ = render_docx("kexie", tmp_path)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake_soffice(tmp_path, "echo broken >&2; exit 1")))
    assert main(["preview", str(docx_path)]) == 2
    err = capsys.readouterr().err
    assert "未能把" in err and "broken" in err
    assert not docx_path.with_suffix(".pdf").exists()


def test_preview_refuses_what_is_not_a_docx(tmp_path, capsys):
    bogus = tmp_path / "材料.docx"
    bogus.write_bytes(b"this is not a zip file")
    assert main(["preview", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert "不是有效的 .docx 文件" in err
    assert not bogus.with_suffix(".pdf").exists()


def test_preview_needs_answers_for_a_template_and_a_pdf_name(tmp_path, capsys):
    assert main(["preview", "kexie"]) == 2
    assert "--answers" in capsys.readouterr().err
    assert main(["preview", "kexie", "--answers", "x.yaml", "-o", str(tmp_path / "a.docx")]) == 2
    assert ".pdf" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="需要 POSIX shell")
def test_png_without_pdftoppm_still_gives_the_pdf_and_says_why(monkeypatch, tmp_path, capsys):
    import drafter.office.preview as preview

    docx_path, _ = render_docx("kexie", tmp_path)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake_soffice(tmp_path)))
    monkeypatch.setattr(preview, "find_pdftoppm", lambda: None)
    assert main(["preview", str(docx_path), "--png"]) == 0
    captured = capsys.readouterr()
    assert "未找到 pdftoppm" in captured.err and "poppler-utils" in captured.err
    assert docx_path.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert not docx_path.with_suffix(".png").exists()


def test_preview_checks_the_target_before_starting_libreoffice(no_office, tmp_path, capsys):
    """A missing folder is reported as such, not as a missing LibreOffice."""
    docx_path, _ = render_docx("kexie", tmp_path)
    assert main(["preview", str(docx_path), "-o", str(tmp_path / "没有" / "a.pdf")]) == 2
    err = capsys.readouterr().err
    assert "输出文件夹" in err and "不存在" in err
