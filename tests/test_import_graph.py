"""drafter's import graph (tests/import_graph.py), imports inside functions included:
no cycle, the library never imports the CLI, and no module imports another's private names."""

import subprocess
import sys
import textwrap
from pathlib import Path

import import_graph


def test_drafter_has_no_cycle_no_cli_import_and_no_private_import():
    assert import_graph.problems(import_graph.build()) == []


def test_the_script_prints_the_graph_and_says_it_is_clean():
    script = Path(import_graph.__file__)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert "drafter.templates.check → " in result.stdout
    assert result.stdout.rstrip().endswith(
        "no cycle, no library module imports drafter.commands, no private imports")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "drafter" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "drafter"


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    """The shape issue 11 found: templates → template_check → render → templates."""
    package = write(tmp_path, {
        "__init__.py": "",
        "templates.py": "def create_child():\n    from drafter.template_check import check\n",
        "template_check.py": "from drafter.render import make_environment\n",
        "render.py": "from drafter.templates import Template\n",
        "commands/__init__.py": "",
        "commands/templates.py": "from drafter.templates import _load_yaml\n",
        "pipeline.py": "def run():\n    from drafter.commands import templates\n",
        "check/__init__.py": "from drafter.check.engine import run\n",
        "check/engine.py": "from . import model\nfrom .model import CATEGORIES\n",
        "check/model.py": "CATEGORIES = ()\n",
    })
    assert import_graph.problems(import_graph.build(package)) == [
        "cycle: drafter.render ↔ drafter.template_check ↔ drafter.templates",
        "library imports the CLI: drafter.pipeline → drafter.commands.templates",
        "private import: drafter.commands.templates imports _load_yaml from drafter.templates",
    ]
    graph = import_graph.build(package)
    assert graph.edges["drafter.check.engine"] == {"drafter.check.model"}  # relative imports
