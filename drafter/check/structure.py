"""Built-in checks that need more than a pattern: pairing and counting across a line or text.

A rule file switches each on with `check: <name>` and gives its id, category,
confidence and reason; the functions here only find the spots. Every function
takes the text's lines and yields `Item`s with 0-based line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from drafter.check.rules import is_han
from drafter.document.numbering import cn_number, parse_cn_number, read_number

_CN_PUNCT = frozenset("，。、；：！？“”‘’《》…—")


class Item(NamedTuple):
    line: int
    column: int
    text: str
    fix: str | None = None
    confidence: str | None = None  # None: the rule's own
    suggestion: str | None = None
    reason: str | None = None


def is_cjk(ch: str) -> bool:
    return len(ch) == 1 and is_han(ch)


def has_cjk(text: str) -> bool:
    return any(is_han(c) for c in text)


# ---------------------------------------------------------------- quotes


def _quote_fixes(line: str) -> list[tuple[int, str]] | None:
    """Positions of straight double quotes with the curly quote each should be (alternating)."""
    if '"' not in line:
        return []
    positions = [i for i, c in enumerate(line) if c == '"']
    if len(positions) % 2:
        return None
    return [(p, "“" if n % 2 == 0 else "”") for n, p in enumerate(positions)]


def straight_quotes(lines: list[str]) -> Iterator[Item]:
    """Straight quotes in Chinese text become “” (paired in order) or ‘’."""
    for row, line in enumerate(lines):
        if not has_cjk(line):
            continue
        fixes = _quote_fixes(line)
        if fixes is None:
            for i, c in enumerate(line):
                if c == '"':
                    yield Item(row, i, c, None, "medium", "“ 或 ”",
                               "中文里应使用弯引号“”；本段直引号个数为单数，无法自动判断哪个是前引号。")
        else:
            for i, curly in fixes:
                yield Item(row, i, '"', curly)
        singles = [i for i, c in enumerate(line) if c == "'" and (
            is_cjk(line[i - 1:i]) or is_cjk(line[i + 1:i + 2]))] if "'" in line else []
        if singles and len(singles) % 2 == 0:
            for n, i in enumerate(singles):
                curly = "‘" if n % 2 == 0 else "’"
                yield Item(row, i, "'", curly, "medium", curly,
                           "中文里的单引号应为‘’（用于引号内再套引号）。")


# ---------------------------------------------------------------- brackets


def halfwidth_parentheses(lines: list[str]) -> Iterator[Item]:
    """Half-width ( ) around or beside Chinese text become （）; pairs are changed together."""
    for row, line in enumerate(lines):
        if "(" not in line and ")" not in line:
            continue
        stack: list[int] = []
        for i, c in enumerate(line):
            if c in "(（":
                stack.append(i)
            elif c in ")）" and stack:
                start = stack.pop()
                if line[start] == "（" and c == "）":
                    continue
                before, after = line[start - 1:start], line[i + 1:i + 2]
                if before == "]":
                    continue  # a Markdown link: [text](target)
                beside_chinese = (is_cjk(before) or is_cjk(after) or before in _CN_PUNCT
                                  or after in _CN_PUNCT)
                english_frame = before.isascii() and after.isascii()
                if not (beside_chinese or (has_cjk(line[start + 1:i]) and not english_frame)):
                    continue
                if line[start] == "(":
                    yield Item(row, start, "(", "（")
                if c == ")":
                    yield Item(row, i, ")", "）")


_OPEN = {"（": "round", "(": "round", "《": "book", "【": "lenticular", "“": "double", "‘": "single"}
_CLOSE = {"）": "round", ")": "round", "》": "book", "】": "lenticular", "”": "double",
          "’": "single"}
_PAIR = {"round": "（）", "book": "《》", "lenticular": "【】", "double": "“”", "single": "‘’"}
_PAIRED = re.compile("[" + re.escape("".join(_OPEN) + "".join(_CLOSE)) + "]")
_NORMALISE = str.maketrans({"〝": "“", "〞": "”", "「": "“", "」": "”", "『": "‘", "』": "’"})
_TO_NORMALISE = re.compile("[〝〞「」『』]")


def _normalised(line: str) -> str:
    """Wrong quote characters read as the quotes they stand for (their own rules report them)."""
    if _TO_NORMALISE.search(line):  # translate() walks every character: only when needed
        line = line.translate(_NORMALISE)
    fixes = _quote_fixes(line)
    if fixes:
        chars = list(line)
        for i, curly in fixes:
            chars[i] = curly
        line = "".join(chars)
    return line


def _is_apostrophe(line: str, i: int) -> bool:
    return line[i] == "’" and line[i - 1:i].isascii() and line[i - 1:i].isalpha()


def unbalanced_pairs(lines: list[str]) -> Iterator[Item]:
    """Brackets, book-title marks and quotes that open without closing, or close unopened.

    A quotation running over several paragraphs leaves its “ open at the end of a
    paragraph when the next paragraph starts with “ — that is the rule, not an error.
    """
    texts = [_normalised(line) for line in lines]
    for row, line in enumerate(texts):
        line_has_cjk = has_cjk(line)
        skip_double = '"' in line  # an odd number of straight quotes: reported elsewhere
        stack: list[tuple[str, int]] = []
        for match in _PAIRED.finditer(line):
            i, c = match.start(), match.group()
            family = _OPEN.get(c) or _CLOSE.get(c)
            if family == "double" and skip_double:
                continue
            if family == "single" and (not line_has_cjk or _is_apostrophe(line, i)):
                continue
            if family == "round" and c in "()" and not line_has_cjk:
                continue
            if c in _OPEN:
                if family in ("double", "single") and stack and stack[-1][0] == family:
                    # “…“ : the second one should have been a closing quote
                    yield _closer_missing(row, lines[row], stack.pop())
                stack.append((family, i))
                continue
            if stack and stack[-1][0] == family:
                stack.pop()
                continue
            if any(f == family for f, _ in stack):
                while stack[-1][0] != family:
                    yield _closer_missing(row, lines[row], stack.pop())
                stack.pop()
                continue
            pair = _PAIR[family]
            yield Item(row, i, lines[row][i], None, None, f"删去多余的“{pair[1]}”，或在前面补上“{pair[0]}”",
                       f"“{pair[1]}”前面没有与之配对的“{pair[0]}”。")
        if not stack:
            continue
        nxt = next((t.lstrip(" \u3000\t") for t in texts[row + 1:] if t.strip()), "")
        for family, i in stack:
            if family == "double" and nxt.startswith("“"):
                continue
            yield _closer_missing(row, lines[row], (family, i))


def _closer_missing(row: int, line: str, opened: tuple[str, int]) -> Item:
    family, i = opened
    pair = _PAIR[family]
    return Item(row, i, line[i], None, None, f"在适当位置补上“{pair[1]}”，或删去多余的“{pair[0]}”",
                f"“{pair[0]}”在本段内没有与之配对的“{pair[1]}”。")


# ---------------------------------------------------------------- headings


_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


# 第一章 / 第三条: in laws and regulations the items （一）（二） start again in every article.
_ARTICLE = re.compile(r"^[ \u3000\t]*第[一二三四五六七八九十百零〇\d]+([编章节条])")


def heading_sequence(lines: list[str]) -> Iterator[Item]:
    """一、二、四、 or （一）（三）: each level counts on from the last heading at that level."""
    last = [0, 0, 0, 0, 0]
    for row, line in enumerate(lines):
        article = _ARTICLE.match(line)
        if article:
            first = 2 if article.group(1) == "条" else 1
            last[first:] = [0] * (5 - first)
        typed = read_number(line)
        if typed is None:
            continue
        level, value = typed.level, typed.position
        expected = last[level] + 1
        if value != expected:
            want = typed.like(expected)
            where = (f"上一个{_LEVEL_NAMES[level]}标题是“{typed.like(last[level])}”"
                     if last[level] else "这是本级的第一个标题")
            yield Item(row, typed.start, typed.token, want, None, want,
                       f"标题序号不连续：{where}，这里应为“{want}”。")
        last[level] = value
        for deeper in range(level + 1, 5):
            last[deeper] = 0


_ENUM = re.compile(r"(?:^|(?<=[，。；：！？、\s（“]))([一二三四五六七八九十]{1,2})是")


def enumeration_sequence(lines: list[str]) -> Iterator[Item]:
    """一是……二是……四是: the run-in enumeration of this genre, across paragraphs."""
    last = 0
    for row, line in enumerate(lines):
        for match in _ENUM.finditer(line):
            value = parse_cn_number(match.group(1))
            if value is None:
                continue
            if value == 1:
                last = 1
                continue
            if last and value != last + 1:
                want = f"{cn_number(last + 1)}是"
                yield Item(row, match.start(), match.group(), want, None, want,
                           f"列举序号不连续：前面是“{cn_number(last)}是”，这里应为“{want}”。")
            if last:
                last = value


CHECKS: dict[str, Callable[[list[str]], Iterator[Item]]] = {
    "straight-quotes": straight_quotes,
    "halfwidth-parentheses": halfwidth_parentheses,
    "unbalanced-pairs": unbalanced_pairs,
    "heading-sequence": heading_sequence,
    "enumeration-sequence": enumeration_sequence,
}


def run(name: str, lines: list[str]) -> list[Item]:
    return list(CHECKS[name](lines))
