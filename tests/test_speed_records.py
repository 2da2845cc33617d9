"""What a warm render creates at import stays cheap: records on its path are NamedTuples.

In Python 3.11 every @dataclass runs exec() once per generated method, ~1-3 ms a class
(frozen and many fields cost most), and a warm render imports some forty modules. The
check is on what is loaded, never on time.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from drafter.check import rules

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "examples" / "kexie.yaml"

PROBE = """
import json, sys
from drafter.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
found = sorted(f"{name}.{obj.__name__}" for name, module in list(sys.modules.items())
               if name.startswith("drafter") for obj in vars(module).values()
               if isinstance(obj, type) and obj.__module__ == name
               and "__dataclass_fields__" in vars(obj))
from drafter.check import dates as check_dates
from drafter.document import dates
lazy = {"dates._date_re": dates._date_re, "check.dates._patterns": check_dates._patterns}
compiled = sorted(name for name, function in lazy.items() if function.cache_info().currsize)
print(json.dumps([found, compiled]), file=sys.stderr)
"""

# The dataclasses a warm render may still create, and why each stays one.
ALLOWED = {
    "drafter.check.dated.DatedSet",  # cached_property needs an instance __dict__
    "drafter.templates.loader.Spec",  # cached_property
    "drafter.errors.Problem",  # subclassed with more fields (TemplateProblem)
    "drafter.templates.loader.TemplateProblem",
    "drafter.files.yamlio.Loaded",  # mutable records, filled in step by step
    "drafter.interview.answers.AnswersFile",
    "drafter.render.helpers._Scan",
    "drafter.render.pipeline.Draft",
}


def probe_a_render(cache: Path, out: Path) -> tuple[list[str], list[str]]:
    """The dataclasses defined by the modules a render loaded, and which of the date
    patterns compiled on first use it compiled."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "render", "kexie", "--answers", str(EXAMPLE), "-o",
         str(out), "--force"],
        capture_output=True, text=True, env={**os.environ, "DRAFTER_CACHE_DIR": str(cache)},
        check=True)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_a_warm_render_creates_only_the_listed_dataclasses(tmp_path):
    cold, _ = probe_a_render(tmp_path / "cache", tmp_path / "a.docx")
    warm, _ = probe_a_render(tmp_path / "cache", tmp_path / "a.docx")
    assert "drafter.errors.Problem" in warm  # the probe does see dataclasses
    assert set(warm) <= ALLOWED, "use a NamedTuple for a record on the render path"
    assert set(warm) < set(cold)  # the cold run checks the template: more modules


def test_a_render_told_its_date_compiles_no_date_pattern(tmp_path):
    """Reading dates from text (drafter check, format) compiles them; a render does not."""
    assert probe_a_render(tmp_path / "cache", tmp_path / "a.docx")[1] == []
    from drafter.check.dates import detect_date

    assert detect_date("标题\n\n正文。\n\n2024年5月8日").year == 2024


def test_rules_come_back_from_the_cache_unchanged():
    """The cache stores each rule as plain values and rebuilds the NamedTuple."""
    ruleset = rules.load_rules(())
    assert rules._from_plain(rules._plain(ruleset.rules)) == ruleset.rules
    assert any(rule.table for rule in ruleset.rules)
    assert any(rule.preceded_by for rule in ruleset.rules)


def test_the_han_shadow_replaces_exactly_the_ideographs_of_the_han_class():
    """han_shadow is a translate table now, not a regex over the {汉字} class: same result
    on every code point up to the end of the ideograph planes."""
    import re

    every = "".join(chr(code) for code in range(0x32000) if not 0xD800 <= code <= 0xDFFF)
    expected = re.sub(f"[{rules.CJK}]", rules.HAN_SENTINEL, every)
    assert rules.han_shadow(every) == expected
    assert rules.han_shadow("〇年A") == rules.HAN_SENTINEL * 2 + "A"
