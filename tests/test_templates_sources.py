"""Where templates come from, and `drafter templates list` / `show`."""

import shutil
from pathlib import Path

import pytest

from drafter.cli import main
from drafter.commands.templates import display_width
from drafter.templates.loader import (
    ENV_VAR,
    builtin_template_dir,
    discover,
    resolve,
    template_sources,
    user_template_dir,
)

DATA = Path(__file__).parent / "data"
TEMPLATES = DATA / "templates"


def copy_as(root: Path, template_id: str, title: str) -> Path:
    """A copy of mini-base under another id and title, in root/<id>."""
    folder = root / template_id
    shutil.copytree(TEMPLATES / "mini-base", folder)
    meta = folder / "template.yaml"
    text = meta.read_text(encoding="utf-8")
    text = text.replace("id: mini-base", f"id: {template_id}")
    text = text.replace("title: 测试用上级模板", f"title: {title}")
    meta.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def places(tmp_path, monkeypatch):
    """One folder for each kind of source, all holding a template with the same id."""
    dirs = {name: tmp_path / name for name in ("option", "env", "user")}
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    dirs["user"] = user_template_dir()
    work = tmp_path / "work"
    dirs["cwd"] = work / "templates"
    for name, folder in dirs.items():
        folder.mkdir(parents=True, exist_ok=True)
        copy_as(folder, "shared", f"{name} 的模板")
    monkeypatch.setenv(ENV_VAR, str(dirs["env"]))
    monkeypatch.chdir(work)
    return dirs


def test_search_order(places):
    labels = [s.label for s in template_sources([places["option"]])]
    assert labels == ["--template-dir", f"${ENV_VAR}", "当前目录", "用户目录", "内置"]


def test_template_dir_beats_everything(places):
    folder, label = resolve("shared", [places["option"]])
    assert (folder.parent, label) == (places["option"], "--template-dir")


def test_environment_variable_beats_current_directory(places):
    folder, label = resolve("shared")
    assert (folder.parent, label) == (places["env"], f"${ENV_VAR}")


def test_current_directory_beats_user_folder(places, monkeypatch):
    monkeypatch.delenv(ENV_VAR)
    folder, label = resolve("shared")
    assert (folder.parent, label) == (places["cwd"], "当前目录")


def test_user_folder_beats_builtin(places, monkeypatch):
    monkeypatch.delenv(ENV_VAR)
    shutil.rmtree(places["cwd"])
    copy_as(places["user"], "kexie", "用户自己的科协模板")
    folder, label = resolve("shared")
    assert (folder.parent, label) == (places["user"], "用户目录")
    assert resolve("kexie")[1] == "用户目录"


def test_a_user_template_can_shadow_a_builtin_from_template_dir(tmp_path):
    copy_as(tmp_path, "six-adherences", "改过的通用模板")
    assert resolve("six-adherences")[1] == "内置"
    folder, label = resolve("six-adherences", [tmp_path])
    assert (folder, label) == (tmp_path / "six-adherences", "--template-dir")


def test_a_path_is_taken_as_it_is(tmp_path):
    folder = copy_as(tmp_path, "by-path", "按路径给出的模板")
    assert resolve(str(folder)) == (folder, "路径")
    assert resolve(str(folder / "template.yaml")) == (folder, "路径")


def test_a_parent_is_found_beside_its_child(tmp_path):
    """A team's folder of templates that extend each other works when given by path."""
    from drafter.templates.loader import load_template

    copy_as(tmp_path, "team-base", "团队的上级模板")
    child = tmp_path / "team-child"
    child.mkdir()
    (child / "template.yaml").write_text("id: team-child\ntitle: 子模板\nextends: team-base\n",
                                         encoding="utf-8")
    template = load_template(str(child))
    assert template.chain_ids == ("team-child", "team-base")


