"""The styled base package is cached on disk: a warm render never imports python-docx.

The cache may only ever cost time: a corrupt file is rebuilt, an edited profile or
reference document is not served stale, and the output is the same either way.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"

PROBE = """
import json, sys
from drafter.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"docx", "lxml"})
print(json.dumps([code, loaded]), file=sys.stderr)
"""


def render(cache: Path, out: Path, *extra: str) -> tuple[int, list[str]]:
    env = {**os.environ, "DRAFTER_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "render", "kexie", "--answers", str(EXAMPLE),
         "-o", str(out), "--force", *extra],
        capture_output=True, text=True, env=env, cwd=out.parent,
    )
    code, loaded = json.loads(result.stderr.strip().splitlines()[-1])
    return code, loaded


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}  # holds the creation time


def cached_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("docx-*/*.marshal"))


def test_second_render_uses_the_cache_and_writes_the_same_package(tmp_path):
    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold.docx", tmp_path / "warm.docx"
    assert render(cache, cold) == (0, ["docx", "lxml"])
    assert len(cached_files(cache)) == 1
    assert render(cache, warm) == (0, [])
    assert parts(cold) == parts(warm)
    assert docx.Document(str(warm)).styles["Heading 1"].font.size.pt == 16


def test_a_corrupt_cache_file_is_rebuilt_silently(tmp_path):
    cache = tmp_path / "cache"
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    render(cache, first)
    for path in cached_files(cache):
        path.write_bytes(b"\x00not marshal data")
    assert render(cache, second) == (0, ["docx", "lxml"])
    assert parts(first) == parts(second)
    assert render(cache, second)[1] == []  # and the rebuilt file is good again


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    out = tmp_path / "a.docx"
    assert render(blocker, out) == (0, ["docx", "lxml"])
    assert docx.Document(str(out)).paragraphs


def test_an_edited_reference_docx_is_not_served_stale(tmp_path):
    cache = tmp_path / "cache"
    house = tmp_path / "house.docx"
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "第一版抬头"
    reference.save(house)
    out = tmp_path / "a.docx"
    assert render(cache, out, "--reference-docx", str(house))[0] == 0
    assert docx.Document(str(out)).sections[0].header.paragraphs[0].text == "第一版抬头"

    reference.sections[0].header.paragraphs[0].text = "第二版抬头"
    reference.save(house)
    assert render(cache, out, "--reference-docx", str(house))[0] == 0
    assert docx.Document(str(out)).sections[0].header.paragraphs[0].text == "第二版抬头"
    assert len(cached_files(cache)) == 2
