"""drafter fonts: the alias file for the user's own LibreOffice, installed only on request."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from drafter.cli import main, overview

HAS_FC = shutil.which("fc-match") is not None and Path("/etc/fonts/fonts.conf").is_file()


@pytest.fixture
def config_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    return home


def installed(home: Path) -> Path:
    return home / "fontconfig" / "conf.d" / "70-drafter-fonts.conf"


def fc_match(home: Path, font: str) -> str:
    env = dict(os.environ, XDG_CONFIG_HOME=str(home))
    env.pop("FONTCONFIG_FILE", None)
    return subprocess.run(["fc-match", "-f", "%{family}", font], env=env, capture_output=True,
                          text=True, check=True).stdout


def test_install_and_remove_are_explicit_and_reversible(config_home, capsys):
    assert main(["fonts"]) == 0
    assert "字体替代设置：未安装。安装：drafter fonts install" in capsys.readouterr().out
    assert not installed(config_home).exists()  # looking installs nothing

    assert main(["fonts", "install"]) == 0
    out = capsys.readouterr().out
    path = installed(config_home)
    assert f"已安装字体替代设置：{path}" in out and "撤销：drafter fonts remove" in out
    text = path.read_text("utf-8")
    assert "<family>仿宋_GB2312</family>" in text and "drafter fonts install" in text
    assert main(["fonts"]) == 0
    assert f"字体替代设置：已安装（{path}）" in capsys.readouterr().out

    assert main(["fonts", "remove"]) == 0
    assert f"已删除字体替代设置：{path}" in capsys.readouterr().out
    assert not path.exists()
    assert main(["fonts", "remove"]) == 0
    assert "没有安装字体替代设置" in capsys.readouterr().out


def test_a_file_drafter_did_not_write_is_never_replaced_or_deleted(config_home, capsys):
    path = installed(config_home)
    path.parent.mkdir(parents=True)
    path.write_text("<fontconfig/>", "utf-8")
    assert main(["fonts", "install"]) == 2
    assert "不是 drafter 安装的，未做任何改动" in capsys.readouterr().err
    assert main(["fonts", "remove"]) == 2
    assert "不是 drafter 安装的，未删除" in capsys.readouterr().err
    assert path.read_text("utf-8") == "<fontconfig/>"
    assert main(["fonts", "install", "--force"]) == 0
    assert "drafter fonts install" in path.read_text("utf-8")


@pytest.mark.skipif(not HAS_FC, reason="需要 fontconfig（fc-match）")
def test_the_users_own_fontconfig_resolves_the_official_fonts_after_install(config_home,
                                                                            capsys):
    """What the user's own LibreOffice asks fontconfig, before and after."""
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "Noto Serif CJK SC" not in families or "AR PL UKai CN" not in families:
        pytest.skip("需要 fonts-noto-cjk 和 fonts-arphic-ukai")
    assert "Noto Serif CJK SC" not in fc_match(config_home, "仿宋_GB2312")
    assert main(["fonts", "install"]) == 0
    out = capsys.readouterr().out
    assert "仿宋_GB2312 → Noto Serif CJK SC" in out and "楷体_GB2312 → AR PL UKai CN" in out
    assert "Noto Serif CJK SC" in fc_match(config_home, "仿宋_GB2312")
    assert "AR PL UKai CN" in fc_match(config_home, "楷体_GB2312")
    assert "Noto Sans CJK SC" in fc_match(config_home, "黑体")
    assert main(["fonts", "remove"]) == 0
    assert "Noto Serif CJK SC" not in fc_match(config_home, "仿宋_GB2312")


def test_the_command_is_listed_with_chinese_help(capsys):
    assert "fonts" in overview() and "替代设置" in overview()
    with pytest.raises(SystemExit):
        main(["fonts", "--help"])
    out = capsys.readouterr().out
    assert "drafter fonts install" in out and "drafter fonts remove" in out


def test_preview_does_not_install_anything(config_home, tmp_path):
    from drafter.office.preview import fontconfig_file

    fontconfig_file(tmp_path)  # what preview writes: a private file in its own temp folder
    assert not config_home.exists()
