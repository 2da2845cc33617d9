"""Template and answers files are size-capped before they are read (issue 16, item 8).

A 300 MB template.yaml, a large file beside a template, `--answers /dev/zero`:
each is refused (or left unread) without the memory reading it would cost.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from template_helpers import write_template

from drafter.cli import main
from drafter.errors import UserError
from drafter.files.inputs import MAX_TEXT_FILE, decode_text, read_bytes, read_text
from drafter.templates.check import check_template, ensure_renderable
from drafter.templates.loader import discover_all, load_template, load_with_problems

REPO = Path(__file__).parent.parent


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as stream:
        stream.truncate(size)
    return path


def test_answers_from_dev_zero_are_refused_with_the_size_not_called_a_folder(capsys):
    code = main(["render", "kexie", "--answers", "/dev/zero", "-o", "-"])
    err = capsys.readouterr().err
    assert code == 2
    assert "答案文件 /dev/zero 超过 8 MB，已拒绝读取。答案文件通常只有几十 KB，请检查是否选错了文件。" in err
    assert "文件夹" not in err and "Traceback" not in err


def test_the_cap_holds_for_a_file_whose_size_is_known_before_reading(tmp_path):
    big = sparse(tmp_path / "big.yaml", MAX_TEXT_FILE + 1)
    with pytest.raises(UserError) as info:
        read_text(big, "答案文件")
    assert info.value.message == (f"答案文件 {big} 超过 8 MB，已拒绝读取。"
                                  "答案文件通常只有几十 KB，请检查是否选错了文件。")
    exact = sparse(tmp_path / "exact.yaml", MAX_TEXT_FILE)
    assert len(read_bytes(exact, limit=MAX_TEXT_FILE)) == MAX_TEXT_FILE


def test_a_folder_is_still_called_a_folder(tmp_path):
    with pytest.raises(UserError) as info:
        read_text(tmp_path, "答案文件")
    assert info.value.message == f"答案文件应当是文件，但 {tmp_path} 是一个文件夹。"


def test_a_300_mb_template_yaml_is_refused_within_a_small_memory_budget(tmp_path):
    folder = write_template(tmp_path)
    sparse(folder / "template.yaml", 300 * 1024 * 1024)
    code = textwrap.dedent("""\
        import resource, sys
        from drafter.cli import main
        limit = 400 * 1024 * 1024 + int(open("/proc/self/statm").read().split()[0]) * 4096
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.exit(main(["templates", "check", sys.argv[1]]))
    """)
    result = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "模板元数据" in result.stdout and "超过 8 MB，已拒绝读取" in result.stdout
    assert "MemoryError" not in result.stderr


def test_every_template_file_is_capped(tmp_path):
    folder = write_template(tmp_path)
    questions = (folder / "questions.yaml").read_bytes()
    sparse(folder / "questions.yaml", MAX_TEXT_FILE + 1)
    _, problems = load_with_problems(str(folder))
    assert [(p.code, p.file) for p in problems] == [("file", str(folder / "questions.yaml"))]
    assert "问题清单" in problems[0].message and "超过 8 MB" in problems[0].message
    (folder / "questions.yaml").write_bytes(questions)
    sparse(folder / "outline.j2", MAX_TEXT_FILE + 1)
    [problem] = check_template(folder)
    assert problem.code == "file" and problem.message.startswith("提纲文件")
    assert "超过 8 MB" in problem.message


def test_discovery_does_not_read_a_huge_template_yaml(tmp_path):
    folder = write_template(tmp_path)
    sparse(folder / "template.yaml", 300 * 1024 * 1024)
    assert [(i, f) for i, f, _ in discover_all([tmp_path])][0] == ("tpl", folder)


@pytest.mark.skipif(not hasattr(sys, "addaudithook"), reason="needs audit hooks")
def test_only_the_files_a_template_uses_are_read_for_the_clean_check(tmp_path, monkeypatch):
    """Every file under the template folders used to be read and hashed on every render
    (a sparse 1.5 GB backup cost 3 GB of memory); now only the files the check used."""
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    folder = write_template(tmp_path)
    (folder / "notes").mkdir()
    huge = sparse(folder / "notes" / "backup.bin", 64 * 1024 * 1024)
    (folder / "草稿.j2").write_text("旧稿\n", encoding="utf-8")
    opened: list[str] = []
    watching = [True]

    def audit(event, args):
        if watching[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(audit)
    try:
        template = load_template(str(folder))
        assert ensure_renderable(template) == []  # cold: the check runs and is recorded
        assert ensure_renderable(template) == []  # warm: the record is verified
    finally:
        watching[0] = False
    assert str(huge) not in opened and str(folder / "草稿.j2") not in opened
    assert str(folder / "outline.j2") in opened


def test_an_edited_used_file_reruns_the_check_and_an_unused_one_does_not(tmp_path, monkeypatch):
    import drafter.templates.check as template_check

    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    folder = write_template(tmp_path)
    template = load_template(str(folder))
    assert ensure_renderable(template) == []
    runs = []
    real = template_check.check_loaded
    monkeypatch.setattr(template_check, "check_loaded",
                        lambda *a, **k: runs.append(1) or real(*a, **k))
    (folder / "notes.txt").write_text("随手记\n", encoding="utf-8")
    assert ensure_renderable(template) == [] and runs == []
    (folder / "outline.j2").write_text("# {{ org }}材料\n\n{{ org }}认真履职。\n", encoding="utf-8")
    assert ensure_renderable(template) == [] and runs == [1]
    (folder / "part.j2").write_text("x\n", encoding="utf-8")  # not looked for: no rerun
    assert ensure_renderable(template) == [] and runs == [1]



def test_templates_installed_with_drafter_are_not_checked_again_but_copies_are(
        tmp_path, monkeypatch):
    """The built-in templates in a wheel were checked by this test suite before release:
    a first render skips the check (most of its time). A copy, or a child of a built-in
    template, is a user's template and is checked."""
    import shutil

    import drafter.templates.check as template_check
    from drafter.render.pipeline import load_checked_template
    from drafter.templates import loader

    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "packaged_template_dir", lambda: (REPO / "templates").resolve())
    runs = []
    real = template_check.check_loaded
    monkeypatch.setattr(template_check, "check_loaded",
                        lambda template, *a, **k: runs.append(template.id) or real(template, *a, **k))
    assert load_checked_template("kexie") == (load_template("kexie"), [])
    assert runs == []
    for name in ("six-adherences", "kexie"):
        shutil.copytree(REPO / "templates" / name, tmp_path / "mine" / name)
    load_checked_template(str(tmp_path / "mine" / "kexie"))
    child = write_template(tmp_path, "child", meta="extends: kexie\n", questions="questions: []\n",
                           outline='{% extends "kexie/outline.j2" %}\n')
    assert loader.load_template(str(child)).shipped is False
    assert runs == ["kexie"]

