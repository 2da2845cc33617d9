"""How fast `drafter check` is on a realistic damaged document (issue 5: well under a second).

The document is the test text tests/data/check/damaged.txt grown to several thousand
characters: its sections repeated under fresh heading numbers, so every kind of damage
occurs many times. Reported: the cost of importing drafter.check, of loading the rules
(once per process), of checking, of applying the fixes, and of a whole `drafter check`
child process next to a bare Python start. No targets are asserted here.

    python benchmarks/bench_check.py [--repeat 20] [--chars 8000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAMAGED = REPO / "tests" / "data" / "check" / "damaged.txt"
CN = "一二三四五六七八九十"


def damaged_document(chars: int) -> str:
    """Title, sections of damaged.txt repeated with continuous heading numbers, date."""
    lines = DAMAGED.read_text(encoding="utf-8").split("\n")
    body = [line for line in lines[2:16] if line and line[0] not in CN]
    out = [lines[0], ""]
    section = 0
    while sum(len(x) for x in out) < chars:
        for paragraph in body:
            section += 1
            number = CN[section - 1] if section <= 10 else f"{section}"
            out.append(f"{number}、必须坚持服务大局，在全县发展中建功立业")
            out.append(paragraph)
    out += ["", "某某县科学技术协会", "二○二三年五月八日"]
    return "\n".join(out)


def timed(function, repeat: int) -> tuple[float, float]:
    """Median and minimum wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def child(argv: list[str], repeat: int) -> tuple[float, float]:
    return timed(lambda: subprocess.run(argv, capture_output=True, check=False), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--chars", type=int, default=8000)
    args = parser.parse_args()

    text = damaged_document(args.chars)
    start = time.perf_counter()
    import drafter.check as check
    from drafter.check.rules import load_rules

    import_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    load_rules()
    load_ms = (time.perf_counter() - start) * 1000

    findings = check.check_text(text)
    rows = [
        ("import drafter.check", import_ms, import_ms),
        (f"load {len(load_rules().rules)} rules (first check only)", load_ms, load_ms),
        ("check_text", *timed(lambda: check.check_text(text), args.repeat)),
        ("apply_fixes", *timed(lambda: check.apply_fixes(text, findings), args.repeat)),
    ]
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "damaged.txt"
        path.write_text(text, encoding="utf-8")
        floor = child([sys.executable, "-c", "import yaml"], args.repeat)
        whole = child([sys.executable, "-m", "drafter", "check", str(path)], args.repeat)
        rows += [("python -c 'import yaml' (floor)", *floor),
                 ("drafter check damaged.txt (process)", *whole)]

    high = sum(1 for f in findings if f.confidence == "high")
    print(f"document: {len(text)} characters, {text.count(chr(10)) + 1} lines, "
          f"{len(findings)} findings ({high} high)")
    print(f"{'':<44} {'median ms':>10} {'min ms':>10}")
    for name, median, low in rows:
        print(f"{name:<44} {median:10.1f} {low:10.1f}")


if __name__ == "__main__":
    main()
