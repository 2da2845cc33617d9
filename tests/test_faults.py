"""Faults lose nothing: a failed write leaves the earlier file byte for byte, and no debris.

Every fault is produced on purpose: disk full (ENOSPC from write or fsync),
permission denied, a missing folder, a folder where the file should be, a file
locked by another program or marked read-only. Permission cases are simulated
with monkeypatch so they also run as root (where chmod denies nothing); the
real chmod variants run too when the tests are not root. A batch killed with
SIGKILL, and a questionnaire killed with SIGKILL, are real child processes.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from office import assert_valid_docx, fake_soffice

import drafter.files.output
from drafter.cli import main

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"
EARLIER = b"EARLIER DRAFT \xe5\x8e\x9f\xe7\xa8\xbf: must survive every fault"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
POSIX = sys.platform != "win32"


@pytest.fixture
def target(tmp_path) -> Path:
    """An earlier draft that a failed `render --force` must leave exactly as it was."""
    path = tmp_path / "out" / "材料.docx"
    path.parent.mkdir()
    path.write_bytes(EARLIER)
    return path


def render(capsys, output: Path | str, *extra: str) -> tuple[int, str]:
    status = main(["render", "kexie", "--answers", str(EXAMPLE), "-o", str(output), *extra])
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert "Traceback" not in said
    return status, said


def assert_untouched(target: Path) -> None:
    assert target.read_bytes() == EARLIER
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary files


def oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


# ------------------------------------------------------------------ disk full


def test_disk_full_at_fsync_keeps_the_earlier_file(monkeypatch, capsys, target):
    def full(fd):
        raise oserror(errno.ENOSPC)

    monkeypatch.setattr(drafter.files.output.os, "fsync", full)
    status, said = render(capsys, target, "--force")
    assert status == 2
    assert "磁盘空间不足" in said and "原有文件（如有）未受影响" in said
    assert_untouched(target)


class _FillsUp:
    """A file object that takes half of the first write, then reports a full disk."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data):
        self.stream.write(data[: len(data) // 2])
        raise oserror(errno.ENOSPC)

    def __getattr__(self, name):
        return getattr(self.stream, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stream.close()


def test_disk_full_mid_write_keeps_the_earlier_file(monkeypatch, capsys, target):
    real_fdopen = os.fdopen
    monkeypatch.setattr(drafter.files.output.os, "fdopen",
                        lambda fd, mode: _FillsUp(real_fdopen(fd, mode)))
    status, said = render(capsys, target, "--force")
    assert status == 2
    assert "磁盘空间不足" in said
    assert_untouched(target)


def test_disk_full_for_a_new_file_leaves_nothing(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(drafter.files.output.os, "fsync", lambda fd: (_ for _ in ()).throw(
        oserror(errno.ENOSPC)))
    status, said = render(capsys, tmp_path / "新稿.docx")
    assert status == 2 and "磁盘空间不足" in said
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ permissions


def test_read_only_folder_is_reported_simulated(monkeypatch, capsys, target):
    """A folder without write permission: creating the temporary file fails (EACCES)."""
    def denied(*args, **kwargs):
        raise oserror(errno.EACCES)

    monkeypatch.setattr(drafter.files.output.tempfile, "mkstemp", denied)
    status, said = render(capsys, target, "--force")
    assert status == 2
    assert "没有权限写入" in said
    assert_untouched(target)


@pytest.mark.skipif(IS_ROOT or not POSIX, reason="root 不受文件夹权限限制（上面的模拟测试覆盖此情形）")
def test_read_only_folder_is_reported_for_real(capsys, target):
    target.parent.chmod(0o555)
    try:
        status, said = render(capsys, target, "--force")
    finally:
        target.parent.chmod(0o755)
    assert status == 2 and "没有权限写入" in said
    assert_untouched(target)


def test_read_only_file_is_not_replaced_even_with_force_simulated(monkeypatch, capsys, target):
    real_access = os.access
    monkeypatch.setattr(drafter.files.output.os, "access",
                        lambda path, mode: False if Path(path) == target else
                        real_access(path, mode))
    status, said = render(capsys, target, "--force")
    assert status == 2
    assert "是只读的" in said and "取消它的只读属性" in said
    assert_untouched(target)


@pytest.mark.skipif(not POSIX, reason="需要 POSIX 权限位")
def test_read_only_file_is_not_replaced_even_with_force_for_real(capsys, target):
    """Also as root, for whom os.access calls every file writable: the mode is what counts."""
    target.chmod(0o444)
    try:
        status, said = render(capsys, target, "--force")
    finally:
        target.chmod(0o644)
    assert status == 2 and "是只读的" in said
    assert_untouched(target)


def test_file_locked_by_another_program_is_reported(monkeypatch, capsys, target):
    """Word on Windows holds the file open: the final rename fails with a sharing violation."""
    def locked(src, dst):
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(drafter.files.output.os, "replace", locked)
    status, said = render(capsys, target, "--force")
    assert status == 2
    assert "被占用" in said
    assert_untouched(target)


def test_existing_file_is_never_replaced_without_force(capsys, target):
    status, said = render(capsys, target)
    assert status == 2 and "已存在" in said and "--force" in said
    assert_untouched(target)


# ------------------------------------------------------------------ where the file goes


def test_missing_output_folder_is_reported_and_not_created(capsys, tmp_path):
    status, said = render(capsys, tmp_path / "没有的文件夹" / "材料.docx")
    assert status == 2
    assert "输出文件夹" in said and "不存在" in said
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="需要 Linux /proc")
def test_a_folder_that_takes_no_new_files_is_not_called_missing(capsys):
    """/proc exists, but creating a file there fails with ENOENT."""
    status, said = render(capsys, Path("/proc") / "材料.docx")
    assert status == 2
    assert "无法在文件夹 /proc 中新建文件（这个位置不接受新文件）。请换一个位置。" in said


def test_output_path_that_is_a_folder_is_reported(capsys, tmp_path):
    folder = tmp_path / "材料.docx"
    folder.mkdir()
    (folder / "里面的文件.txt").write_bytes(EARLIER)
    status, said = render(capsys, folder, "--force")
    assert status == 2
    assert "是一个文件夹" in said
    assert [p.name for p in folder.iterdir()] == ["里面的文件.txt"]
    assert (folder / "里面的文件.txt").read_bytes() == EARLIER


def test_new_files_get_ordinary_permissions(capsys, tmp_path):
    """Colleagues on a shared folder can read the draft (a temp file starts owner-only)."""
    if not POSIX:
        pytest.skip("POSIX 权限")
    umask = os.umask(0o022)
    try:
        status, _ = render(capsys, tmp_path / "材料.docx")
    finally:
        os.umask(umask)
    assert status == 0
    assert (tmp_path / "材料.docx").stat().st_mode & 0o777 == 0o644


def test_a_replaced_file_keeps_its_permissions(capsys, target):
    if not POSIX:
        pytest.skip("POSIX 权限")
    target.chmod(0o640)
    status, _ = render(capsys, target, "--force")
    assert status == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert_valid_docx(target.read_bytes())


# ------------------------------------------------------------------ preview writes the same way


@pytest.mark.skipif(not POSIX, reason="需要 POSIX shell")
def test_preview_disk_full_keeps_the_earlier_pdf(monkeypatch, capsys, tmp_path):
    from drafter.render.pipeline import render_file

    _, docx_path, _ = render_file("kexie", EXAMPLE, str(tmp_path / "材料.docx"))
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(EARLIER)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake_soffice(tmp_path)))
    monkeypatch.setattr(drafter.files.output.os, "fsync", lambda fd: (_ for _ in ()).throw(
        oserror(errno.ENOSPC)))
    assert main(["preview", str(docx_path), "--force"]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "Traceback" not in err
    assert pdf.read_bytes() == EARLIER
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["材料.docx", "材料.pdf", "fake-soffice"])


# ------------------------------------------------------------------ batches


def answers_folder(folder: Path, count: int) -> Path:
    folder.mkdir()
    base = EXAMPLE.read_text(encoding="utf-8")
    for index in range(count):
        text = base.replace("org_short: 县科协", f"org_short: 第{index}县科协", 1)
        (folder / f"{index:03d}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_fault_in_the_middle_of_a_batch_fails_that_file_alone(monkeypatch, capsys, tmp_path):
    answers = answers_folder(tmp_path / "答案", 4)
    out = tmp_path / "输出"
    calls = []
    real_fsync = os.fsync

    def third_is_full(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise oserror(errno.ENOSPC)
        real_fsync(fd)

    monkeypatch.setattr(drafter.files.output.os, "fsync", third_is_full)
    status = main(["render", "kexie", "--answers", str(answers), "--out-dir", str(out), "-j", "1"])
    captured = capsys.readouterr()
    assert status == 2
    assert "磁盘空间不足" in captured.err and "Traceback" not in captured.err
    written = sorted(out.iterdir())
    assert len(written) == 3  # the other three are complete; no temporary file is left
    for path in written:
        assert not path.name.startswith(".")
        assert_valid_docx(path.read_bytes())


@pytest.mark.skipif(not POSIX, reason="需要 POSIX 信号")
def test_a_batch_killed_outright_leaves_no_half_written_draft(tmp_path):
    """SIGKILL gives no chance to clean up: still, every file under a draft's name is whole."""
    answers = answers_folder(tmp_path / "答案", 80)
    out = tmp_path / "输出"
    process = subprocess.Popen(
        [sys.executable, "-m", "drafter", "render", "kexie", "--answers", str(answers),
         "--out-dir", str(out), "-j", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if out.is_dir() and any(p.suffix == ".docx" for p in out.iterdir()):
                break
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    drafts = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert drafts, "the batch wrote nothing before it was killed"
    for path in drafts:
        assert path.suffix == ".docx"
        assert_valid_docx(path.read_bytes())
    for leftover in (p for p in out.iterdir() if p.name.startswith(".")):
        assert leftover.name.endswith(".tmp")  # hidden temporaries only, never a draft's name


# ------------------------------------------------------------------ the questionnaire


@pytest.mark.skipif(not POSIX, reason="需要 POSIX 伪终端")
def test_resume_file_survives_kill_9_mid_questionnaire(tmp_path):
    """`drafter new` killed outright while a question waits: the answers given are on disk."""
    from pty_helpers import CTRL_U, ENTER, TEMPLATE, Terminal

    terminal = Terminal([str(TEMPLATE), "-o", "材料.docx"], cwd=tmp_path,
                        state_dir=tmp_path / "state")
    try:
        terminal.answer("材料年份", CTRL_U + "2023" + ENTER)
        terminal.answer("单位全称", "青川县𠀀科学技术协会🎉", ENTER)
        terminal.answer("单位简称", CTRL_U + "县科协" + ENTER)
        terminal.answer("全年科普活动场次", "88", ENTER)
        terminal.expect("是否建有院士专家工作站")
        terminal.child.kill(signal.SIGKILL)
        terminal.child.wait()
    finally:
        terminal.close()
    folder = tmp_path / "state" / "resume"
    saved = yaml.safe_load((folder / "interview-test.yaml").read_text(encoding="utf-8"))
    assert saved["answers"] == {"year": 2023, "org_full_name": "青川县𠀀科学技术协会🎉",
                                "org_short": "县科协", "events": 88}
    assert not (tmp_path / "材料.docx").exists()


SAVER = """
import sys
from drafter.interview import resume
from drafter.templates.loader import load_template

template = load_template(sys.argv[1])
n = 0
while True:
    n += 1
    resume.save(template, {"year": 2024, "org_full_name": "青川县" + "科" * (n % 37),
                           "org_short": "县科协", "events": n})
    print(n, flush=True)
"""


@pytest.mark.skipif(not POSIX, reason="需要 POSIX 信号")
def test_resume_file_is_whole_whenever_the_process_dies(tmp_path):
    """Kill a process that saves answers over and over: the file is always one whole save."""
    from pty_helpers import TEMPLATE

    from drafter.interview import resume
    from drafter.templates.loader import load_template

    env = dict(os.environ, DRAFTER_STATE_DIR=str(tmp_path / "state"))
    process = subprocess.Popen([sys.executable, "-c", SAVER, str(TEMPLATE)], env=env,
                               stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if int(line) >= 200:
                break
    finally:
        process.kill()  # SIGKILL, most likely in the middle of a save
        process.wait()
        process.stdout.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAFTER_STATE_DIR", str(tmp_path / "state"))
        saved = resume.load(load_template(str(TEMPLATE)))
    assert saved is not None and not saved.notice and not saved.dropped
    n = saved.values["events"]
    assert n >= 200
    assert saved.values["org_full_name"] == "青川县" + "科" * (n % 37)
    assert saved.values["year"] == 2024


def test_temporary_files_are_named_so_batches_can_find_them(tmp_path):
    """atomic_write's temporaries are hidden and end in .tmp (the batch sweeps them)."""
    seen = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        seen.append(Path(name).name)
        return fd, name

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(drafter.files.output.tempfile, "mkstemp", spy)
        drafter.files.output.atomic_write_text(tmp_path / "材料.txt", "正文")
    assert seen and seen[0].startswith(".材料.txt.") and seen[0].endswith(".tmp")
