"""How much two counties' drafts from the same template read alike (issue 17).

The measure: the share of a draft's characters that lie in a run of 12 or more
characters which also occurs in the other draft. Runs never cross a paragraph
boundary; whitespace does not count. Two counties reading their drafts at the
same meeting should share at most 40 %.

For every organisation template, the examples that use it (examples/<id>.yaml
and examples/<id>-*.yaml) are rendered in both genres (书面交流材料 and 口头交流发言,
whatever genre the file itself asks for) and compared pairwise:

    python benchmarks/overlap.py            # table of figures
    python benchmarks/overlap.py --check    # exit 1 if any pair shares more than 40 %
"""

from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
RUN = 12
LIMIT = 0.40
GENRES = {"written": "书面", "spoken": "口头"}


def paragraphs(document) -> list[str]:
    """The draft's text, one string per block, whitespace removed."""
    return ["".join(line.split()) for line in document.plain_lines()]


def shared_fraction(mine: list[str], theirs: list[str], run: int = RUN) -> float:
    """Share of `mine`'s characters inside a run of `run`+ characters also found in `theirs`."""
    grams = {text[i:i + run] for text in theirs for i in range(len(text) - run + 1)}
    total = covered = 0
    for text in mine:
        marked = [False] * len(text)
        for i in range(len(text) - run + 1):
            if text[i:i + run] in grams:
                marked[i:i + run] = [True] * run
        total += len(text)
        covered += sum(marked)
    return covered / total if total else 0.0


def render(example: Path, genre: str):
    """The example's draft in `genre`, rendered through the library like `drafter render`."""
    from drafter.interview.answers import read_answers
    from drafter.render.pipeline import draft_from_answers
    from drafter.templates.loader import load_template

    answers = read_answers(example)
    answers.values["genre"] = genre
    return draft_from_answers(load_template(answers.template_id), answers).document


def example_groups() -> dict[str, list[Path]]:
    """Template id → its example answers files, for templates with two or more."""
    from drafter.interview.answers import read_answers

    groups: dict[str, list[Path]] = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        groups.setdefault(read_answers(path).template_id, []).append(path)
    return {template: paths for template, paths in groups.items() if len(paths) > 1}


def figures() -> list[tuple[str, str, str, str, float, float]]:
    """(template, genre, example a, example b, a's share, b's share) for every pair."""
    rows = []
    for template, paths in example_groups().items():
        for genre in GENRES:
            texts = {path: paragraphs(render(path, genre)) for path in paths}
            for a, b in combinations(paths, 2):
                rows.append((template, genre, a.stem, b.stem,
                             shared_fraction(texts[a], texts[b]),
                             shared_fraction(texts[b], texts[a])))
    return rows


def main(argv: list[str]) -> int:
    rows = figures()
    print(f"{'模板':<10}{'体裁':<6}{'示例甲':<20}{'示例乙':<20}{'甲与乙相同':>10}{'乙与甲相同':>10}")
    worst = 0.0
    for template, genre, a, b, ab, ba in rows:
        worst = max(worst, ab, ba)
        print(f"{template:<10}{GENRES[genre]:<6}{a:<20}{b:<20}{ab:>10.1%}{ba:>10.1%}")
    print(f"最高 {worst:.1%}（上限 {LIMIT:.0%}，以连续 {RUN} 字以上相同计）")
    if "--check" in argv and worst > LIMIT:
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
