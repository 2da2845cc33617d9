"""Outdated formulations judged by the document's own date, read from the shared data file."""

import datetime as dt
import json

import pytest

from drafter.check import apply_fixes, check_text
from drafter.check.dates import DocDate, detect_date, parse_date, resolve_date
from drafter.cli import main
from drafter.render.formulations import load


def located(findings):
    return [(f.rule, f.text, f.confidence) for f in findings]


# ---------------------------------------------------------------- dates in the document


@pytest.mark.parametrize(("text", "expected"), [
    ("标题\n正文。\n2016-11-28", ("2016-11-28", "落款日期", 3)),
    ("标题\n正文。\n2016/11/28", ("2016-11-28", "落款日期", 3)),
    ("标题\n正文。\n2016.11.28", ("2016-11-28", "落款日期", 3)),
    ("标题\n正文。\n某某县科学技术协会\n2016年11月28日", ("2016-11-28", "落款日期", 4)),
    ("标题\n正文。\n二〇一六年十一月二十八日", ("2016-11-28", "落款日期", 3)),
    ("标题\n正文。\n（2016年11月28日）", ("2016-11-28", "落款日期", 3)),
    ("标题\n发表时间：2018-07-04\n正文。", ("2018-07-04", "发布时间", 2)),
    ("标题\n作者：张三　发布时间：2018年7月4日\n正文。", ("2018-07-04", "发布时间", 2)),
    ("标题\n2018-07-04 10:23 来源：某某网\n正文。", ("2018-07-04", "日期行", 2)),
    ("——在全县科协工作会议上的讲话（2021年10月2日）\n正文。", ("2021-10-02", "标题", 1)),
    ("2021年县科协工作总结\n正文。", ("2021", "标题", 1)),
])
def test_the_date_is_found_in_every_common_form(text, expected):
    found = detect_date(text)
    assert (found.iso, found.source, found.line) == expected


def test_the_signature_date_wins_over_a_date_in_the_head():
    assert detect_date("标题\n发布时间：2018-07-04\n正文。\n2018年7月2日").iso == "2018-07-02"


def test_dates_in_the_body_are_not_the_documents_date():
    assert detect_date("标题\n正文。\n2019年以来，我们坚持……\n2020年5月全县召开大会。") is None


def test_impossible_dates_are_ignored():
    assert detect_date("标题\n正文。\n2021-02-30") is None


@pytest.mark.parametrize("value", ["2021-10-02", "2021/10/02", "2021.10.2", "2021年10月2日"])
def test_date_option_accepts_the_common_forms(value):
    assert parse_date(value) == DocDate(2021, 10, 2, "参数", 0)


@pytest.mark.parametrize("value", ["2021-10", "2021", "21-10-02", "2021-13-01", "明天"])
def test_date_option_refuses_anything_but_a_day(value):
    assert parse_date(value) is None


def test_a_date_known_to_the_month_compares_at_that_precision():
    october = DocDate(2025, 10)
    assert october.compare(dt.date(2025, 10, 23)) == 0
    assert october.compare(dt.date(2025, 9, 30)) == 1
    assert october.compare(dt.date(2025, 11, 1)) == -1
    assert (october.first_day, october.last_day) == (dt.date(2025, 10, 1), dt.date(2025, 10, 31))


def test_resolve_date_prefers_the_option_then_the_year_then_the_text():
    text = "标题\n正文。\n2016年11月28日"
    assert resolve_date(text, 2020, dt.date(2021, 10, 2)).iso == "2021-10-02"
    assert resolve_date(text, 2020).iso == "2020"
    assert resolve_date(text).iso == "2016-11-28"
    assert resolve_date("无日期").source == "当前日期"


# ---------------------------------------------------------------- the shared file


def test_a_2026_text_is_told_the_current_wording_and_the_source_event_from_the_shared_file():
    text = "深入贯彻党的二十大精神，办好全国科普日活动。"
    spirit, popsci = check_text(text, date=dt.date(2026, 9, 1))
    data = load()
    plenum, law = data.events["plenum_20_3"], data.events["popsci_law_2024"]
    assert (spirit.rule, spirit.text, spirit.fix) == (
        "dated-party-spirit", "党的二十大精神", data.current("party_spirit", dt.date(2026, 9, 1)))
    assert spirit.reason == f"{plenum.source}；此后应为“党的二十大和二十届历次全会精神”。"
    assert (popsci.rule, popsci.text, popsci.fix) == ("dated-popsci-national-event", "全国科普日",
                                                      "全国科普月")
    assert popsci.reason.startswith(law.source)
    assert spirit.confidence == popsci.confidence == "medium"


