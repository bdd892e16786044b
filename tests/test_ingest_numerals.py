"""Numerals and number mentions, one table row per printed form (app/ingest/numerals.py, numbers.py)."""

from decimal import Decimal

import pytest

from app.ingest.numbers import find_numbers
from app.ingest.numerals import NotANumeral, decimal_text, parse_numeral


@pytest.mark.parametrize(
    ("printed", "value", "multiplier"),
    [
        ("1129", "1129", 0),
        ("1,129", "1129", 0),
        ("138.1", "138.1", 0),
        ("１２", "12", 0),  # full-width digits
        ("三", "3", 0),
        ("十", "10", 0),
        ("十五", "15", 0),
        ("四十", "40", 0),
        ("百", "100", 0),
        ("三百零三", "303", 0),
        ("一千一百二十九", "1129", 0),
        ("两千", "2000", 0),
        ("十二万三千", "123000", 0),  # an inner 万 belongs to the value
        ("二〇一九", "2019", 0),  # digit by digit
        ("零点五", "0.5", 0),
        ("两千万", "2000", 4),
        ("三点五亿", "3.5", 8),
        ("1.23万亿", "1.23", 12),
        ("138.1亿", "138.1", 8),
        ("百亿", "100", 8),
        ("5千", "5000", 0),
        ("5千万", "5000", 4),
    ],
)
def test_numerals_are_exact(printed: str, value: str, multiplier: int) -> None:
    parsed, power = parse_numeral(printed)
    assert isinstance(parsed, Decimal)
    assert (decimal_text(parsed), power) == (value, multiplier)


@pytest.mark.parametrize("printed", ["", "点", "三点", "abc"])
def test_not_numerals(printed: str) -> None:
    with pytest.raises(NotANumeral):
        parse_numeral(printed)


def _only(text: str) -> dict:
    found = find_numbers(text)
    assert len(found) == 1, [m.text for m in found]
    return {"text": found[0].text, **found[0].as_dict()}


@pytest.mark.parametrize(
    ("text", "mention", "value", "unit_zh", "multiplier", "base"),
    [
        ("实现地区生产总值138.1亿元,", "138.1亿元", "138.1", "亿元", 8, "13810000000"),
        ("投资两千万元", "两千万元", "2000", "万元", 4, "20000000"),
        ("总投资三点五亿元", "三点五亿元", "3.5", "亿元", 8, "350000000"),
        ("规模达1.23万亿元", "1.23万亿元", "1.23", "万亿元", 12, "1230000000000"),
        ("常住人口40万人", "40万人", "40", "万人", 4, "400000"),
        ("面积183.99平方公里", "183.99平方公里", "183.99", "平方公里", 0, "183.99"),
        ("集中梳理许可事项1129项", "1129项", "1129", "项", 0, "1129"),
        ("“十个一”制度成果和十个项目", "十个", "10", "个", 0, "10"),  # the quoted slogan is a name
        ("三大重点新兴产业", "三大", "3", "大", 0, "3"),
        ("占百分之四十", "百分之四十", "40", "%", 0, "40"),
        ("完成率95.5%", "95.5%", "95.5", "%", 0, "95.5"),
        ("审批最多16天", "最多16天", "16", "天", 0, "16"),
    ],
)
def test_number_mentions(text, mention, value, unit_zh, multiplier, base) -> None:
    found = _only(text)
    assert (found["text"], found["value"], found["unit_zh"], found["unit_multiplier"], found["value_base"]) == (
        mention, value, unit_zh, multiplier, base)


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("共1129项", "eq"),
        ("审批最多40天", "le"),
        ("不超过30天", "le"),
        ("10天以内", "le"),
        ("90%以上事项", "ge"),
        ("超过500家", "ge"),
        ("不少于10项", "ge"),
        ("至少3个", "ge"),
        ("100多个", "ge"),
        ("十余项", "ge"),
        ("约100人", "approx"),
        ("近3000亩", "approx"),
        ("50人左右", "approx"),
        ("再减少一半时间", "approx"),
        ("三大百亿级产业集群", "magnitude"),
        ("3至5万元", "range"),
    ],
)
def test_comparators(text: str, comparator: str) -> None:
    assert find_numbers(text)[-1].comparator == comparator


def test_a_range_keeps_both_ends_in_one_multiplier() -> None:
    found = _only("3至5万元")
    assert (found["value"], found["value_max"], found["unit_multiplier"]) == ("3", "5", 4)


@pytest.mark.parametrize(
    ("text", "role"),
    [("同比增长1.9%", "change"), ("比原来再减少一半时间", "change"), ("下降0.5个百分点", "change"),
     ("增长到100亿元", "level"), ("实现地区生产总值138.1亿元", "level")],
)
def test_growth_rates_are_kept_apart_from_levels(text: str, role: str) -> None:
    assert find_numbers(text)[-1].role == role


@pytest.mark.parametrize(
    ("text", "counted"),
    [("29项可比主要经济指标中", "可比主要经济指标"), ("集中梳理许可事项1129项,", "许可事项"),
     ("龙港将全市划分为32个大网格、", "大网格"), ("实现地区生产总值138.1亿元", "地区生产总值")],
)
def test_what_is_counted(text: str, counted: str) -> None:
    assert find_numbers(text)[-1].counted == counted


@pytest.mark.parametrize(
    "text",
    ["全国第一个", "第一批综合试点", "全域5G网络", "一体化", "进一步", "老百姓", "2020中国论坛", "“三百三新”计划",
     "千万不要"],
)
def test_words_that_are_not_quantities(text: str) -> None:
    assert find_numbers(text) == []


def test_decimal_text_has_no_exponent() -> None:
    assert decimal_text(Decimal("138.1").scaleb(8)) == "13810000000"
    assert decimal_text(Decimal("0.50")) == "0.5"
