"""Property tests: any answers give a valid .docx whose text is the answers' text.

Generated answers mix what a secretary's paste can carry: everyday and rare CJK
(extension B and beyond), emoji with joiners, right-to-left text and bidi marks,
private-use characters (造字), odd line separators, outline markup (# @ 【待补充】),
Jinja-looking text and characters XML cannot hold. Answers go in through the
library, as the questionnaire hands them over, so lone surrogates are included.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office import assert_valid_docx, docx_text, needs_office, pdf_pages, squash, to_pdf

from drafter.errors import AnswersError
from drafter.interview.answers import ILLEGAL_XML_RE, AnswersFile, dump_answers, parse_answers
from drafter.render.engine import ESCAPE, GAP
from drafter.render.pipeline import document_bytes, draft_from_answers
from drafter.templates.loader import load_template

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent

XML_ILLEGAL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + [
    "\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff"]
SPECIAL = [
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
    "\u2068", "\u2069", "\u200d", "\ufe0f", "\u3000", "\xa0", "\x85", "\u2028", "\u2029", "\t",
    "\r", "\ue000", "\ue001", "\ue815", "\ufdd0", "\ufdd1", "#", "@", "## ", "@结尾", "【待补充：", "】", "{{", "}}",
    "{%", "%}", "None", "、", "，", "。", "；", "“", "”", "《", "》", "&", "<", ">", "]]>",
]
CHARS = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # everyday CJK
    st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),  # extension B
    st.characters(min_codepoint=0x2A700, max_codepoint=0x2EBEF),  # extensions C–F
    st.characters(min_codepoint=0x30000, max_codepoint=0x3134F),  # extension G
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
    st.sampled_from(SPECIAL),
    st.sampled_from(XML_ILLEGAL),
)
SOLID = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def text(max_size: int, multiline: bool = False):
    """Any text of at most max_size characters; one CJK character first, so a required
    answer is never just whitespace."""
    pieces = st.one_of(CHARS, st.just("\n")) if multiline else CHARS
    rest = st.lists(pieces, max_size=max_size - 1).map(lambda p: "".join(p)[:max_size - 1])
    return st.builds(lambda head, tail: head + tail, SOLID, rest)


def expected(value: str) -> str:
    """What must reach the document: the answer minus XML-illegal characters and the two
    noncharacters the renderer keeps for itself, spacing aside."""
    return squash(ILLEGAL_XML_RE.sub("", value).replace(GAP, "").replace(ESCAPE, ""))


def render(template, values: dict) -> tuple[bytes, list[str], dict]:
    """Answers → validation → .docx bytes, as `drafter render` and `drafter new` do it."""
    draft = draft_from_answers(template, AnswersFile("（测试）", values=values))
    data, notes = document_bytes(draft, "docx")
    return data, draft.warnings + notes, draft.answers


@pytest.fixture(scope="module")
def robust():
    return load_template(str(DATA / "robust_template"))


@pytest.fixture(scope="module")
def kexie():
    return load_template("kexie")


@pytest.fixture(scope="module")
def kexie_example():
    return parse_answers((REPO / "examples" / "kexie.yaml").read_text(encoding="utf-8"),
                         "kexie.yaml").values


ROBUST_ANSWERS = st.fixed_dictionaries({
    "org": text(40),
    "title_text": text(60),
    "short": st.one_of(st.none(), text(200)),
    "body": st.one_of(st.none(), text(2000, multiline=True)),
    "items": st.lists(text(60), max_size=6),
    "count": st.one_of(st.none(), st.integers(-10**15, 10**15)),
    "flag": st.booleans(),
})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(answers=ROBUST_ANSWERS)
def test_any_answers_give_a_valid_docx_with_their_text(robust, answers):
    data, warnings, clean = render(robust, answers)
    assert_valid_docx(data)
    styles = [p.style.name for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert styles.count("Title") == 1 and styles.count("Heading 1") == 2  # structure holds
    body = squash(docx_text(data))
    for name in ("org", "title_text", "short", "body"):
        if answers[name] is not None:
            assert expected(answers[name]) in body, name
    for item in answers["items"]:
        assert expected(item) in body
    if answers["count"] is not None:
        assert str(answers["count"]) in body
    removed = {name for name, value in answers.items()
               if isinstance(value, str) and ILLEGAL_XML_RE.search(value)}
    removed |= {"items"} if any(ILLEGAL_XML_RE.search(i) for i in answers["items"]) else set()
    for name in removed:  # every removal is reported, naming the field
        assert any(f"（{name}）" in w and "已删除" in w for w in warnings), (name, warnings)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(answers=ROBUST_ANSWERS)
def test_any_answers_survive_the_answers_file(robust, answers):
    """What the questionnaire saves (resume file, answers file) reads back as the same answers."""
    values = {k: v for k, v in answers.items() if v is not None}
    text = dump_answers(robust, values)
    text.encode("utf-8")  # writable as a file: no lone surrogates left raw
    back = parse_answers(text, "答案.yaml").values
    assert set(back) == set(values)
    for question in robust.questions:
        if question.name in values:
            assert question.coerce(back[question.name]) == question.coerce(values[question.name])


KEXIE_TEXT = {  # field -> longest allowed answer
    "org_full_name": 40, "org_short": 12, "party_committee": 12, "occasion": 40,
    "party_brand": 16,
}
# Any county name the question accepts: its last character says 全县/全区/全市/全旗.
COUNTY = st.builds(lambda name, level: name + level, text(19), st.sampled_from("县区市旗"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(overrides=st.fixed_dictionaries(
    {**{name: text(size) for name, size in KEXIE_TEXT.items()}, "county": COUNTY},
    optional={"study_forms": st.lists(text(20), min_size=1, max_size=5),
              "shortcomings": text(300, multiline=True)}))
def test_kexie_with_any_facts_gives_a_valid_docx(kexie, kexie_example, overrides):
    values = dict(kexie_example, **overrides)
    data, _, _ = render(kexie, values)
    assert_valid_docx(data)
    body = squash(docx_text(data))
    for name in ("org_short", "county", "party_committee"):
        assert expected(overrides[name]) in body, name
    for item in overrides.get("study_forms", []):
        assert expected(item) in body
    brand = expected(overrides["party_brand"]).strip("“”\"")
    assert brand in body
    story = overrides.get("shortcomings")
    if story:
        core = expected(story).rstrip("。；，！？;,.!?")
        assert core in body


@needs_office
def test_libreoffice_opens_a_sample_of_generated_drafts(robust, tmp_path):
    """Five generated drafts, one LibreOffice start: each converts and shows its title."""
    drafts: list[tuple[bytes, dict]] = []

    @settings(max_examples=5, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(answers=ROBUST_ANSWERS)
    def collect(answers):
        data, _, _ = render(robust, answers)
        drafts.append((data, answers))

    collect()
    pdfs = to_pdf([data for data, _ in drafts], tmp_path)
    assert len(pdfs) == len(drafts) >= 1
    for pdf, (_, answers) in zip(pdfs, drafts, strict=True):
        pages = pdf_pages(pdf)
        assert pages, pdf
        # The title's plain CJK characters come back out of the PDF (text extraction
        # of emoji and bidi runs varies between PDF libraries, so those are not compared).
        cjk = [c for c in answers["title_text"] if "\u4e00" <= c <= "\u9fff"]
        assert all(c in squash(pages[0]) for c in cjk)


def test_answers_error_names_the_field_for_refused_values(robust):
    with pytest.raises(AnswersError) as caught:
        render(robust, {"org": "单位", "title_text": "标题", "count": "十一",
                        "items": {"a": 1}, "flag": "也许"})
    fields = {p.field for p in caught.value.problems}
    assert fields == {"count", "items", "flag"}