def test_the_same_text_dated_2024_passes():
    assert check_text("深入贯彻党的二十大精神，办好全国科普日活动。", date=dt.date(2024, 6, 1)) == []


def test_the_wording_of_mid_2025_is_outdated_after_the_fourth_plenum():
    [f] = check_text("深入贯彻党的二十大和二十届二中、三中全会精神。", date=dt.date(2026, 1, 5))
    assert (f.fix, f.confidence) == ("党的二十大和二十届历次全会精神", "medium")
    assert check_text("深入贯彻党的二十大和二十届二中、三中全会精神。", date=dt.date(2025, 9, 1)) == []


def test_a_text_dated_only_by_the_year_of_a_change_gets_a_low_hint():
    [f] = check_text("深入贯彻党的二十大和二十届二中、三中全会精神。", year=2025)
    assert (f.confidence, f.fix, f.suggestion) == ("low", None, "党的二十大和二十届历次全会精神")


def test_a_year_spanning_two_wordings_suggests_both_and_fixes_neither():
    [f] = check_text("深入贯彻党的二十大精神。", year=2025)
    assert f.fix is None and f.confidence == "medium"
    assert f.suggestion == ("党的二十大和二十届二中、三中全会精神"
                            "（党的二十大和二十届历次全会精神，视文稿的具体日期而定）")


def test_an_expired_plan_is_not_flagged_as_a_literal_unless_the_file_says_so():
    assert check_text("对照中长期青年发展规划（2016—2025年）。", date=dt.date(2026, 3, 1)) == []


def test_the_old_name_of_the_central_committee_is_high_and_fixed():
    text = "紧密团结在以习近平同志为总书记的党中央周围。"
    [f] = check_text(text, date=dt.date(2016, 11, 28))
    assert (f.confidence, f.fix) == ("high", "以习近平同志为核心的党中央")
    assert check_text(text, date=dt.date(2016, 10, 26)) == []
    assert located(check_text(text, date=dt.date(2016, 10, 27))) == [
        ("dated-central-committee", "以习近平同志为总书记的党中央", "low")]


def test_literal_keys_carry_their_confidence_in_the_data_file():
    data = load()
    assert data.literal == {"central_committee", "party_spirit", "popsci_national_event"}
    assert data.confidence == {"central_committee": "high", "party_spirit": "medium",
                               "popsci_national_event": "medium"}


def test_every_builtin_formulation_rule_names_an_event_of_the_shared_file():
    """Dates live once: the rule files carry no dates of their own."""
    import yaml

    from drafter.check.rules import RULES_DIR

    data = yaml.safe_load((RULES_DIR / "formulation.yaml").read_text(encoding="utf-8"))
    events = load().events
    for rule in data["rules"]:
        assert "since" not in rule, rule["id"]
        assert rule["event"] in events, rule["id"]
        assert rule.get("until", "congress_20") in events, rule["id"]


# ---------------------------------------------------------------- 小康, 脱贫 by the day

STILL_TO_WIN = ("今年是全面建成小康社会目标实现之年，全县上下要坚决打赢脱贫攻坚战，"
                "确保如期完成脱贫攻坚目标任务。")


def test_xiaokang_and_poverty_as_tasks_are_flagged_in_a_text_of_2021_10_02():
    findings = check_text(STILL_TO_WIN, date=dt.date(2021, 10, 2))
    assert located(findings) == [
        ("xiaokang-jinnian", "今年是全面建成小康社会目标实现之年", "medium"),
        ("tuopin-gongjian", "坚决打赢脱贫攻坚战", "medium"),
        ("tuopin-gongjian", "确保如期完成脱贫攻坚目标任务", "medium"),
    ]
    assert all(f.fix is None for f in findings)
    assert "2021年7月1日" in findings[0].reason and "2021年2月25日" in findings[1].reason


