"""`drafter templates new`: a child template ready to edit, which changes only what is edited."""

import difflib
import re
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.templates.check import check_template
from drafter.templates.loader import builtin_template_dir, load_template
from drafter.templates.outline import block_source

DATA = Path(__file__).parent / "data"
TEMPLATES = DATA / "templates"
REPO = Path(__file__).parent.parent
NEW_OPENING = "这是改写后的开头，只有这一段与上级模板不同。"


def new_child(tmp_path, parent: str, capsys, *extra: str) -> Path:
    code = main(["templates", "new", "child", "--from", parent, "--dir", str(tmp_path / "mine"),
                 *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "drafter templates check child" in out
    return tmp_path / "mine" / "child"


def render_txt(template: str, answers: Path, out: Path, *extra: str) -> list[str]:
    assert main(["render", template, "--answers", str(answers), "-o", str(out), "--format",
                 "txt", *extra]) == 0
    return out.read_text(encoding="utf-8").splitlines()


def replace_block(folder: Path, name: str, text: str) -> None:
    outline = folder / "outline.j2"
    source = outline.read_text(encoding="utf-8")
    old = block_source(source, name)
    assert old, f"block {name} was not copied into the new outline"
    new = re.sub(r"(\{%-?\s*block\s+\w+\s*-?%\}).*(\{%-?\s*endblock)",
                 lambda m: f"{m.group(1)}\n{text}\n{m.group(2)}", old, flags=re.DOTALL)
    outline.write_text(source.replace(old, new), encoding="utf-8")


def only_difference(parent: list[str], child: list[str]) -> tuple[list[str], list[str]]:
    changes = [op for op in difflib.SequenceMatcher(a=parent, b=child).get_opcodes()
               if op[0] != "equal"]
    assert len(changes) == 1, changes
    _, i1, i2, j1, j2 = changes[0]
    return parent[i1:i2], child[j1:j2]


def test_new_creates_an_editable_child_that_passes_the_check(tmp_path, capsys):
    folder = new_child(tmp_path, "mini-base", capsys, "--template-dir", str(TEMPLATES))
    assert sorted(p.name for p in folder.iterdir()) == ["outline.j2", "questions.yaml",
                                                        "template.yaml"]
    meta = (folder / "template.yaml").read_text(encoding="utf-8")
    assert "id: child" in meta and "extends: mini-base" in meta
    questions = (folder / "questions.yaml").read_text(encoding="utf-8")
    assert "#   - remove: brand" in questions  # a commented example using a real question
    assert "questions: []" in questions
    outline = (folder / "outline.j2").read_text(encoding="utf-8")
    assert '{% extends "mini-base/outline.j2" %}' in outline
    assert "{% block opening %}" in outline and "{% block s1_measures %}" in outline
    template = load_template(str(folder), [TEMPLATES])
    assert template.chain_ids == ("child", "mini-base")
    assert check_template(folder, [TEMPLATES]) == []


def test_new_refuses_to_overwrite(tmp_path, capsys):
    folder = new_child(tmp_path, "mini-base", capsys, "--template-dir", str(TEMPLATES))
    (folder / "outline.j2").write_text("我的改动\n", encoding="utf-8")
    code = main(["templates", "new", "child", "--from", "mini-base", "--dir",
                 str(tmp_path / "mine"), "--template-dir", str(TEMPLATES)])
    assert code != 0
    assert "不会覆盖" in capsys.readouterr().err
    assert (folder / "outline.j2").read_text(encoding="utf-8") == "我的改动\n"


@pytest.mark.parametrize("bad", ["新模板", "a/b", "../up", ""])
def test_new_refuses_bad_ids(tmp_path, capsys, bad):
    code = main(["templates", "new", bad, "--from", "mini-base", "--dir", str(tmp_path),
                 "--template-dir", str(TEMPLATES)])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_goes_to_the_user_folder_by_default(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from drafter.templates.loader import user_template_dir

    assert main(["templates", "new", "child", "--from", "mini-base", "--template-dir",
                 str(TEMPLATES)]) == 0
    out = capsys.readouterr().out
    assert (user_template_dir() / "child" / "template.yaml").is_file()
    assert "drafter templates check child\n" in out  # no --template-dir needed


def test_editing_one_block_changes_exactly_that_block(tmp_path, capsys):
    folder = new_child(tmp_path, "mini-base", capsys, "--template-dir", str(TEMPLATES))
    answers = TEMPLATES / "answers" / "mini-base.yaml"
    parent = render_txt("mini-base", answers, tmp_path / "parent.txt", "--template-dir",
                        str(TEMPLATES))
    unchanged = render_txt(str(folder), answers, tmp_path / "same.txt", "--template-dir",
                           str(TEMPLATES))
    assert unchanged == parent  # the copied blocks render exactly as the parent's

    replace_block(folder, "opening", NEW_OPENING)
    child = render_txt(str(folder), answers, tmp_path / "child.txt", "--template-dir",
                       str(TEMPLATES))
    old, new = only_difference(parent, child)
    assert [line.strip() for line in old] == ["县科协认真履行职责，现将主要做法报告如下。"]
    assert [line.strip() for line in new] == [NEW_OPENING]


BUILTIN_WITH_EXAMPLES = sorted(
    p.name for p in builtin_template_dir().iterdir()
    if (p / "template.yaml").is_file() and (REPO / "examples" / f"{p.name}.yaml").is_file()
)


@pytest.mark.parametrize("parent", BUILTIN_WITH_EXAMPLES)
def test_a_child_of_a_builtin_differs_only_in_the_edited_block(tmp_path, capsys, parent):
    folder = new_child(tmp_path, parent, capsys)
    assert check_template(folder) == []
    answers = REPO / "examples" / f"{parent}.yaml"
    before = render_txt(parent, answers, tmp_path / "parent.txt")
    replace_block(folder, "opening", NEW_OPENING)
    if load_template(parent).question("highlights") is not None:
        # the opening is the only place the headline achievements go: a child whose own
        # opening leaves them out removes the question, or the check reports it unused
        (folder / "questions.yaml").write_text("questions:\n  - remove: highlights\n",
                                               encoding="utf-8")
    after = render_txt(str(folder), answers, tmp_path / "child.txt")
    old, new = only_difference(before, after)
    assert len(old) == 1 and old[0].strip() and old[0].strip() != NEW_OPENING
    assert [line.strip() for line in new] == [NEW_OPENING]


def test_the_worked_example_in_the_guide_checks_clean_and_renders(tmp_path):
    """docs/templates.md turns kexie into canlian; its result lives in tests/data/templates."""
    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    assert "drafter templates new canlian --from kexie" in guide
    assert check_template("canlian", [TEMPLATES]) == []
    answers = TEMPLATES / "answers" / "canlian.yaml"
    canlian = render_txt("canlian", answers, tmp_path / "canlian.txt", "--template-dir",
                         str(TEMPLATES))
    headings = [line.strip() for line in canlian if re.match(r"\s*[一二三四五六七八九十]+、", line)]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert all("残" in h for h in headings[:2])
    kexie = render_txt("kexie", REPO / "examples" / "kexie.yaml", tmp_path / "kexie.txt")
    shared = set(canlian) & set(kexie)
    # title pattern, signature layout and blank lines may be shared; the measures are not
    assert not any(len(line.strip()) > 60 for line in shared)


# ---------------------------------------------------------------- where it cannot be written


def new_cli(tmp_path, capsys, base: Path) -> tuple[int, str]:
    code = main(["templates", "new", "child", "--from", "mini-base", "--dir", str(base),
                 "--template-dir", str(TEMPLATES)])
    return code, capsys.readouterr().err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_new_onto_an_existing_file_of_that_name_is_refused(tmp_path, capsys):
    base = tmp_path / "mine"
    base.mkdir()
    (base / "child").write_text("我的笔记\n", encoding="utf-8")
    code, err = new_cli(tmp_path, capsys, base)
    assert code == 2 and "Traceback" not in err
    assert f"{base / 'child'} 已经存在，不会覆盖。请换一个编号，或先移走这个文件。" in err
    assert (base / "child").read_text(encoding="utf-8") == "我的笔记\n"
    assert leftovers(base) == ["child"]


def test_new_with_dir_pointing_at_a_file_is_refused(tmp_path, capsys):
    base = tmp_path / "notes.txt"
    base.write_text("不是文件夹\n", encoding="utf-8")
    code, err = new_cli(tmp_path, capsys, base)
    assert code == 2 and "Traceback" not in err
    assert f"{base} 是一个文件，不是文件夹。请用 --dir 指定一个文件夹。" in err
    assert base.read_text(encoding="utf-8") == "不是文件夹\n"
    code, err = new_cli(tmp_path, capsys, base / "deeper")
    assert code == 2 and "Traceback" not in err and "同名的文件" in err


def test_new_on_a_full_disk_says_so_and_leaves_no_temporary_folder(tmp_path, capsys,
                                                                      monkeypatch):
    import errno

    base = tmp_path / "mine"
    base.mkdir()
    real = Path.write_text
    written = []

    def disk_fills_up(self, *args, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", disk_fills_up)
    code, err = new_cli(tmp_path, capsys, base)
    assert code == 2 and "Traceback" not in err
    assert f"磁盘空间不足，无法新建模板 {base / 'child'}。没有留下任何文件，请清理空间后重试。" in err
    assert written and leftovers(base) == []  # the hidden staging folder is gone too


def test_a_name_taken_while_writing_is_not_overwritten(tmp_path, monkeypatch):
    from drafter.templates import scaffold

    base = tmp_path / "mine"
    real = scaffold.scaffold_files

    def someone_else_is_quicker(*args):
        files = real(*args)
        (base / "child").mkdir(parents=True)
        (base / "child" / "theirs.txt").write_text("别人的\n", encoding="utf-8")
        return files

    monkeypatch.setattr(scaffold, "scaffold_files", someone_else_is_quicker)
    from drafter.errors import OutputError

    with pytest.raises(OutputError) as info:
        scaffold.create_child("child", "mini-base", base, [TEMPLATES])
    assert "已经存在，不会覆盖" in info.value.message
    assert leftovers(base) == ["child"] and leftovers(base / "child") == ["theirs.txt"]


def test_scaffold_text_comes_from_the_data_files():
    """The three files' wording is data (drafter/data/scaffold), not Python strings."""
    from drafter.templates import scaffold

    for name in ("template.yaml", "questions.yaml", "outline.j2"):
        assert (scaffold.SCAFFOLD_DIR / name).is_file()
    files = scaffold.scaffold_files("child", load_template("mini-base", [TEMPLATES]))
    assert files["template.yaml"].startswith("# 模板 child：在 mini-base（")
    assert "<<" not in "".join(files.values()) and "<%" not in "".join(files.values())
