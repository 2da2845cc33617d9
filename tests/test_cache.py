"""drafter's cache is input from disk: used only when private, verified entry by entry,
keyed by the whole package, shared safely between installs, and never more than speed."""

import os
import resource
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from drafter.files import cache, yamlio
from drafter.files.cache import cache_dir, cached_file, read_cached, write_cached

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"
DAY = 24 * 3600


@pytest.fixture
def root(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder))
    return folder


def install(monkeypatch, fingerprint: str) -> None:
    """Pretend to be an install of drafter whose package fingerprint is `fingerprint`."""
    monkeypatch.setattr(cache, "package_fingerprint", lambda: fingerprint)


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


# ---------------------------------------------------------------- sharing and clean-up


def test_two_installs_sharing_one_cache_keep_each_others_entries(root, monkeypatch):
    entries = {}
    for _round in range(2):
        for fingerprint in ("a" * 16, "b" * 16):
            install(monkeypatch, fingerprint)
            path = cached_file("yaml", b"key")
            if path not in entries:
                write_cached(path, fingerprint)
                entries[path] = fingerprint
    assert len(entries) == 2
    for path, fingerprint in entries.items():
        assert read_cached(path) == fingerprint


def test_a_kind_folder_unused_for_a_month_is_removed_and_nothing_else(root, monkeypatch):
    install(monkeypatch, "old")
    old = cache_dir("yaml")
    (old / "x.marshal").write_bytes(b"old")
    old_rules = cache_dir("rules")
    recent = root / f"yaml-{'c' * 16}"
    recent.mkdir(mode=0o700)
    unrelated = root / "yaml-notes"
    unrelated.mkdir()
    a_file = root / f"yaml-{'d' * 16}"
    a_file.write_text("not a folder", encoding="utf-8")
    for path in (old, old_rules, unrelated, a_file):
        age(path, 40)
    age(recent, 10)

    install(monkeypatch, "new")
    new = cache_dir("yaml")

    assert new.is_dir() and not old.exists()
    assert old_rules.is_dir()  # another kind: removed only when that kind moves on
    assert recent.is_dir() and unrelated.is_dir() and a_file.is_file()
    assert cache_dir("yaml") == new  # an existing folder is simply used


def test_a_folder_in_use_records_its_use_daily(root, monkeypatch):
    install(monkeypatch, "a")
    folder = cache_dir("yaml")
    age(folder, 3)
    assert cache_dir("yaml") == folder
    assert time.time() - folder.stat().st_mtime < DAY


def test_a_file_where_the_folder_should_be_means_no_cache(root, monkeypatch):
    install(monkeypatch, "a")
    cache_dir("docx").rmdir()
    (root / cache_dir("yaml").name.replace("yaml", "docx")).write_text("x", encoding="utf-8")
    assert cache_dir("docx") is None


# ---------------------------------------------------------------- whose folder


def test_a_new_cache_root_is_private(root):
    assert cache_dir("yaml") is not None
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache_dir("yaml").stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777], ids=oct)
def test_a_root_others_can_write_is_refused(root, mode):
    root.mkdir()
    root.chmod(mode)
    assert cache_dir("yaml") is None
    assert cached_file("yaml", b"key") is None
    assert cache.bytecode_cache() is None
    assert list(root.iterdir()) == []  # nothing written there either
    assert stat.S_IMODE(root.stat().st_mode) == mode  # and the user's folder is not changed


def test_a_root_owned_by_another_user_is_refused(root, monkeypatch):
    root.mkdir(mode=0o700)
    monkeypatch.setattr(cache, "_user_id", lambda: os.geteuid() + 1)
    assert cache_dir("yaml") is None


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a folder's owner needs root")
def test_a_root_really_owned_by_another_user_is_refused(root):
    root.mkdir(mode=0o700)
    os.chown(root, 65534, 65534)
    assert cache_dir("yaml") is None


