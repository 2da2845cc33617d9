import pytest

from drafter.document.model import Kind
from drafter.errors import MissingFactsError, TemplateError
from drafter.render.engine import (
    ESCAPE,
    GAP,
    drop_gaps,
    join_cn,
    render_document,
    render_output_name,
)

FULL = {
    "year": 2024,
    "org": "安澜县科协",
    "events": 126,
    "people": 3500,
    "programmes": ["科普大篷车", "科技小院", "院士专家工作站"],
    "level": "county",
    "story": "组建科技志愿服务队。",
    "day": None,
}


def texts(document):
    return [b.text for b in document.blocks]


def test_full_answers_are_woven_in(core_template):
    doc = render_document(core_template, FULL)
    assert doc.title == "2024年安澜县科协测试材料"
    assert texts(doc)[1] == (
        "安澜县科协认真履行职责。全年开展活动126场。服务群众3500人次；"
        "打造科普大篷车、科技小院和院士专家工作站等品牌；形成长效机制。"
    )
    assert doc.author == ""  # the core template has no org_full_name question


def test_empty_optional_fact_drops_only_its_sentence(core_template):
    answers = dict(FULL, events=None, programmes=[])
    doc = render_document(core_template, answers)
    assert texts(doc)[1] == "安澜县科协认真履行职责。服务群众3500人次；形成长效机制。"


def test_dropping_the_last_clause_ends_with_a_full_stop():
    assert drop_gaps(f"甲；乙{GAP}。") == "甲。"
    assert drop_gaps(f"“甲{GAP}。”乙。") == "乙。"


def test_paragraph_of_only_empty_facts_disappears(core_template):
    doc = render_document(core_template, dict(FULL, level=None, story=None))
    assert not any(b.text == "" for b in doc.blocks)
    assert "本单位" not in "".join(texts(doc))


def test_empty_date_drops_the_date_line(core_template):
    doc = render_document(core_template, FULL)
    assert [b.kind for b in doc.blocks][-1] is Kind.SIGNATURE


def test_required_fact_missing_stops_the_render(core_template):
    with pytest.raises(MissingFactsError) as info:
        render_document(core_template, dict(FULL, org=None))
    assert info.value.message.startswith("以下必填内容尚未填写：单位名称（org）。")


def test_allow_missing_makes_a_visible_placeholder(core_template):
    doc = render_document(core_template, dict(FULL, org=None), allow_missing=True)
    assert doc.title == "2024年【待补充：单位名称】测试材料"
    title = doc.blocks[0]
    assert [s.placeholder for s in title.spans] == [False, True, False]


def test_answer_cannot_inject_markup(core_template):
    doc = render_document(core_template, dict(FULL, story="## 假标题\n@署名 冒名"))
    assert len(doc.headings(1)) == 2
    assert "## 假标题@署名 冒名" in "".join(texts(doc))


def test_join_cn():
    assert join_cn(["甲"]) == "甲"
    assert join_cn(["甲", "乙"]) == "甲和乙"
    assert join_cn(["甲", "", None, "乙", "丙"], last="及") == "甲、乙及丙"
    assert not join_cn([])


def test_no_raw_tags_or_none_reach_the_output(core_template, tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    for name in ("template.yaml", "questions.yaml"):
        (folder / name).write_text((core_template.folder / name).read_text("utf-8"), "utf-8")
    (folder / "outline.j2").write_text("# 标题\n\n{{ '{{' }}未处理的标记。\n", "utf-8")
    from drafter.templates.loader import load_template

    with pytest.raises(TemplateError) as info:
        render_document(load_template(str(folder)), FULL)
    assert "生成的正文中出现了“{{”" in info.value.message


def test_output_name_is_safe_for_file_systems(core_template):
    name = render_output_name(core_template, dict(FULL, org="科协/办公室:*"))
    assert name == "2024年科协_办公室__测试材料"


def test_wan_and_paragraph_filters():
    from drafter.render.engine import finalize, paragraphs, wan

    assert [wan(n) for n in (9999, 10000, 126000, 1234567, 250000000)] == [
        "9999", "1万", "12.6万", "123.46万", "2.5亿"]
    assert finalize(paragraphs("第一段。\n\n# 第二段。\n")) == f"第一段。\n\n{ESCAPE}# 第二段。"
    assert finalize("第一段。\n第二段。") == "第一段。第二段。"