def test_the_same_text_dated_2020_06_15_passes():
    assert check_text(STILL_TO_WIN, date=dt.date(2020, 6, 15)) == []


def test_the_same_text_with_its_date_in_the_signature(tmp_path, capsys):
    path = tmp_path / "讲话.txt"
    path.write_text(f"在全县工作会议上的讲话\n{STILL_TO_WIN}\n2021-10-02\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("提法按 2021年10月2日 核对（取自第 3 行的落款日期）")
    path.write_text(f"在全县工作会议上的讲话\n{STILL_TO_WIN}\n2020-06-15\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0


@pytest.mark.parametrize("sentence", [
    "今年是“十三五”规划收官之年。",
    "当前正处于“十三五”决胜阶段。",
    "全力以赴打赢打好脱贫攻坚战。",
    "为决胜全面建成小康社会贡献力量。",
    "确保实现第一个百年奋斗目标。",
    "当前正处于全面建成小康社会决胜阶段。",
])
def test_tasks_of_2020_are_outdated_in_2022(sentence):
    assert check_text(sentence, date=dt.date(2022, 3, 1)) != []


@pytest.mark.parametrize("sentence", [
    "2020年是“十三五”规划收官之年。",
    "“十三五”时期，全县科普事业长足进步。",
    "我们打赢了脱贫攻坚战，全面建成了小康社会。",
    "在打赢脱贫攻坚战的基础上，全面推进乡村振兴。",
    "决胜全面建成小康社会取得决定性成就。",
    "实现了第一个百年奋斗目标，向第二个百年奋斗目标进军。",
    "巩固拓展脱贫攻坚成果同乡村振兴有效衔接。",
])
def test_reviews_of_those_tasks_stay_silent_in_2022(sentence):
    assert check_text(sentence, date=dt.date(2022, 3, 1)) == []


def test_the_fourteenth_plan_as_the_current_one_is_outdated_in_2026():
    [f] = check_text("今年是“十四五”规划收官之年。", date=dt.date(2026, 4, 1))
    assert (f.rule, f.confidence) == ("shisiwu-dangqian", "medium")
    assert check_text("今年是“十四五”规划收官之年。", date=dt.date(2025, 4, 1)) == []
    assert check_text("2025年是“十四五”规划收官之年。", date=dt.date(2026, 4, 1)) == []



@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2024, 5, 1), None),  # before the third plenum: the list was current
    (dt.date(2025, 3, 1), "党的二十大和二十届二中、三中全会精神"),
    (dt.date(2026, 11, 20), "党的二十大和二十届历次全会精神"),
])
def test_a_list_of_plenums_that_leaves_out_the_latest_is_outdated(day, expected):
    """“二十大和二十届二中全会精神” after the third plenum, any shortened list after the fourth."""
    findings = check_text("深入学习贯彻党的二十大和二十届二中全会精神。", date=day)
    assert [f.suggestion for f in findings] == ([expected] if expected else [])
    later = check_text("认真学习贯彻党的二十大和二十届三中全会精神。", date=day)
    assert [f.suggestion for f in later] == (["党的二十大和二十届历次全会精神"]
                                              if day.year == 2026 else [])


@pytest.mark.parametrize(("sentence", "rule", "changed"), [
    ("做好新冠肺炎疫情防控常态化工作。", "xinguan-feiyan", dt.date(2022, 12, 26)),
    ("深入实施《中长期青年发展规划（2016—2025年）》，推动青年优先发展。", "qingnian-guihua-daoqi",
     dt.date(2025, 12, 31)),
    ("认真学习贯彻中国科协九大精神。", "kexie-jiuda", dt.date(2021, 5, 31)),
    ("深入学习贯彻中国工会十七大精神。", "gonghui-shiqida", dt.date(2023, 10, 12)),
    ("深入学习贯彻团的十八大精神。", "tuan-shibada", dt.date(2023, 6, 22)),
    ("认真学习贯彻中国妇女十二大精神。", "fulian-shierda", dt.date(2023, 10, 26)),
])
def test_a_renamed_disease_an_expired_plan_and_a_past_congress_follow_the_date(sentence, rule,
                                                                                changed):
    """PRODUCT.md: 新冠肺炎 became 新冠病毒感染; the 2016—2025 youth plan ran out; each mass
    organisation's latest national congress is the one whose spirit is studied."""
    assert check_text(sentence, date=changed - dt.timedelta(days=1)) == []
    [finding] = check_text(sentence, date=changed + dt.timedelta(days=1))
    assert (finding.rule, finding.confidence) == (rule, "medium")


