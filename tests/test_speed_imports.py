"""`drafter --help` and `--version` must stay instant: no heavy library is imported.

Checked by looking at sys.modules in a fresh interpreter, never by timing.
"""

import json
import subprocess
import sys

import pytest

HEAVY = ("jinja2", "yaml", "docx", "lxml", "questionary", "prompt_toolkit", "docxtpl", "flask",
         "werkzeug", "selenium")

PROBE = """
import json, sys
from drafter.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(HEAVY)))
print(json.dumps(heavy), file=sys.stderr)
"""


def imported_heavy(*argv: str) -> list[str]:
    code = PROBE.replace("json.loads(HEAVY)", f"json.loads({json.dumps(json.dumps(HEAVY))})")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("--version",), ("render", "--help"), ("format", "--help"), ("serve", "--help"),
     ()],
    ids=["help", "version", "render-help", "format-help", "serve-help", "no-args"],
)
def test_help_and_version_import_nothing_heavy(argv):
    assert imported_heavy(*argv) == []


def test_the_probe_does_see_heavy_imports():
    """Guards the test itself: a command that needs jinja2 is seen importing it."""
    assert "jinja2" in imported_heavy("render", "no-such-template", "--answers", "x.yaml")


def test_render_never_imports_the_web_framework(tmp_path):
    """Only `drafter serve` pays for Flask: a real render of the example stays without it."""
    from conftest import REPO

    heavy = imported_heavy("render", "kexie", "--answers", str(REPO / "examples" / "kexie.yaml"),
                           "-o", str(tmp_path / "材料.docx"))
    assert "jinja2" in heavy
    assert not {"flask", "werkzeug"} & set(heavy)
