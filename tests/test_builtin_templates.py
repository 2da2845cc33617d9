"""The organisation templates: each renders its example into a six-section docx, and each
one's measures are its own organisation's work, not the same text with the name swapped."""

from itertools import combinations

import pytest
from conftest import REPO
from docx import Document as open_docx

from drafter.document.model import Kind
from drafter.interview.answers import read_answers
from drafter.render.pipeline import render_file

ORGANISATIONS = {
    "kexie": ("科普", "学会", "院士专家工作站", "科技工作者之家"),
    "gonghui": ("职工", "劳动和技能竞赛", "职工之家", "劳模"),
    "gongqingtuan": ("青年大学习", "志愿服务", "从严治团", "少先队"),
    "fulian": ("巾帼", "家庭家教家风", "妇女儿童", "最美家庭"),
}
NUMBERS = ["一、", "二、", "三、", "四、", "五、", "六、"]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("builtin")
    result = {}
    for template in ORGANISATIONS:
        draft, path, _ = render_file(template, REPO / "examples" / f"{template}.yaml",
                                     str(folder / f"{template}.docx"))
        result[template] = (draft, path)
    return result


@pytest.mark.parametrize("template", ORGANISATIONS)
def test_example_renders_six_numbered_sections_in_the_docx(drafts, template):
    draft, path = drafts[template]
    headings = [p.text for p in open_docx(str(path)).paragraphs
                if p.style.name == "Heading 1"]
    assert [h[:2] for h in headings] == NUMBERS
    assert 4000 <= draft.measure.total <= 6000


@pytest.mark.parametrize("template", ORGANISATIONS)
def test_measures_speak_of_the_organisations_own_work(drafts, template):
    text = "".join(b.text for b in drafts[template][0].document.blocks)
    for keyword in ORGANISATIONS[template]:
        assert keyword in text, keyword


def _measure_shingles(document, size: int = 8) -> set[str]:
    """Eight-character runs of the section bodies (headings and names excluded)."""
    text = "".join(b.text for b in document.blocks
                   if b.kind is Kind.PARAGRAPH and not b.closing)
    for name in ("安澜县", "县科协", "县总工会", "团县委", "县妇联", "县委"):
        text = text.replace(name, "")
    return {text[i:i + size] for i in range(len(text) - size)}


@pytest.mark.parametrize(("a", "b"), list(combinations(ORGANISATIONS, 2)))
def test_measures_differ_between_organisations(drafts, a, b):
    first, second = (_measure_shingles(drafts[t][0].document) for t in (a, b))
    shared = len(first & second) / min(len(first), len(second))
    assert shared < 0.15, f"{a} 与 {b} 的正文有 {shared:.0%} 相同"


@pytest.mark.parametrize("template", ["kexie", "gonghui", "gongqingtuan", "fulian"])
def test_county_must_end_in_its_level(template):
    """The county's last character makes 全县、县委…; a name without one is refused up front."""
    from drafter.errors import AnswersError
    from drafter.interview.answers import AnswersFile, validate_answers
    from drafter.templates.loader import load_template

    loaded = load_template(template)
    values = dict(read_answers(REPO / "examples" / f"{template}.yaml").values)
    for good in ("安澜县", "安澜区", "安澜市", "安澜旗"):
        clean, _ = validate_answers(loaded, AnswersFile("a.yaml", values={**values, "county": good}))
        assert clean["county"] == good
    with pytest.raises(AnswersError) as caught:
        validate_answers(loaded, AnswersFile("a.yaml", values={**values, "county": "安澜，"}))
    [problem] = caught.value.problems
    assert problem.field == "county"
    assert problem.message == ("“所在县（市、区）”请写县（市、区、旗）的全称，以“县”“区”“市”或“旗”结尾，"
                               "不超过 20 字，例如“安澜县”。")
