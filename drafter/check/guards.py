"""When an outdated formulation in a text is not an error.

An article about a change quotes the old wording (从“以习近平同志为总书记的党中央”到
“以习近平同志为核心的党中央”的表述变化), and a review of past work names what was
current then (2020年，全县决胜全面建成小康社会). Changing either would damage correct
text, so such a finding is only a low hint and never fixed; wording merely inside
quotation marks or a book title (《…》) is a citation and is never fixed either.
"""

from __future__ import annotations

import re

_PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "「": "」", "『": "』", "〝": "〞"}
_CLOSERS = frozenset(_PAIRS.values())
_QUOTE_EDGE = "“”‘’《》〈〉「」『』〝〞\"' "
_SENTENCE_END = "。；！？!?;"

# Right after the wording: it is being changed into something else, or talked about.
_CHANGE_AFTER = ("改为", "改成", "调整为", "修改为", "修订为", "表述为", "更改为", "更新为", "变为",
                 "变成", "转化为", "转变为", "替换为", "升级为", "拓展为", "发展为")
_NAMED_AFTER = ("一词", "的提法", "的表述", "的说法", "这一提法", "这一表述", "这一说法", "这个提法",
                "等提法", "等表述", "的旧提法", "的原提法")
_TOWARDS = ("到“", "到《", "向“", "为“")  # 从“旧”到“新”
_FROM_BEFORE = ("从", "由")
_TALK = ("提法", "表述", "说法", "改为", "改成", "表述为", "调整为", "修改为", "写入", "写进", "称为")
_PAST_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?!以来|来|至今|起|后|以后)")


def _enclosed(line: str, start: int, end: int) -> bool:
    """Whether line[start:end] lies inside a pair of quotation marks or book-title marks."""
    stack: list[str] = []
    for ch in line[:start]:
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif ch in _CLOSERS and stack and stack[-1] == ch:
            stack.pop()
    if not stack:
        return False
    return stack[-1] in line[end:]


def _clause(line: str, start: int, end: int) -> tuple[str, str]:
    """The sentence around line[start:end]: (its text before, its text after)."""
    first = max((line.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (line.find(c, end) for c in _SENTENCE_END) if i != -1]
    return line[first:start], line[end:min(ends) if ends else len(line)]


def quoted_or_discussed(line: str, start: int, end: int) -> str | None:
    """"discussed" if the wording at line[start:end] is the subject of a change or of talk
    about wordings, "quoted" if it only stands in quotation marks or a title, else None."""
    before, after = _clause(line, start, end)
    after_bare = after.lstrip(_QUOTE_EDGE)
    before_bare = before.rstrip(_QUOTE_EDGE)
    if after_bare.startswith(_CHANGE_AFTER + _NAMED_AFTER):
        return "discussed"
    if after.lstrip("”’》〉」』〞\"' ").startswith(_TOWARDS):
        return "discussed"
    if before_bare.endswith(_FROM_BEFORE) and any(w in after for w in ("到", "向", *_CHANGE_AFTER)):
        return "discussed"
    if _enclosed(line, start, end):
        if any(w in before + after for w in _TALK):
            return "discussed"
        return "quoted"
    return None


def past_year_before(line: str, start: int, event_year: int | None) -> bool:
    """Whether the sentence, before the wording, names a year no later than the change
    (2020年，…决胜全面建成小康社会): a review of that time, which was right then."""
    if event_year is None:
        return False
    before, _ = _clause(line, start, start)
    return any(int(m.group(1)) <= event_year for m in _PAST_YEAR.finditer(before))
