"""Templates are other people's files: escapes, file reads and bombs are refused clearly.

Each attack is tried twice: through the command line (exit status, a Chinese
message naming the file and line, no traceback) and through the render library
itself, so the sandbox holds even where no check runs first.
"""

import os
from pathlib import Path

import pytest

import drafter.render.engine
import drafter.render.sandbox
from drafter.cli import main
from drafter.errors import SandboxError, TemplateError
from drafter.render.engine import render_document
from drafter.templates.loader import load_template

ESCAPES = {
    "mro": "{{ org.__class__.__mro__ }}",
    "getitem": "{{ org['__class__'] }}",
    "cycler_globals": "{{ cycler.__init__.__globals__ }}",
    "template_reference": "{{ self._TemplateReference__context }}",
    "lipsum_globals": "{{ lipsum.__globals__ }}",
    "format_string": '{{ "{0.__class__}".format(org) }}',
    "format_map": '{{ "{x.__class__}".format_map({"x": org}) }}',
    "attr_filter": "{{ org|attr('__class__') }}",
    "attr_format": "{{ ('{0.__class__}'|attr('format'))(org) }}",
    "loop_internals": "{% for x in [1] %}{{ loop._iterator }}{% endfor %}",
    "namespace_attrs": "{% set ns = namespace() %}{{ ns._Namespace__attrs }}",
    "macro_func": "{% macro m() %}{% endmacro %}{{ m._func.__globals__ }}",
}

BOMBS = {
    "multiply": '{{ "x" * 10**9 }}',
    "multiply_literal": '{{ "x" * 1000000000 }}',
    "list_multiply": "{{ ([1] * 1000000000)|length }}",
    "power": "{{ 10 ** 100000 }}",
    "power_of_powers": "{{ (10 ** 10) ** (10 ** 10) }}",
    "center": "{{ org|center(1000000000) }}",
    "ljust": "{{ org.ljust(1000000000) }}",
    "format_width": '{{ "{:>1000000000}".format(org) }}',
    "percent_width": '{{ "%1000000000s" % org }}',
    "replace": '{{ ("x" * 1000)|replace("", "y" * 100000) }}',
    "join": '{{ ("x" * 100000).join(["a"] * 1000) }}',
    "doubling": ("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"),
    "nested_lists": ("{% set ns = namespace(a=['x']) %}{% for i in range(40) %}"
                     "{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a|string|length }}"),
    "printing_loops": ('{% for i in range(10000) %}{% for j in range(10000) %}'
                       '{{ org }}{% endfor %}{% endfor %}'),
    "big_pieces": '{% for i in range(10000) %}{{ "x" * 1000 }}{% endfor %}',
    "captured": ('{% set s %}{% for i in range(1000) %}{{ "x" * 10000 }}{% endfor %}'
                 '{% endset %}{{ s|length }}'),
    "silent_loops": ('{% for i in range(10000) %}{% for j in range(10000) %}'
                     '{% endfor %}{% endfor %}'),
    "recursive_macro": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
                        "{% endmacro %}{{ f(40) }}"),
    "recursive_loop": "{% for x in [1] recursive %}{{ loop(range(10000)) }}{% endfor %}",
    "float_overflow": "{{ 2.0 ** 100000 }}",
}


