"""Files a template names in template.yaml stay inside the template folders (issue 16, item 4).

`reference_docx:` and `style:` (and the `extends:` of a template's style file) follow
the rule `{% include %}` follows: no absolute path, no `..`, no symlink out. A refused
file is never read: its contents reach neither the draft nor any message.
"""

import os
from pathlib import Path

import docx
import pytest
from template_helpers import write_template

from drafter.cli import main
from drafter.errors import TemplateError, UserError
from drafter.render.pipeline import resolve_style
from drafter.templates.check import check_template
from drafter.templates.loader import load_template, load_with_problems

PRIVATE_HEADER = "机密：另一个部门的抬头"
PRIVATE_KEY = "另一个部门的机密设置"


def make_template(root: Path, meta: str = "", folder_name: str = "tpl") -> Path:
    return write_template(root, folder_name, meta)


def private_docx(path: Path) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = PRIVATE_HEADER
    document.save(str(path))
    return path


def private_yaml(path: Path) -> Path:
    path.write_text(f"{PRIVATE_KEY}: 1\npage: 不是映射\n", encoding="utf-8")
    return path


def render_cli(root: Path, folder: Path, capsys) -> tuple[int, str, Path]:
    answers = root / "answers.yaml"
    answers.write_text("org: 安澜县科协\n", encoding="utf-8")
    out = root / "out.docx"
    code = main(["render", str(folder), "--answers", str(answers), "-o", str(out), "--force"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err, out


def all_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as package:
        return "".join(package.read(name).decode("utf-8", "replace")
                       for name in package.namelist())


# ---------------------------------------------------------------- reference_docx


def outside_reference(root: Path, how: str) -> str:
    secret = private_docx(root / "private.docx")
    if how == "parent_dir":
        return "../private.docx"
    if how == "nested_parent_dir":
        return "sub/../../private.docx"
    if how == "absolute":
        return str(secret)
    if how == "symlink":
        (root / "tpl").mkdir(exist_ok=True)
        (root / "tpl" / "house.docx").symlink_to(secret)
        return "house.docx"
    raise AssertionError(how)


REFERENCE_CASES = ["parent_dir", "nested_parent_dir", "absolute", "symlink"]


@pytest.mark.parametrize("how", REFERENCE_CASES)
def test_a_reference_docx_outside_the_folder_is_refused(tmp_path, capsys, how):
    value = outside_reference(tmp_path, how)
    folder = make_template(tmp_path, f"reference_docx: {value}\n")
    template, problems = load_with_problems(str(folder))
    [problem] = problems
    assert (problem.code, problem.file, problem.line) == ("trust", str(folder / "template.yaml"), 4)
    assert problem.message.startswith(f"reference_docx（参考文档（版式来源））“{value}”指向模板文件夹以外，已拒绝。")
    assert template.reference_docx is None  # never read, not even by the library
    with pytest.raises(TemplateError):
        load_template(str(folder))
    code, text, out = render_cli(tmp_path, folder, capsys)
    assert code == 2 and "Traceback" not in text and "指向模板文件夹以外" in text
    assert not out.exists()
    assert PRIVATE_HEADER not in text
    assert main(["templates", "check", str(folder)]) == 1


def test_a_reference_docx_inside_the_folder_is_used(tmp_path, capsys):
    folder = make_template(tmp_path, "reference_docx: house/抬头.docx\n")
    (folder / "house").mkdir()
    private_docx(folder / "house" / "抬头.docx")
    assert check_template(folder) == []
    code, text, out = render_cli(tmp_path, folder, capsys)
    assert code == 0, text
    assert PRIVATE_HEADER in all_text(out)  # here it is the team's own letterhead


def test_a_child_inherits_its_parents_reference_docx_from_the_parents_folder(tmp_path, capsys):
    parent = make_template(tmp_path, "reference_docx: 抬头.docx\n", "base")
    private_docx(parent / "抬头.docx")
    child = tmp_path / "child"
    child.mkdir()
    (child / "template.yaml").write_text("id: child\ntitle: 子模板\nextends: base\n",
                                         encoding="utf-8")
    template = load_template(str(child), [tmp_path])
    assert template.reference_docx == parent / "抬头.docx"


# ---------------------------------------------------------------- style


@pytest.mark.parametrize("how", ["parent_dir", "absolute", "symlink"])
def test_a_style_file_outside_the_folder_is_refused(tmp_path, capsys, how):
    secret = private_yaml(tmp_path / "private.yaml")
    folder = make_template(tmp_path)
    value = {"parent_dir": "../private.yaml", "absolute": str(secret),
             "symlink": "版式.yaml"}[how]
    if how == "symlink":
        (folder / "版式.yaml").symlink_to(secret)
    with (folder / "template.yaml").open("a", encoding="utf-8") as meta:
        meta.write(f"style: {value}\n")
    findings = check_template(folder)
    assert [p.code for p in findings] == ["trust"]
    assert "style（版式" in findings[0].message and "指向模板文件夹以外" in findings[0].message
    code, text, out = render_cli(tmp_path, folder, capsys)
    assert code == 2 and "Traceback" not in text and "指向模板文件夹以外" in text
    assert PRIVATE_KEY not in text and not out.exists()


def test_a_style_file_that_extends_a_file_outside_is_refused(tmp_path, capsys):
    private_yaml(tmp_path / "private.yaml")
    folder = make_template(tmp_path, "style: 版式.yaml\n")
    (folder / "版式.yaml").write_text("extends: ../private.yaml\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        resolve_style(load_template(str(folder)))
    assert "extends“../private.yaml”指向模板文件夹以外" in info.value.message
    [finding] = check_template(folder)
    assert "指向模板文件夹以外" in finding.message
    code, text, out = render_cli(tmp_path, folder, capsys)
    assert code == 2 and PRIVATE_KEY not in text and "Traceback" not in text


def test_a_style_file_in_the_folder_and_a_builtin_name_both_work(tmp_path, capsys):
    folder = make_template(tmp_path, "style: 版式.yaml\n")
    (folder / "版式.yaml").write_text("extends: gongwen\n", encoding="utf-8")
    assert check_template(folder) == []
    assert resolve_style(load_template(str(folder))) == folder / "版式.yaml"
    code, text, out = render_cli(tmp_path, folder, capsys)
    assert code == 0, text
    plain = make_template(tmp_path, "style: gongwen\n", "plain")
    assert resolve_style(load_template(str(plain))) == "gongwen"


def test_a_style_file_that_is_missing_is_named_not_looked_up_elsewhere(tmp_path, capsys,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    private_yaml(tmp_path / "版式.yaml")  # in the working folder, not the template's
    folder = make_template(tmp_path / "templates", "style: 版式.yaml\n")
    with pytest.raises(UserError) as info:
        resolve_style(load_template(str(folder)))
    assert info.value.message.startswith("找不到模板 tpl 的版式文件“版式.yaml”")
    assert os.path.exists(tmp_path / "版式.yaml")
