"""Which answers files `--answers` means: one file, or a batch (several, a folder, a pattern).

Kept apart from drafter.render.batch so that rendering one file never imports the batch machinery.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from drafter.errors import UserError

ANSWERS_SUFFIXES = (".yaml", ".yml")


def _is_pattern(spec: str) -> bool:
    return glob.has_magic(spec) and not Path(spec).exists()


def is_batch(specs: Sequence[str]) -> bool:
    """Several answers files, a folder or a pattern: anything but one plain file."""
    return len(specs) != 1 or Path(specs[0]).is_dir() or _is_pattern(specs[0])


def collect_answers(specs: Sequence[str]) -> list[Path]:
    """Expand files, folders (their *.yaml) and glob patterns; drop repeats, keep order."""
    found: list[Path] = []
    problems: list[str] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            matches = sorted(p for p in path.iterdir()
                             if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file()
                             and not p.name.startswith("."))
            if not matches:
                problems.append(f"文件夹 {path} 中没有答案文件（.yaml）。")
        elif _is_pattern(spec):
            matches = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not matches:
                problems.append(f"没有与“{spec}”匹配的答案文件。")
        else:
            matches = [path]  # a missing file fails on its own, with the reader's message
        found.extend(matches)
    if problems:
        raise UserError("\n".join(problems) + "\n请检查 --answers 后面的文件名、文件夹或通配符；未生成任何文件。")
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique
