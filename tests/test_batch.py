"""Batch rendering: many answers files, one template, one output each, failures reported."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.render import batch
from drafter.render.batch_inputs import collect_answers

GOOD = """template: core-test
answers:
  year: 2024
  org: {org}
  events: 12
"""
BAD_TYPE = "answers:\n  year: 2024\n  org: 丁县科协\n  events: 很多\n"
BAD_YAML = "answers:\n  year: [2024\n"


def write_answers(folder: Path, **files: str) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, body in files.items():
        path = folder / f"{name}.yaml"
        path.write_text(body, "utf-8")
        paths[name] = path
    return paths


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_good_files_rendered_bad_ones_reported_with_reasons(capsys, tmp_path, core_template_dir,
                                                            jobs):
    answers = write_answers(tmp_path / "ans", a=GOOD.format(org="甲县科协"),
                            b=GOOD.format(org="乙县科协"), bad_type=BAD_TYPE, bad_yaml=BAD_YAML)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                            "--out-dir", out, "--format", "txt", "-j", jobs)
    assert code == 2
    assert sorted(p.name for p in out.iterdir()) == ["2024年乙县科协测试材料.txt",
                                                    "2024年甲县科协测试材料.txt"]
    text = (out / "2024年甲县科协测试材料.txt").read_text("utf-8")
    assert text.startswith("2024年甲县科协测试材料\n") and "甲县科协认真履行职责。" in text
    assert f"已生成：{out / '2024年甲县科协测试材料.txt'}" in stdout
    assert f"未生成：{answers['bad_type']}" in err
    assert "字段 events：“活动场次”应为整数，例如 12；“很多”不是整数。" in err
    assert f"未生成：{answers['bad_yaml']}" in err and "YAML 语法错误" in err
    assert "共 4 份，成功 2 份，失败 2 份" in err
    assert "Traceback" not in err
    assert leftovers(out) == []


def test_all_good_exits_zero_from_a_folder_and_a_glob(capsys, tmp_path, core_template_dir):
    answers = write_answers(tmp_path / "ans", a=GOOD.format(org="甲县科协"),
                            b=GOOD.format(org="乙县科协"))
    (tmp_path / "ans" / "notes.txt").write_text("不是答案文件", "utf-8")
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "render", core_template_dir, "--answers", tmp_path / "ans",
                          answers["a"], "--out-dir", out, "-f", "md")
    assert code == 0
    assert len(list(out.glob("*.md"))) == 2  # the repeated file is rendered once
    assert "批量生成完成：共 2 份，全部成功。" in stdout
    code, _, err = run(capsys, "render", core_template_dir, "--answers", f"{tmp_path}/ans/*.yaml",
                       "--out-dir", out, "-f", "md")
    assert code == 2 and err.count("已存在，未做任何改动") == 2
    code, _, _ = run(capsys, "render", core_template_dir, "--answers", f"{tmp_path}/ans/*.yaml",
                     "--out-dir", out, "-f", "md", "--force")
    assert code == 0


def test_duplicate_output_names_are_caught_before_anything_is_written(capsys, tmp_path,
                                                                      core_template_dir):
    answers = write_answers(tmp_path / "ans", one=GOOD.format(org="甲县科协"),
                            two=GOOD.format(org="甲县科协"), other=GOOD.format(org="乙县科协"))
    out = tmp_path / "out"
    code, _, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                       "--out-dir", out, "-f", "txt", "-j", "2")
    assert code == 2
    assert "会生成同名文件" in err and "未生成任何文件" in err
    assert f"2024年甲县科协测试材料.txt ← {answers['one']}、{answers['two']}" in err
    assert not out.exists()


def test_empty_folder_or_unmatched_pattern_is_an_error(capsys, tmp_path, core_template_dir):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "render", core_template_dir, "--answers", tmp_path / "empty",
                       f"{tmp_path}/nothing/*.yaml")
    assert code == 2
    assert f"文件夹 {tmp_path / 'empty'} 中没有答案文件" in err
    assert f"没有与“{tmp_path}/nothing/*.yaml”匹配的答案文件" in err


def test_batch_refuses_a_single_output_file(capsys, tmp_path, core_template_dir):
    answers = write_answers(tmp_path, a=GOOD.format(org="甲"), b=GOOD.format(org="乙"))
    code, _, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                       "-o", tmp_path / "x.docx")
    assert code == 2 and "请用 --out-dir" in err


def test_single_file_with_out_dir_uses_the_template_name(capsys, tmp_path, core_template_dir):
    answers = write_answers(tmp_path, a=GOOD.format(org="甲县科协"))
    out = tmp_path / "new" / "dir"
    code, stdout, _ = run(capsys, "render", core_template_dir, "--answers", answers["a"],
                          "--out-dir", out, "-f", "txt")
    assert code == 0
    assert (out / "2024年甲县科协测试材料.txt").is_file()
    assert "合计" in stdout  # the single-file report, not the batch summary


def test_template_after_answers_still_works(capsys, tmp_path, core_template_dir):
    answers = write_answers(tmp_path, a=GOOD.format(org="甲县科协"))
    code, stdout, _ = run(capsys, "render", "--answers", answers["a"], core_template_dir, "-o", "-",
                          "-f", "txt")
    assert code == 0 and stdout.startswith("2024年甲县科协测试材料")


def test_bad_jobs_value_is_a_usage_error(capsys, tmp_path, core_template_dir):
    with pytest.raises(SystemExit) as info:
        main(["render", str(core_template_dir), "--answers", "a.yaml", "-j", "0"])
    assert info.value.code == 2
    assert "-j 应为正整数" in capsys.readouterr().err


def test_interrupt_in_process_leaves_only_whole_files(capsys, tmp_path, core_template_dir,
                                                      monkeypatch):
    answers = write_answers(tmp_path / "ans", **{k: GOOD.format(org=f"{k}县科协")
                                                 for k in ("甲", "乙", "丙")})
    out = tmp_path / "out"
    import drafter.files.output

    calls = []
    real_fsync = os.fsync

    def fsync_then_interrupt(fd):
        calls.append(fd)
        if len(calls) == 2:  # Ctrl-C while the second file is half written
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(drafter.files.output.os, "fsync", fsync_then_interrupt)
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                            "--out-dir", out, "-f", "txt", "-j", "1")
    assert code == 130
    assert [p.name for p in out.iterdir()] == ["2024年甲县科协测试材料.txt"]
    assert "已中断：共 3 份，已生成 1 份，失败 0 份，未处理 2 份。" in err


def test_leftover_temporaries_of_unfinished_items_are_removed(tmp_path):
    target = tmp_path / "材料[1].docx"
    stale = tmp_path / f".{target.name}.abc123.tmp"
    stale.write_bytes(b"half")
    unrelated = tmp_path / ".other.docx.x.tmp"
    unrelated.write_bytes(b"")
    batch._remove_temporaries([batch.Item(tmp_path / "a.yaml", target=target)])
    assert not stale.exists() and unrelated.exists()


def test_ctrl_c_stops_a_parallel_batch_cleanly(tmp_path, core_template_dir):
    """A real Ctrl-C (SIGINT to the process group) against a two-process batch."""
    answers = tmp_path / "ans"
    write_answers(answers, **{f"a{i:03d}": GOOD.format(org=f"第{i}县科协") for i in range(400)})
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "render", str(core_template_dir), "--answers",
         str(answers), "--out-dir", str(out), "-f", "md", "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and any(out.iterdir()):
            os.killpg(proc.pid, signal.SIGINT)
            break
        time.sleep(0.005)
    stdout, stderr = proc.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert proc.returncode in (0, 130)  # 0 only if the machine finished before the signal
    if proc.returncode == 130:
        assert "已中断" in stderr
    assert leftovers(out) == []
    written = list(out.glob("*.md"))
    whole = written[0].read_text("utf-8") if written else ""
    for path in written:  # every file written is complete: same shape as a finished one
        text = path.read_text("utf-8")
        assert text.startswith("# 2024年第") and text.count("\n") == whole.count("\n")
    assert stdout.count("已生成：") == len(written)


def test_progress_only_on_a_terminal(capsys, tmp_path, core_template_dir):
    write_answers(tmp_path / "ans", a=GOOD.format(org="甲"), b=GOOD.format(org="乙"))
    code, _, err = run(capsys, "render", core_template_dir, "--answers", tmp_path / "ans",
                       "--out-dir", tmp_path / "out", "-f", "txt")
    assert code == 0 and "\r" not in err  # captured stderr is not a terminal
    stream = io.StringIO()
    progress = batch.Progress(2, "正在生成", stream, enabled=True)
    progress.start -= progress.DELAY  # as if the batch had been running for a while
    progress.update(1)
    progress.update(2, failed=1)
    progress.close()
    assert stream.getvalue() == "\r正在生成：1/2\r正在生成：2/2，失败 1 份\r\x1b[K"


def test_run_batch_as_a_library(tmp_path, core_template_dir):
    write_answers(tmp_path / "ans", a=GOOD.format(org="甲"), bad=BAD_TYPE)
    settings = batch.Settings(str(core_template_dir), fmt="txt", out_dir=tmp_path / "out")
    result = batch.run_batch(settings, collect_answers([str(tmp_path / "ans")]), jobs=1)
    assert [i.source.name for i in result.succeeded] == ["a.yaml"]
    assert [i.source.name for i in result.failed] == ["bad.yaml"]
    assert result.succeeded[0].chars > 0 and not result.interrupted


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_first_stop_signal_is_a_flag_the_second_interrupts(signame):
    """A KeyboardInterrupt raised mid-bookkeeping could lose written files from the report,
    so the first Ctrl-C (or SIGTERM, SIGHUP) is only recorded; the handlers are restored
    after."""
    signum = getattr(signal, signame)
    before = {s: signal.getsignal(s) for s in batch.STOP_SIGNALS}
    with batch._Stop() as stop:
        signal.raise_signal(signum)
        assert stop.requested and stop.signum == signum
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        assert stop.signum == signum  # the first signal is the one reported
    assert {s: signal.getsignal(s) for s in batch.STOP_SIGNALS} == before


# ------------------------------------------------------------------ one file never ends a batch


def test_a_long_cjk_name_and_an_answer_0_each_get_a_correct_name(capsys, tmp_path,
                                                                 core_template_dir):
    """90 CJK characters are 270 bytes, past the 255 a file name may have: the name is cut by
    bytes, keeping its suffix. An answer 0 stays in the name instead of vanishing."""
    template = tmp_path / "tpl"
    import shutil

    shutil.copytree(core_template_dir, template)
    yaml_path = template / "template.yaml"
    yaml_path.write_text(yaml_path.read_text("utf-8").replace(
        'output: "{{ year }}年{{ org }}测试材料"', 'output: "{{ org }}第{{ events }}场"'), "utf-8")
    long_org = "青川县" + "科" * 87
    answers = write_answers(tmp_path / "ans", long=GOOD.format(org=long_org),
                            zero=GOOD.format(org="乙县科协").replace("events: 12", "events: 0"))
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "render", template, "--answers", *answers.values(),
                            "--out-dir", out, "-f", "docx", "-j", "1")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert "乙县科协第0场.docx" in names
    (long_name,) = [n for n in names if n.startswith("青川县")]
    assert long_name.endswith(".docx") and len(long_name.encode()) <= 255
    assert long_name == "青川县" + "科" * (len(long_name) - 8) + ".docx"
    assert "批量生成完成：共 2 份，全部成功。" in stdout
    assert leftovers(out) == []


def test_a_file_name_too_long_for_the_file_system_is_a_message(capsys, tmp_path,
                                                              core_template_dir):
    answers = write_answers(tmp_path, a=GOOD.format(org="甲县科协"))
    target = tmp_path / ("材" * 90 + ".txt")
    code, _, err = run(capsys, "render", core_template_dir, "--answers", answers["a"],
                       "-o", target)
    assert code == 2 and "Traceback" not in err
    assert "文件名太长（274 字节，文件系统最多允许 255 字节" in err


def test_the_temporary_of_a_255_byte_name_fits_too(tmp_path):
    from drafter.files.output import atomic_write_text

    name = "材" * 83 + ".txt"  # 253 bytes: the temporary adds 14
    atomic_write_text(tmp_path / name, "正文")
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_in_one_file_is_reported_with_its_traceback_and_the_rest_written(
        capsys, tmp_path, core_template_dir, monkeypatch, jobs):
    import drafter.render.pipeline

    real = drafter.render.pipeline.draft_from_values

    def buggy(template, values, *args, **kwargs):
        if values["org"] == "乙县科协":
            raise ZeroDivisionError("division by zero")
        return real(template, values, *args, **kwargs)

    monkeypatch.setattr(drafter.render.pipeline, "draft_from_values", buggy)  # forked workers too
    answers = write_answers(tmp_path / "ans", **{k: GOOD.format(org=f"{k}县科协")
                                                 for k in ("甲", "乙", "丙")})
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                            "--out-dir", out, "-f", "txt", "-j", jobs)
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["2024年丙县科协测试材料.txt",
                                                    "2024年甲县科协测试材料.txt"]
    assert f"未生成：{answers['乙']}" in err
    assert "drafter 内部错误（程序缺陷，不是答案文件的问题）" in err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err
    assert "共 3 份，成功 2 份，失败 1 份，其中有 drafter 内部错误" in err
    assert stdout.count("已生成：") == 2


def test_a_worker_that_dies_fails_its_files_and_the_report_is_still_printed(
        capsys, tmp_path, core_template_dir, monkeypatch):
    import drafter.render.pipeline

    real = drafter.render.pipeline.draft_from_values

    def dies(template, values, *args, **kwargs):
        if values["org"] == "乙县科协":
            os._exit(3)  # as if the kernel killed it for lack of memory
        return real(template, values, *args, **kwargs)

    monkeypatch.setattr(drafter.render.pipeline, "draft_from_values", dies)
    answers = write_answers(tmp_path / "ans", **{k: GOOD.format(org=f"{k}县科协")
                                                 for k in ("甲", "乙", "丙")})
    code, _, err = run(capsys, "render", core_template_dir, "--answers", *answers.values(),
                       "--out-dir", tmp_path / "out", "-f", "txt", "-j", "2")
    assert code == 1
    assert f"未生成：{answers['乙']}" in err and "子进程意外退出" in err
    assert "批量生成结束：共 3 份" in err


# ------------------------------------------------------------------ signals


def children_of(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_all_end(workers: set[int], timeout: float = 10) -> None:
    """Every worker ends within `timeout`; any that does not is killed (no orphans left)."""
    deadline = time.monotonic() + timeout
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [w for w in workers if alive(w)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors


def start_batch(tmp_path: Path, template: Path, count: int, jobs: str):
    answers = tmp_path / "ans"
    write_answers(answers, **{f"a{i:03d}": GOOD.format(org=f"第{i}县科协") for i in range(count)})
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "render", str(template), "--answers", str(answers),
         "--out-dir", str(out), "-f", "md", "-j", jobs],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    return proc, out


def wait_for_output(proc, out: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and any(out.iterdir()):
            return
        time.sleep(0.005)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="需要 Linux /proc")
@pytest.mark.parametrize("signame, jobs", [("SIGTERM", "2"), ("SIGHUP", "2"), ("SIGTERM", "1")])
def test_sigterm_or_sighup_to_the_parent_alone_stops_the_batch_like_ctrl_c(
        tmp_path, core_template_dir, signame, jobs):
    """Sent to the batch process only (as `kill PID` or a service manager does): the report
    is printed, no temporary file is left, and no worker outlives it."""
    signum = getattr(signal, signame)
    proc, out = start_batch(tmp_path, core_template_dir, 400, jobs)
    wait_for_output(proc, out)
    workers = children_of(proc.pid)
    os.kill(proc.pid, signum)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        assert_all_end(workers)
    assert len(workers) == (2 if jobs == "2" else 0)
    assert "Traceback" not in stderr
    assert proc.returncode in (0, 128 + signum)  # 0 only if the batch finished first
    if proc.returncode:
        label = "收到终止信号 SIGTERM" if signame == "SIGTERM" else "终端已关闭，SIGHUP"
        assert f"已中断（{label}）：共 400 份，已生成 " in stderr
    assert leftovers(out) == []
    written = list(out.glob("*.md"))
    assert stdout.count("已生成：") == len(written)
    for path in written:
        assert path.read_text("utf-8").startswith("# 2024年第")
    assert_all_end(workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="需要 Linux /proc")
def test_workers_die_with_a_parent_killed_outright(tmp_path, core_template_dir):
    """SIGKILL gives the parent no chance to stop its pool: the workers still end."""
    proc, out = start_batch(tmp_path, core_template_dir, 400, "2")
    workers: set[int] = set()
    try:
        wait_for_output(proc, out)
        workers = children_of(proc.pid)
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert len(workers) == 2
    assert_all_end(workers)