def test_the_id_in_template_yaml_names_the_template(tmp_path):
    copy_as(tmp_path, "declared", "声明的编号")
    (tmp_path / "declared").rename(tmp_path / "folder-name")
    assert "declared" in discover([tmp_path])


def test_builtin_templates_are_found():
    found = discover()
    for folder in builtin_template_dir().iterdir():
        if (folder / "template.yaml").is_file():
            assert found[folder.name][1] == "内置"


def test_list_shows_id_title_version_and_source(places, capsys):
    assert main(["templates", "list", "--template-dir", str(places["option"])]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["编号", "名称", "版本", "来源", "上级模板"]
    shared = next(line for line in lines if line.startswith("shared "))
    assert shared.split() == ["shared", "option", "的模板", "1.0", "--template-dir"]
    six = next(line for line in lines if line.startswith("six-adherences "))
    assert "内置" in six
    # shadowed copies are mentioned, not listed
    assert sum(1 for line in lines if line.startswith("shared ")) == 1
    assert f"shared（${ENV_VAR}：" in out and "被--template-dir中的同名模板覆盖" in out


def test_list_columns_line_up_in_a_terminal(places, capsys):
    main(["templates", "list", "--template-dir", str(places["option"])])
    rows = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("注：")]
    # the version column starts at the same display column on every row
    starts = set()
    for row in rows[1:]:
        version_at = row.index("1.0") if "1.0" in row else None
        if version_at is not None:
            starts.add(display_width(row[:version_at]))
    assert len(starts) == 1


def test_show_lists_chain_questions_and_sections(tmp_path, capsys):
    child = tmp_path / "mini-child"
    child.mkdir()
    (child / "template.yaml").write_text(
        "id: mini-child\ntitle: 测试子模板\nversion: '0.3'\nextends: mini-base\n", encoding="utf-8")
    (child / "questions.yaml").write_text(
        "questions:\n  - name: stations\n    type: int\n    label: 服务站个数\n    after: brand\n",
        encoding="utf-8")
    (child / "outline.j2").write_text(
        '{% extends "mini-base/outline.j2" %}\n'
        "{% block s2_heading %}必须坚持服务群众，建好{{ stations }}个服务站。{% endblock %}\n",
        encoding="utf-8")
    assert main(["templates", "show", str(child), "--template-dir", str(TEMPLATES)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("测试子模板（mini-child）")
    assert "mini-child → mini-base" in out
    assert "0.3" in out
    question_rows = [line.split() for line in out.splitlines() if line.startswith("  ")
                     and line.strip()]
    names = [row[0] for row in question_rows]
    assert names[names.index("字段名") + 1:names.index("字段名") + 7] == [
        "year", "org_short", "county", "events", "brand", "stations"]
    year = next(row for row in question_rows if row[0] == "year")
    assert year[:4] == ["year", "year", "年份", "必填"] and year[-1] == "mini-base"
    stations = next(row for row in question_rows if row[0] == "stations")
    assert stations[-1] == "mini-child"
    assert "一、必须坚持党的领导，保持正确政治方向。  [block s1_heading，mini-base]" in out
    assert "二、必须坚持服务群众，建好{{ stations }}个服务站。  [block s2_heading，mini-child]" in out
    assert "本模板改写的 block：s2_heading" in out


def test_show_an_unknown_template_is_a_usage_error(capsys):
    assert main(["templates", "show", "no-such-template-anywhere"]) == 2
    assert "drafter templates list" in capsys.readouterr().err


def test_templates_without_an_action_prints_help(capsys):
    assert main(["templates"]) == 2
    assert "list" in capsys.readouterr().err


def test_list_survives_a_broken_template(tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "template.yaml").write_text("id: broken\ntitle: [没有闭合\n", encoding="utf-8")
    assert main(["templates", "list", "--template-dir", str(tmp_path)]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines()
                if line.startswith("broken "))
    assert "template.yaml 有误，请运行 drafter templates check" in line