def test_a_review_of_the_epidemic_years_keeps_its_old_name():
    [finding] = check_text("2020年新冠肺炎疫情发生后，县科协组织专家开展应急科普。",
                           date=dt.date(2026, 10, 1))
    assert (finding.rule, finding.confidence) == ("xinguan-feiyan", "low")

# ---------------------------------------------------------------- quoted or discussed

OLD = "以习近平同志为总书记的党中央"
NEW = "以习近平同志为核心的党中央"


@pytest.mark.parametrize("sentence", [
    f"从“{OLD}”到“{NEW}”，表述的变化意义重大。",
    f"一、从“{OLD}”到“{NEW}”",
    f"全会把“{OLD}”改为“{NEW}”。",
    f"“{OLD}”的提法已经调整。",
    f"由{OLD}改为{NEW}。",
])
def test_a_discussed_wording_is_a_low_hint_and_never_fixed(sentence):
    findings = check_text(sentence, date=dt.date(2018, 7, 4))
    assert [(f.text, f.confidence, f.fix) for f in findings] == [(OLD, "low", None)]
    assert apply_fixes(sentence, findings) == sentence


def test_a_quoted_wording_is_never_fixed():
    sentence = f"会议提出“紧密团结在{OLD}周围”。"
    [f] = check_text(sentence, date=dt.date(2018, 7, 4))
    assert (f.confidence, f.fix) == ("medium", None)
    assert apply_fixes(sentence, [f]) == sentence


def test_a_review_of_a_past_year_is_a_low_hint():
    [f] = check_text("2024年，我们举办了全国科普日系列活动。", date=dt.date(2026, 3, 1))
    assert (f.confidence, f.fix) == ("low", None)
    [f] = check_text("2025年，我们举办了全国科普日系列活动。", date=dt.date(2026, 3, 1))
    assert f.confidence == "medium"


def test_an_old_article_that_discusses_the_change_is_left_intact_by_fix(tmp_path, capsys):
    path = tmp_path / "文章.txt"
    text = (f"论党中央称谓的变化\n发表时间：2018-07-04\n"
            f"从“{OLD}”到“{NEW}”，体现了全党的共同意愿。\n"
            f"我们要紧密团结在{OLD}周围。\n")
    path.write_text(text, encoding="utf-8")
    main(["check", str(path), "--fix"])
    fixed = (tmp_path / "文章.fixed.txt").read_text(encoding="utf-8")
    assert fixed == text.replace(f"团结在{OLD}", f"团结在{NEW}")
    assert "提法按 2018年7月4日 核对（取自第 2 行的发布时间）" in capsys.readouterr().out


# ---------------------------------------------------------------- the command line


def test_date_option_is_used_and_reported(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(f"{STILL_TO_WIN}\n", encoding="utf-8")
    assert main(["check", str(path), "--date", "2021-10-02", "--format", "json"]) == 1
    [report] = json.loads(capsys.readouterr().out)["files"]
    assert (report["date"], report["date_precision"], report["date_source"]) == (
        "2021-10-02", "day", "参数")
    assert [f["rule"] for f in report["findings"]] == ["xiaokang-jinnian", "tuopin-gongjian",
                                                       "tuopin-gongjian"]
    assert main(["check", str(path), "--date", "2020/06/15"]) == 0
    assert "提法按 2020年6月15日 核对（按命令行参数）" in capsys.readouterr().out


def test_a_bad_date_is_a_usage_error_in_chinese(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("正文。\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["check", str(path), "--date", "2021-13-01"])
    assert info.value.code == 2
    assert "日期应写成 2021-10-02（也可以是 2021/10/02、2021年10月2日），而不是“2021-13-01”" in (
        capsys.readouterr().err)


def test_date_and_year_together_are_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("正文。\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["check", str(path), "--date", "2021-10-02", "--year", "2021"])
    assert info.value.code == 2
