"""PDF (and PNG) previews through LibreOffice: see the draft as a word processor lays it out.

LibreOffice runs headless in a private, throw-away profile, so it neither
disturbs nor waits for a LibreOffice the user has open. The fonts a 公文 draft
names (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) are rarely installed
outside Windows; FONTCONFIG_FILE points LibreOffice at a generated config that
includes the system one plus drafter's alias file (drafter/fonts), which maps
them to free CJK fonts. Several documents convert in one LibreOffice start,
because each start costs seconds.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from drafter.errors import UserError
from drafter.files.inputs import read_bytes
from drafter.files.output import atomic_write, check_target

ENV_OFFICE = "DRAFTER_SOFFICE"  # path of soffice, for installs outside PATH
OFFICE_NAMES = ("soffice", "libreoffice")
# Where installers put LibreOffice when it is not on PATH (macOS app bundle, Windows).
OFFICE_LOCATIONS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
SYSTEM_FONTS_CONF = (
    "/etc/fonts/fonts.conf",
    "/usr/local/etc/fonts/fonts.conf",
    "/opt/homebrew/etc/fonts/fonts.conf",
)
ALIAS_FILE = "drafter-fonts.conf"
TIMEOUT = 180  # seconds for one LibreOffice run; the first start builds a profile
PNG_DPI = 110

INSTALL_HINT = (
    "请先安装 LibreOffice（免费）：\n"
    "  Debian/Ubuntu/统信/麒麟：sudo apt-get install libreoffice-writer "
    "fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming\n"
    "  Fedora/openEuler：sudo dnf install libreoffice-writer google-noto-serif-cjk-fonts\n"
    "  macOS：brew install --cask libreoffice\n"
    "  Windows：从 https://zh-cn.libreoffice.org/ 下载安装\n"
    f"装在其他位置时，可设置环境变量 {ENV_OFFICE} 指向 soffice 程序。"
    "不预览也不影响使用：生成的 .docx 可直接用 Word 或 WPS 打开。"
)


class OfficeMissing(UserError):
    """No LibreOffice: say how to get one, and that the .docx itself is fine."""

    def __init__(self, detail: str = ""):
        super().__init__(f"未找到 LibreOffice，无法生成 PDF 预览。{detail}\n{INSTALL_HINT}")


class ConversionFailed(UserError):
    """LibreOffice ran but produced nothing usable."""


@dataclass
class Preview:
    """What a preview produced, and notes worth telling the user."""

    pdf: Path
    png: Path | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- finding tools


def find_office() -> str | None:
    """The soffice program: $DRAFTER_SOFFICE, then PATH, then the usual install folders."""
    override = os.environ.get(ENV_OFFICE, "").strip()
    if override:
        return override if Path(override).is_file() else None
    for name in OFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for location in OFFICE_LOCATIONS:
        if Path(location).is_file():
            return location
    return None


def require_office() -> str:
    office = find_office()
    if office is None:
        override = os.environ.get(ENV_OFFICE, "").strip()
        detail = f"环境变量 {ENV_OFFICE} 指向的 {override} 不存在。" if override else ""
        raise OfficeMissing(detail)
    return office


def find_pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


# ---------------------------------------------------------------- fonts


def alias_file() -> Path:
    """drafter's fontconfig alias file as shipped in the package."""
    return Path(str(resources.files("drafter") / "fonts" / ALIAS_FILE))


