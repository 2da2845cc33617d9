"""drafter's font aliases for the user's own LibreOffice: installed and removed only on request.

A 公文 draft names 仿宋_GB2312, 楷体_GB2312, 方正小标宋简体, 黑体 and 宋体. Windows has
most of them; Linux desktops (and 统信/麒麟 without the Windows fonts) usually have
none, and LibreOffice then shows every one of them in one sans face. `drafter
preview` already maps them to free CJK fonts for its own conversions
(drafter/fonts/drafter-fonts.conf). `drafter fonts install` copies the same file
into the user's fontconfig folder, so the user's own LibreOffice (and any other
fontconfig program) uses the same faces; `drafter fonts remove` takes it away.
Nothing is installed any other way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from drafter.errors import UserError

FILE_NAME = "70-drafter-fonts.conf"
MARK = "<!-- drafter fonts install: 由 drafter 安装，drafter fonts remove 可删除 -->"
# What each name in the 公文 profile becomes through the alias file, and the package with it.
OFFICIAL_FONTS = ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体")
FREE_FONTS = {
    "Noto Serif CJK SC": "fonts-noto-cjk（Fedora：google-noto-serif-cjk-fonts）",
    "Noto Sans CJK SC": "fonts-noto-cjk（Fedora：google-noto-sans-cjk-fonts）",
    "AR PL UKai CN": "fonts-arphic-ukai",
}


@dataclass(frozen=True)
class Status:
    path: Path  # where the alias file goes
    installed: bool  # drafter's file is there
    foreign: bool  # a file of that name is there, but not drafter's
    resolved: tuple[tuple[str, str], ...]  # official font -> family fontconfig picks ("" unknown)
    missing: tuple[str, ...]  # free fonts the aliases point to that are not installed


def config_dir() -> Path:
    """fontconfig's per-user folder ($XDG_CONFIG_HOME/fontconfig/conf.d), read through
    the system's 50-user.conf on every fontconfig platform."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fontconfig" / "conf.d"


def target() -> Path:
    return config_dir() / FILE_NAME


def _ours(path: Path) -> bool:
    try:
        return MARK in path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False


def _alias_text() -> str:
    from drafter.office.preview import alias_file

    text = alias_file().read_text(encoding="utf-8")
    head, _, rest = text.partition("<fontconfig>")
    return f"{head}<fontconfig>\n  {MARK}{rest}"


def _fc(*args: str) -> str | None:
    tool = shutil.which(args[0])
    if tool is None:
        return None
    try:
        result = subprocess.run([tool, *args[1:]], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def status() -> Status:
    """Whether the aliases are installed, what the official fonts resolve to, what is missing."""
    path = target()
    installed = path.is_file() and _ours(path)
    resolved = tuple((font, (_fc("fc-match", "-f", "%{family}", font) or "").split(",")[0])
                     for font in OFFICIAL_FONTS)
    families = _fc("fc-list", ":", "family")
    missing: tuple[str, ...] = ()
    if families is not None:
        missing = tuple(name for name in FREE_FONTS if name not in families)
    return Status(path, installed, path.exists() and not installed, resolved, missing)


def install(force: bool = False) -> Path:
    """Write the alias file into the user's fontconfig folder; return where it went."""
    from drafter.files.output import atomic_write_text

    path = target()
    if path.exists() and not _ours(path) and not force:
        raise UserError(f"{path} 已存在，但不是 drafter 安装的，未做任何改动。"
                        "请先查看其内容；确需替换时加 --force。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建文件夹 {path.parent}：{exc.strerror or exc}。") from None
    atomic_write_text(path, _alias_text(), force=True)
    return path


def remove() -> Path | None:
    """Delete drafter's alias file; None if it was not installed. Refuses a file not ours."""
    path = target()
    if not path.exists():
        return None
    if not _ours(path):
        raise UserError(f"{path} 不是 drafter 安装的，未删除。如不再需要，请自行删除。")
    try:
        path.unlink()
    except OSError as exc:
        raise UserError(f"无法删除 {path}：{exc.strerror or exc}。") from None
    return path
