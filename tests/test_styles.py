"""Style profiles: the 公文 figures as data, validated with located Chinese messages."""

from __future__ import annotations

import pytest

from drafter.errors import ProblemsError, UserError
from drafter.writers.styles import builtin_profiles, load_profile


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_gongwen_is_built_in_and_default():
    assert "gongwen" in builtin_profiles()
    assert load_profile() == load_profile("gongwen")


def test_gongwen_figures():
    p = load_profile("gongwen")
    assert (p.width_mm, p.height_mm) == (210, 297)
    assert (p.margin_top_mm, p.margin_bottom_mm, p.margin_left_mm, p.margin_right_mm) == (
        37, 35, 28, 26)
    assert (p.lines_per_page, p.chars_per_line) == (22, 28)
    assert p.language == "zh-CN"
    assert p.page_number_format == "— {PAGE} —" and p.page_numbers_odd_even
    fonts = {role: (p.style(role).font, p.style(role).size, p.style(role).bold)
             for role in ("body", "title", "subtitle", "heading1", "heading2", "heading3",
                          "heading4", "footer")}
    assert fonts == {
        "body": ("仿宋_GB2312", 16, None),
        "title": ("方正小标宋简体", 22, False),
        "subtitle": ("楷体_GB2312", 16, False),
        "heading1": ("黑体", 16, False),
        "heading2": ("楷体_GB2312", 16, False),
        "heading3": ("仿宋_GB2312", 16, True),
        "heading4": ("仿宋_GB2312", 16, False),
        "footer": ("宋体", 14, None),
    }
    assert [p.style(f"heading{n}").outline_level for n in range(1, 5)] == [1, 2, 3, 4]
    assert p.style("body").first_line_indent == 2
    assert p.style("title").align == "center" and p.style("title").first_line_indent == 0
    assert p.style("page_number_odd").align == "right"
    assert p.style("page_number_even").align == "left"
    assert p.style("placeholder").highlight == "yellow"


def test_grid_geometry_from_the_figures():
    p = load_profile()
    assert (p.text_width_twips, p.text_height_twips) == (8845, 12756)  # 156 × 225 mm
    assert p.line_pitch_twips == 579  # 28.95 pt: 22 lines fit, 23 do not
    assert p.char_space == -842  # 28 characters fit, 29 do not
    assert p.line_spacing_twips(p.style("body")) == 579
    assert p.line_spacing_twips(p.style("footer")) is None
    assert p.size_of("page_number_odd") == 14  # inherited from Footer
    assert p.size_of("signature") == 16  # inherited from Normal


def test_profile_file_in_a_template_folder(tmp_path):
    write(tmp_path / "本单位.yaml", "extends: gongwen\ntitle: 本单位\ngrid:\n  chars_per_line: 26\n")
    p = load_profile("本单位.yaml", folder=tmp_path)
    assert p.title == "本单位"
    assert p.chars_per_line == 26
    assert p.lines_per_page == 22  # inherited
    assert p.style("heading1").font == "黑体"


def test_child_overrides_one_style_figure(tmp_path):
    child = write(tmp_path / "c.yaml",
                  "extends: gongwen\nstyles:\n  body:\n    font: 仿宋\n    size: 小三\n")
    p = load_profile(child)
    assert (p.style("body").font, p.style("body").size) == ("仿宋", 15)
    assert p.style("body").first_line_indent == 2  # the rest of the style is kept


def test_unknown_profile_name_lists_built_ins():
    with pytest.raises(UserError) as info:
        load_profile("gongwenn")
    assert "找不到版式“gongwenn”" in info.value.message and "gongwen" in info.value.message


def test_missing_profile_file(tmp_path):
    with pytest.raises(UserError, match="找不到版式文件"):
        load_profile(tmp_path / "无.yaml")


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.yaml", """extends: gongwen
page:
  margin_top_mm: 三十七
grid:
  lines_per_pag: 22
styles:
  heading1:
    size: 三号半
    align: middle
  placeholder:
    highlight: yelow
""")
    with pytest.raises(ProblemsError) as info:
        load_profile(bad)
    message = info.value.message
    assert message.startswith("版式文件有误（共 5 处）")
    assert f"{bad}:3，字段 page.margin_top_mm：应当是数字，现在是“三十七”" in message
    assert f"{bad}:5，字段 grid.lines_per_pag：不认识的设置“lines_per_pag”。是否想写“lines_per_page”？" \
        in message
    assert f"{bad}:8，字段 styles.heading1.size：字号“三号半”无法识别" in message
    assert f"{bad}:9，字段 styles.heading1.align：对齐方式“middle”无效" in message
    assert f"{bad}:11，字段 styles.placeholder.highlight：突出显示颜色“yelow”无效。是否想写“yellow”？" \
        in message


def test_inherited_problem_points_at_the_parent_file(tmp_path):
    gongwen = open(load_profile().source, encoding="utf-8").read()
    parent = write(tmp_path / "parent.yaml", gongwen.replace("size: 二号", "size: 巨号"))
    child = write(tmp_path / "child.yaml", "extends: parent.yaml\ntitle: 子版式\n")
    with pytest.raises(ProblemsError) as info:
        load_profile(child)
    assert str(parent) in info.value.message and "字号“巨号”无法识别" in info.value.message


def test_yaml_syntax_error_has_a_line(tmp_path):
    bad = write(tmp_path / "broken.yaml", "page:\n  width_mm: 210\n height_mm: 297\n")
    with pytest.raises(ProblemsError) as info:
        load_profile(bad)
    assert f"{bad}:3" in info.value.message and "YAML 语法错误" in info.value.message


def test_missing_style_and_bad_reference(tmp_path):
    text = open(load_profile().source, encoding="utf-8").read()
    text = text.replace("  date:", "  dates:").replace("based_on: Footer", "based_on: 页脚样式")
    bad = write(tmp_path / "bad.yaml", text)
    with pytest.raises(ProblemsError) as info:
        load_profile(bad)
    message = info.value.message
    assert "不认识的设置“dates”。是否想写“date”？" in message
    assert "缺少样式 date（日期）" in message
    assert "样式“页脚样式”不在本版式中" in message


def test_margins_larger_than_the_page(tmp_path):
    bad = write(tmp_path / "m.yaml", "extends: gongwen\npage:\n  margin_left_mm: 200\n")
    with pytest.raises(ProblemsError, match="版心没有空间"):
        load_profile(bad)


def test_extends_cycle_is_reported(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ProblemsError, match="循环"):
        load_profile(tmp_path / "a.yaml")


def test_page_number_format_needs_one_page_field(tmp_path):
    bad = write(tmp_path / "p.yaml", "extends: gongwen\npage_numbers:\n  format: 第页\n")
    with pytest.raises(ProblemsError, match=r"恰好含一个 \{PAGE\}"):
        load_profile(bad)


def test_no_page_numbers(tmp_path):
    p = load_profile(write(tmp_path / "n.yaml", "extends: gongwen\npage_numbers:\n  format: ''\n"))
    assert p.page_number_format == ""