def system_fonts_conf() -> Path | None:
    """The fonts.conf fontconfig would read by default (an inherited FONTCONFIG_FILE wins)."""
    inherited = os.environ.get("FONTCONFIG_FILE", "").strip()
    candidates = ([inherited] if inherited else []) + list(SYSTEM_FONTS_CONF)
    for candidate in candidates:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def fontconfig_file(folder: Path) -> Path:
    """Write a fonts.conf into `folder` that is the system config plus drafter's aliases."""
    includes = [p for p in (system_fonts_conf(), alias_file()) if p is not None]
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        *(f'  <include ignore_missing="yes">{escape(str(p))}</include>' for p in includes),
        "</fontconfig>",
    ]
    path = Path(folder) / "fonts.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def office_environment(folder: Path) -> dict[str, str]:
    """The environment LibreOffice runs in: our fonts, and a HOME it may write to."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(fontconfig_file(folder))
    env.setdefault("HOME", str(folder))
    env.pop("SAL_USE_VCLPLUGIN", None)  # --headless picks the headless backend itself
    return env


# ---------------------------------------------------------------- converting


def _run(command: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Run LibreOffice in its own process group, so a timeout can stop all of it."""
    kwargs: dict = {"start_new_session": True} if os.name == "posix" else {}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        process.communicate()
        raise ConversionFailed(
            f"LibreOffice 在 {timeout:g} 秒内没有完成转换，已停止。"
            "文档过长或电脑繁忙时可用 --timeout 放宽时限后重试。"
        ) from None
    except BaseException:
        _kill(process)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _kill(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def convert_to_pdf(sources: list[Path], out_dir: Path, timeout: float = TIMEOUT,
                   office: str | None = None) -> list[Path]:
    """Convert .docx files to PDFs in `out_dir` with one LibreOffice start; return their paths.

    The PDFs keep the order of `sources` and are named 0.pdf, 1.pdf, … so that two
    sources with the same name cannot collide.
    """
    office = office or require_office()
    out_dir = Path(out_dir)
    try:
        work = Path(tempfile.mkdtemp(prefix="drafter-office-"))
    except OSError as exc:
        raise ConversionFailed(f"无法创建临时文件夹：{exc.strerror or exc}。请检查磁盘空间。") from None
    try:
        copies, env = _prepare(work, sources)
        command = [
            office, f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
            "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
            "--outdir", str(work / "out"), *map(str, copies),
        ]
        try:
            result = _run(command, env, timeout)
        except OSError as exc:
            raise OfficeMissing(f"无法启动 {office}：{exc.strerror or exc}。") from None
        pdfs = []
        for index, source in enumerate(sources):
            pdf = work / "out" / f"{index}.pdf"
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = _tail(result.stderr) or _tail(result.stdout)
                raise ConversionFailed(
                    f"LibreOffice 未能把 {source} 转成 PDF（退出码 {result.returncode}）。"
                    "请确认它是完好的 .docx 文件（可先用 Word/WPS 打开试试）。"
                    + (f"\nLibreOffice 的输出：{detail}" if detail else "")
                )
            target = out_dir / f"{index}.pdf"
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                shutil.move(str(pdf), target)
            except OSError as exc:
                raise ConversionFailed(f"无法保存转换结果：{exc.strerror or exc}。"
                                       "请检查磁盘空间。") from None
            pdfs.append(target)
        return pdfs
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prepare(work: Path, sources: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """Copy the inputs under plain names (0.docx, 1.docx…) and write the font config."""
    copies = []
    try:
        inputs = work / "in"
        inputs.mkdir()
        for index, source in enumerate(sources):
            copy = inputs / f"{index}{Path(source).suffix.lower() or '.docx'}"
            copy.write_bytes(read_bytes(Path(source), "要预览的文件"))
            copies.append(copy)
        return copies, office_environment(work)
    except OSError as exc:
        raise ConversionFailed(f"无法准备临时文件：{exc.strerror or exc}。请检查磁盘空间。") from None


def _tail(data: bytes, limit: int = 400) -> str:
    text = data.decode("utf-8", "replace").strip() if data else ""
    lines = [line for line in text.splitlines() if "javaldx" not in line]
    return "\n".join(lines)[-limit:]


def first_page_png(pdf: Path, png: Path, dpi: int = PNG_DPI, timeout: float = 60) -> bool:
    """Render page 1 of `pdf` to `png` with poppler's pdftoppm; False if it is not installed."""
    tool = find_pdftoppm()
    if tool is None:
        return False
    prefix = png.with_suffix("")
    try:
        subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(prefix)], check=True, capture_output=True, timeout=timeout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise ConversionFailed(f"生成第 1 页图片失败：{exc}。PDF 已生成，可直接打开查看。") from None
    return prefix.with_suffix(".png").is_file()


# ---------------------------------------------------------------- the command's work


def _check_docx(path: Path) -> None:
    """LibreOffice would happily turn any bytes into a PDF of garbage; refuse non-.docx first."""
    from drafter.files.docx_package import read_package

    data = read_package(path, "要预览的文件")  # refuses zip bombs and encrypted packages
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise UserError(f"{path} 不是有效的 .docx 文件（可能已损坏，或是改了扩展名的 .doc/.wps）。"
                        "请用 Word 或 WPS 打开后“另存为”.docx 再预览。") from None
    except PermissionError:
        raise UserError(f"没有权限读取 {path}。") from None
    except OSError as exc:
        raise UserError(f"无法读取 {path}：{exc.strerror or exc}。") from None


def preview_docx(docx: Path, pdf: Path, png: Path | None = None, force: bool = False,
                 timeout: float = TIMEOUT) -> Preview:
    """Convert one .docx to `pdf` (and page 1 to `png`); existing files need `force`.

    Targets are checked before LibreOffice starts, and written atomically, so a
    failed preview leaves earlier files exactly as they were.
    """
    docx, pdf = Path(docx), Path(pdf)
    png = Path(png) if png is not None else None
    if not docx.is_file():
        if docx.is_dir():
            raise UserError(f"要预览的应当是 .docx 文件，但 {docx} 是一个文件夹。")
        raise UserError(f"找不到要预览的文件：{docx}。请检查路径是否正确。")
    _check_docx(docx)
    for target in (pdf, png):
        if target is not None:
            check_target(target, force)
    office = require_office()
    notes: list[str] = []
    try:
        work_dir = tempfile.TemporaryDirectory(prefix="drafter-preview-")
    except OSError as exc:
        raise ConversionFailed(f"无法创建临时文件夹：{exc.strerror or exc}。请检查磁盘空间。") from None
    with work_dir as work:
        (converted,) = convert_to_pdf([docx], Path(work), timeout, office)
        data = converted.read_bytes()
        atomic_write(pdf, lambda stream: stream.write(data), force=force)
        made_png = None
        if png is not None:
            page = Path(work) / "page1.png"
            if first_page_png(converted, page):
                image = page.read_bytes()
                atomic_write(png, lambda stream: stream.write(image), force=force)
                made_png = png
            else:
                notes.append("未找到 pdftoppm，未生成第 1 页图片（PDF 已生成）。"
                             "如需图片，请安装 poppler：sudo apt-get install poppler-utils"
                             "（macOS：brew install poppler）。")
    return Preview(pdf, made_png, notes)


def preview_answers(template_name: str, answers_path: Path | str, pdf: Path | None = None,
                    png: bool = False, force: bool = False, allow_missing: bool = False,
                    template_dirs: list[str] | None = None, reference_docx: Path | None = None,
                    timeout: float = TIMEOUT):
    """Render a template with an answers file and preview it; the .docx itself is not kept.

    Returns (draft, Preview); the PDF is named like the draft would be unless `pdf` is given.
    """
    from drafter.interview.answers import read_answers
    from drafter.render.pipeline import default_output, document_bytes, draft_from_answers
    from drafter.templates.loader import load_template

    template = load_template(template_name, template_dirs)
    draft = draft_from_answers(template, read_answers(answers_path), allow_missing)
    pdf = Path(pdf) if pdf is not None else default_output(draft, "pdf")
    png_path = pdf.with_suffix(".png") if png else None
    for target in (pdf, png_path):
        if target is not None:
            check_target(target, force)
    require_office()
    data, notes = document_bytes(draft, "docx", reference_docx)
    with tempfile.TemporaryDirectory(prefix="drafter-preview-") as work:
        docx = Path(work) / "draft.docx"
        try:
            docx.write_bytes(data)
        except OSError as exc:
            raise ConversionFailed(f"无法写入临时文件：{exc.strerror or exc}。请检查磁盘空间。") from None
        result = preview_docx(docx, pdf, png_path, force, timeout)
    result.notes[:0] = list(draft.warnings) + list(notes)
    return draft, result


def default_pdf_for(docx: Path) -> Path:
    """foo.docx → foo.pdf beside it."""
    return Path(docx).with_suffix(".pdf")