def make_template(root: Path, outline: str, name: str = "attack") -> Path:
    """A one-question template whose outline is `outline` on its third line."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(f"id: {name}\ntitle: 攻击测试\n", encoding="utf-8")
    (folder / "questions.yaml").write_text(
        "questions:\n  - name: org\n    type: text\n    label: 单位名称\n    required: true\n",
        encoding="utf-8")
    (folder / "outline.j2").write_text(f"# {{{{ org }}}}材料\n\n{outline}\n", encoding="utf-8")
    return folder


def render_cli(tmp_path: Path, folder: Path, capsys) -> tuple[int, str]:
    answers = tmp_path / "answers.yaml"
    answers.write_text("org: 安澜县科协\n", encoding="utf-8")
    code = main(["render", str(folder), "--answers", str(answers), "-o", "-", "--format", "txt"])
    _, err = capsys.readouterr()
    return code, err


def assert_refused_clearly(code: int, err: str, folder: Path, line: int = 3) -> None:
    assert code != 0
    assert "Traceback" not in err
    assert err.startswith("错误：")
    assert f"{folder / 'outline.j2'}:{line}" in err or f"outline.j2:{line}" in err, err


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_python_internals_are_out_of_reach(tmp_path, capsys, name):
    folder = make_template(tmp_path, ESCAPES[name])
    code, err = render_cli(tmp_path, folder, capsys)
    assert_refused_clearly(code, err, folder)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_the_render_library_refuses_internals_itself(tmp_path, name):
    folder = make_template(tmp_path, ESCAPES[name])
    with pytest.raises((SandboxError, TemplateError)) as info:
        render_document(load_template(str(folder)), {"org": "安澜县科协"})
    assert "outline.j2:3" in info.value.message


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_stopped_quickly(tmp_path, capsys, name):
    folder = make_template(tmp_path, BOMBS[name])
    code, err = render_cli(tmp_path, folder, capsys)
    assert code != 0
    assert "Traceback" not in err
    assert str(folder) in err, err


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_render_library_stops_bombs_itself(tmp_path, name):
    folder = make_template(tmp_path, BOMBS[name])
    with pytest.raises((SandboxError, TemplateError)) as info:
        render_document(load_template(str(folder)), {"org": "安澜县科协"})
    assert str(folder) in info.value.message


def test_an_output_bomb_says_what_happened(tmp_path):
    folder = make_template(tmp_path, BOMBS["printing_loops"])
    with pytest.raises(SandboxError) as info:
        render_document(load_template(str(folder)), {"org": "安澜县科协"})
    assert "步数超过" in info.value.message or "超过" in info.value.message


def test_a_runaway_loop_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(drafter.render.sandbox, "MAX_STEPS", 10**12)
    monkeypatch.setattr(drafter.render.engine, "RENDER_SECONDS", 1)
    folder = make_template(tmp_path, BOMBS["silent_loops"])
    with pytest.raises(SandboxError) as info:
        render_document(load_template(str(folder)), {"org": "安澜县科协"})
    assert "运行超过 1 秒" in info.value.message


READS = {
    "parent_dir": '{% include "../secret.txt" %}',
    "nested_parent_dir": '{% include "attack/../../secret.txt" %}',
    "absolute": '{% include "/etc/passwd" %}',
    "import": '{% import "../secret.txt" as s %}',
    "extends": '{% extends "../secret.txt" %}',
    "computed": '{% include "..%s" % "/secret.txt" %}',
}


@pytest.mark.parametrize("name", sorted(READS))
def test_files_outside_the_template_folders_cannot_be_read(tmp_path, capsys, name):
    (tmp_path / "secret.txt").write_text("机密内容", encoding="utf-8")
    folder = make_template(tmp_path, READS[name])
    code, err = render_cli(tmp_path, folder, capsys)
    assert_refused_clearly(code, err, folder)
    assert "机密内容" not in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_pointing_outside_is_refused(tmp_path, capsys):
    (tmp_path / "secret.txt").write_text("机密内容", encoding="utf-8")
    folder = make_template(tmp_path, '{% include "part.j2" %}')
    try:
        (folder / "part.j2").symlink_to(tmp_path / "secret.txt")
    except OSError:
        pytest.skip("symbolic links are not permitted here")
    code, err = render_cli(tmp_path, folder, capsys)
    assert_refused_clearly(code, err, folder)
    assert "机密内容" not in err
    assert "模板文件夹以外" in err


def test_files_inside_the_template_folder_can_be_included(tmp_path, capsys):
    folder = make_template(tmp_path, '{% include "part.j2" %}')
    (folder / "part.j2").write_text("{{ org }}认真履行职责。\n", encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text("org: 安澜县科协\n", encoding="utf-8")
    assert main(["render", str(folder), "--answers", str(answers), "-o", "-", "--format",
                 "txt"]) == 0
    assert "安澜县科协认真履行职责。" in capsys.readouterr().out


def test_yaml_cannot_create_python_objects(tmp_path, capsys):
    folder = make_template(tmp_path, "{{ org }}")
    (folder / "questions.yaml").write_text(
        "questions:\n  - name: org\n    type: text\n"
        '    default: !!python/object/apply:os.system ["echo pwned"]\n', encoding="utf-8")
    code, err = render_cli(tmp_path, folder, capsys)
    assert code != 0
    assert "Traceback" not in err and "pwned" not in err
    assert f"{folder / 'questions.yaml'}:4" in err
    assert "python/object/apply:os.system" in err


def test_ordinary_templates_are_not_hindered(tmp_path, capsys):
    outline = ('{% set ns = namespace(n=0) %}{% for p in ["甲", "乙"] %}{% set ns.n = ns.n + 1 %}'
               '{% endfor %}{{ org ~ "共" ~ ns.n ~ "项" }}，{{ "{:,}".format(1234567) }}人次，'
               '{{ "%.1f"|format(12.345) }}%，{{ (["甲", "乙"] * 2)|join("、") }}。')
    folder = make_template(tmp_path, outline)
    answers = tmp_path / "answers.yaml"
    answers.write_text("org: 安澜县科协\n", encoding="utf-8")
    assert main(["render", str(folder), "--answers", str(answers), "-o", "-", "--format",
                 "txt"]) == 0
    assert "安澜县科协共2项，1,234,567人次，12.3%，甲、乙、甲、乙。" in capsys.readouterr().out


def test_no_leaky_globals_or_filters():
    from drafter.render.engine import make_environment

    env = make_environment(load_template(str(Path(__file__).parent / "data" / "core_template")))
    assert "lipsum" not in env.globals
    assert env.globals["range"] is drafter.render.engine._safe_range
    for name in drafter.render.sandbox.REMOVED_FILTERS:
        assert name not in env.filters
    env.filters["late"] = str.upper  # filters added later are guarded too
    assert env.filters["late"] is not str.upper
