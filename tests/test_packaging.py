"""The wheel carries the built-in templates: a plain install works from any directory."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build the wheel exactly as `pip install .` would and unpack it as site-packages."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(work), str(REPO)],
        check=True, capture_output=True,
    )
    wheel = next(work.glob("gongwen_drafter-*.whl"))
    site = work / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run([sys.executable, "-m", "drafter", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_wheel_lists_builtin_templates_from_elsewhere(installed, tmp_path):
    result = run_installed(installed, tmp_path, "templates", "list")
    assert result.returncode == 0, result.stderr
    for template_id in ("six-adherences", "kexie", "gonghui", "gongqingtuan", "fulian"):
        assert template_id in result.stdout
    assert "内置" in result.stdout


def test_wheel_renders_the_kexie_example_from_elsewhere(installed, tmp_path):
    answers = REPO / "examples" / "kexie.yaml"
    result = run_installed(installed, tmp_path, "render", "kexie", "--answers", str(answers),
                           "-o", "科协.docx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "科协.docx").stat().st_size > 10_000
    probe = subprocess.run(
        [sys.executable, "-c", "import drafter, drafter.templates.loader as t;"
         "print(drafter.__file__); print(t.builtin_template_dir())"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(installed)), capture_output=True,
        text=True, check=True,
    )
    module_file, builtin = probe.stdout.splitlines()
    assert module_file.startswith(str(installed))
    assert builtin == str(installed / "drafter" / "builtin_templates")


def test_wheel_is_named_apart_from_the_unrelated_drafter_project(installed):
    """`drafter` on the package index is someone else's; ours installs as gongwen-drafter."""
    [info] = installed.glob("gongwen_drafter-*.dist-info")
    metadata = (info / "METADATA").read_text(encoding="utf-8")
    assert "\nName: gongwen-drafter\n" in metadata
    entry_points = (info / "entry_points.txt").read_text(encoding="utf-8")
    assert "drafter = drafter.cli:main" in entry_points