# ---------------------------------------------------------------- decoding texts


@pytest.mark.parametrize(("data", "encoding", "bom"), [
    ("正文𠀀".encode(), "utf-8", False),
    ("\ufeff正文𠀀".encode(), "utf-8", True),
    ("\ufeff正文𠀀".encode("utf-16-le"), "utf-16", True),
    ("\ufeff正文𠀀".encode("utf-16-be"), "utf-16", True),
    ("正文𠀀".encode("gb18030"), "gb18030", False),
])
def test_texts_are_decoded_the_way_offices_save_them(data, encoding, bom):
    decoded = decode_text(data, "a.txt")
    assert (decoded.text, decoded.encoding, decoded.bom) == ("正文𠀀", encoding, bom)
    assert decoded.notes("a.txt") == (
        ["a.txt 不是 UTF-8 编码，已按 GBK（GB18030）读取。"] if encoding == "gb18030" else [])


@pytest.mark.parametrize(("data", "message"), [
    ("正文\n".encode() + b"\x80\x80\xff",
     "a.txt 既不是 UTF-8 也不是 GBK 编码（第 2 行附近有无法识别的字节）。请在编辑器中另存为 UTF-8 后再试。"),
    (b"\xff\xfeA",
     "a.txt 以 UTF-16 标记开头，但内容无法按 UTF-16 读取，文件可能已损坏。请在编辑器中另存为 UTF-8 后再试。"),
])
def test_undecodable_texts_are_a_user_error(data, message):
    with pytest.raises(UserError) as info:
        decode_text(data, "a.txt")
    assert info.value.message == message


def test_format_and_check_read_a_damaged_utf16_file_alike(tmp_path, capsys):
    """Bug: `format` decoded UTF-16 without catching the error (a traceback) while `check`
    said what was wrong; both now decode with drafter.files.inputs.decode_text."""
    source = tmp_path / "a.txt"
    source.write_bytes(b"\xff\xfe" + "正文".encode("utf-16-le") + b"A")
    for argv in (["format", str(source), "-o", str(tmp_path / "b.txt")], ["check", str(source)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "以 UTF-16 标记开头，但内容无法按 UTF-16 读取" in err and "Traceback" not in err


def test_format_and_check_say_the_same_about_a_gbk_file(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_bytes("标题\n\n为群众效劳。\n".encode("gbk"))
    note = f"{source} 不是 UTF-8 编码，已按 GBK（GB18030）读取。"
    main(["format", str(source), "-o", str(tmp_path / "b.txt")])
    assert note in capsys.readouterr().err
    main(["check", str(source)])
    captured = capsys.readouterr()
    assert note in captured.out + captured.err