def test_a_root_that_is_a_symlink_is_refused(root, tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    root.symlink_to(target)
    assert cache_dir("yaml") is None


def test_a_kind_folder_planted_by_another_user_is_refused(root, monkeypatch):
    install(monkeypatch, "a")
    folder = cache_dir("yaml")
    folder.chmod(0o777)
    assert cache_dir("yaml") is None
    folder.chmod(0o700)
    assert cache_dir("yaml") == folder
    monkeypatch.setattr(cache, "_user_id", lambda: os.geteuid() + 1)
    root.chmod(0o700)
    assert cache_dir("yaml") is None


def test_entries_planted_in_a_shared_root_are_never_read(root, tmp_path):
    """A valid entry (right digest) in a folder others can write proves nothing: ignored."""
    source = tmp_path / "t.yaml"
    source.write_text("title: 真的\n", encoding="utf-8")
    planted = cached_file("yaml", source.read_text(encoding="utf-8").encode())
    write_cached(planted, ({"title": "植入的"}, {(): 1}))
    assert yamlio.load_yaml_file(source, "测试").data == {"title": "植入的"}  # private: used
    root.chmod(0o775)
    assert yamlio.load_yaml_file(source, "测试").data == {"title": "真的"}


# ---------------------------------------------------------------- self-verifying entries


def flip(path: Path, position: int, bit: int = 1) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= bit
    path.write_bytes(bytes(data))


def test_a_flipped_bit_anywhere_in_an_entry_is_a_miss(root, tmp_path):
    source = tmp_path / "t.yaml"
    source.write_text("formulation: 以习近平同志为核心的党中央\n", encoding="utf-8")
    expected = yamlio.load_yaml_file(source, "测试").data
    [entry] = root.glob("yaml-*/*.marshal")
    good = entry.read_bytes()
    positions = range(0, len(good), max(1, len(good) // 60))
    for position in [*positions, len(good) - 1]:
        entry.write_bytes(good)
        flip(entry, position)
        assert yamlio.load_yaml_file(source, "测试").data == expected, position
        assert entry.read_bytes() == good  # rebuilt and written back whole


def test_the_issue_example_ping_to_gan_is_a_miss(root, tmp_path):
    """平 (E5 B9 B3) and 干 (E5 B9 B2) differ in one bit: marshal alone would load 习近干."""
    source = tmp_path / "t.yaml"
    source.write_text("formulation: 以习近平同志为核心的党中央\n", encoding="utf-8")
    yamlio.load_yaml_file(source, "测试")
    [entry] = root.glob("yaml-*/*.marshal")
    data = entry.read_bytes()
    position = data.index("平".encode()) + 2
    flip(entry, position)
    assert "干".encode() in entry.read_bytes()
    assert yamlio.load_yaml_file(source, "测试").data == {"formulation": "以习近平同志为核心的党中央"}


def test_a_truncated_or_foreign_entry_is_a_miss(root, tmp_path):
    path = cached_file("yaml", b"k")
    write_cached(path, "值")
    assert read_cached(path) == "值"
    good = path.read_bytes()
    for damaged in (b"", good[:10], good[:-1], b"\x00" * len(good), good[len(cache.ENTRY_MAGIC):]):
        path.write_bytes(damaged)
        assert read_cached(path) is None
    other = cached_file("yaml", b"other")
    other.write_bytes(good)  # a whole entry under another name: its digest covers its name
    assert read_cached(other) is None


def own_kexie(folder: Path) -> None:
    """kexie and its parent as a user's templates in folder/templates, which a render from
    `folder` finds before the built-in ones: a copy is checked like any user template (an
    installed drafter trusts its own built-in templates, see test_inputs.py)."""
    import shutil

    for name in ("six-adherences", "kexie"):
        if not (folder / "templates" / name).is_dir():
            shutil.copytree(REPO / "templates" / name, folder / "templates" / name)


def run_drafter(cache_root: Path, out: str, *, limit_file_size: bool = False
                ) -> subprocess.CompletedProcess:
    own_kexie(cache_root.parent)

    def no_file_may_grow():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    return subprocess.run(
        [sys.executable, "-m", "drafter", "render", "kexie", "--answers", str(EXAMPLE),
         "-o", out, "--force"],
        capture_output=True, env={**os.environ, "DRAFTER_CACHE_DIR": str(cache_root)},
        cwd=cache_root.parent, preexec_fn=no_file_may_grow if limit_file_size else None,
    )


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}  # holds the creation time


def test_flipped_bits_in_every_entry_give_the_same_draft(tmp_path):
    root = tmp_path / "cache"
    cold = run_drafter(root, "cold.docx")
    assert cold.returncode == 0, cold.stderr.decode()
    entries = sorted(p for p in root.rglob("*") if p.is_file())
    kinds = {p.parent.name.split("-")[0] for p in entries}
    assert {"yaml", "jinja", "docx", "rules", "checked"} <= kinds
    ping = "习近平".encode()
    for entry in entries:
        data = entry.read_bytes()
        if ping in data:  # 平 → 干: the draft would say 习近干
            flip(entry, data.index(ping) + len(ping) - 1)
        elif data:
            flip(entry, len(data) // 2, 4)
    assert any(ping in p.read_bytes().replace("习近干".encode(), ping) for p in entries)
    warm = run_drafter(root, "warm.docx")
    assert warm.returncode == 0, warm.stderr.decode()
    assert docx_parts(tmp_path / "warm.docx") == docx_parts(tmp_path / "cold.docx")
    assert warm.stdout.decode().split("\n")[1:] == cold.stdout.decode().split("\n")[1:]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as on Linux")
def test_a_cache_volume_that_takes_no_byte_only_costs_speed(tmp_path):
    """Every cache write fails (EFBIG, as a full disk fails with ENOSPC), Jinja's included."""
    root = tmp_path / "cache"
    reference = run_drafter(root, "-")  # Markdown to stdout: only cache files are written
    assert reference.returncode == 0
    for entry in [p for p in root.rglob("*") if p.is_file()]:
        entry.unlink()  # folders stay; every entry must be written again, and cannot be
    starved = run_drafter(root, "-", limit_file_size=True)
    assert starved.returncode == 0, starved.stderr.decode()
    assert starved.stdout == reference.stdout
    assert [p for p in root.rglob("*") if p.is_file()] == []  # no half entry, no .tmp


# ---------------------------------------------------------------- whose code


def test_the_fingerprint_covers_every_file_of_the_package(tmp_path, monkeypatch):
    package = tmp_path / "drafter"
    (package / "check" / "rules").mkdir(parents=True)
    (package / "check" / "model.py").write_text("CATEGORIES = ('a', 'b')\n", encoding="utf-8")
    (package / "check" / "rules" / "x.yaml").write_text("rules: []\n", encoding="utf-8")
    (package / "__pycache__").mkdir()
    monkeypatch.setattr(cache, "PACKAGE_ROOT", package)
    first = cache.package_fingerprint()
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert cache.package_fingerprint() == first  # our own compiled files do not count
    cache._package_fingerprint.cache_clear()
    assert cache.package_fingerprint() == first
    (package / "check" / "model.py").write_text("CATEGORIES = ('a',)\n", encoding="utf-8")
    cache._package_fingerprint.cache_clear()
    edited = cache.package_fingerprint()
    assert edited != first
    (package / "check" / "rules" / "new.yaml").write_text("rules: []\n", encoding="utf-8")
    cache._package_fingerprint.cache_clear()
    assert cache.package_fingerprint() not in (first, edited)


def test_editing_a_rule_source_in_an_installed_copy_invalidates_the_warm_cache(tmp_path):
    """Issue 11: removing a category from check/model.py must not be hidden by a warm cache."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(REPO / "drafter", site / "drafter",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(site), "DRAFTER_CACHE_DIR": str(tmp_path / "cache")}
    probe = ("import drafter, sys\n"
             "assert drafter.__file__.startswith(sys.argv[1]), drafter.__file__\n"
             "from drafter.check.rules import load_rules, RulesError\n"
             "try:\n    print(len(load_rules().rules))\n"
             "except RulesError as exc:\n    print('refused:', exc.message)\n")

    def load() -> str:
        result = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True,
                                text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    count = load()
    assert int(count) > 90
    assert load() == count  # warm
    assert len(list((tmp_path / "cache").glob("rules-*/*.marshal"))) == 1
    model = site / "drafter" / "check" / "model.py"
    model.write_text(model.read_text(encoding="utf-8").replace(
        'CATEGORIES = ("conversion", "formulation", "punctuation", "structure")',
        'CATEGORIES = ("conversion", "formulation", "punctuation")'), encoding="utf-8")
    assert load().startswith("refused:")  # what a cold cache reports, not the stale rule set


def test_a_warm_render_trusts_the_clean_check_record_without_importing_the_checker(tmp_path):
    probe = ("import sys\nfrom drafter.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m in "
             "('drafter.templates.check', 'drafter.templates.outline')), file=sys.stderr)\n")
    env = {**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path / "cache")}
    own_kexie(tmp_path)
    argv = ["render", "kexie", "--answers", str(EXAMPLE), "-o", "-", "--format", "txt"]
    runs = [subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                           env=env, cwd=tmp_path) for _ in range(2)]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == [
        "['drafter.templates.check', 'drafter.templates.outline']", "[]"]
    assert runs[0].stdout == runs[1].stdout
