"""Number mentions in a news text: the value as printed, its unit and multiplier, comparator, what it counts,
and whether it is a level (138.1亿元) or a change (同比增长1.9%)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from app.ingest.numerals import ARABIC, CHINESE, NUMERAL, NotANumeral, decimal_text, parse_numeral

# Chinese unit → the seed format's `unit`. Counters (个, 项 …) name their unit after what is counted, which
# is the curator's English; item/count are placeholders that read right in most drafts.
UNITS = {
    "平方公里": "km2", "平方米": "m2", "公里": "km", "公顷": "ha", "亩": "mu", "元": "CNY", "美元": "USD",
    "人次": "person_time", "人": "person", "名": "person", "户": "household", "家": "organisation",
    "%": "percent", "％": "percent", "个百分点": "percentage_point", "倍": "times",
    "个月": "month", "小时": "hour", "分钟": "minute", "天": "day", "日": "day", "年": "year", "岁": "year_of_age",
    "项": "item", "件": "item", "个": "count", "大": "count", "所": "count", "座": "count", "条": "count",
    "枚": "count", "支": "count", "张": "count", "类": "category", "批": "batch", "次": "times", "吨": "tonne",
}
_UNIT_RE = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
COUNTERS = {"项", "件", "个", "大", "所", "座", "条", "枚", "支", "张", "类", "批", "家", "名", "户"}

PREFIX_COMPARATORS = {
    "不超过": "le", "不高于": "le", "不到": "le", "不足": "le", "最多": "le", "至多": "le",
    "不少于": "ge", "不低于": "ge", "至少": "ge", "最少": "ge", "超过": "ge", "逾": "ge",
    "大约": "approx", "约": "approx", "将近": "approx", "接近": "approx", "近": "approx",
}
SUFFIX_COMPARATORS = {"以上": "ge", "以下": "le", "以内": "le", "左右": "approx", "上下": "approx"}
_PREFIX_RE = "|".join(sorted(PREFIX_COMPARATORS, key=len, reverse=True))
_SUFFIX_RE = "|".join(SUFFIX_COMPARATORS)

MENTION_RE = re.compile(
    rf"(?P<prefix>{_PREFIX_RE})?"
    rf"(?:百分之(?P<pct>{CHINESE}|{ARABIC})(?P<pct_suffix>{_SUFFIX_RE})?"
    rf"|(?P<half>一半|半数)"
    rf"|(?P<num>{NUMERAL})(?:[至到~～\-—–](?P<high>{NUMERAL}))?(?P<more>多|余)?(?P<magnitude>级)?"
    rf"(?P<unit>{_UNIT_RE})?(?P<suffix>{_SUFFIX_RE})?)"
)
# A change, not a level, when the number follows one of these (增长1.9%, 再减少一半); 增长到/达到 are levels.
_CHANGE_RE = re.compile(r"(?:增长|下降|增加|减少|提高|降低|上升|下滑|回落|提升|缩短|压缩|增幅|降幅|增速)(?:了|为)?$")
_STOPS = set(",,。;;::、!!??()()“”\"'《》 \n\t的中在已和与及并或等是有为将把对向从")
# Verbs that open a clause before the thing measured: 实现地区生产总值 → 地区生产总值.
_LEADING_VERBS = ("集中梳理", "梳理", "实现", "完成", "划分为", "建成", "新增", "累计", "共有", "全市", "全面")


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    value: Decimal
    value_max: Decimal | None  # the upper end of a range (3至5个); comparator is then "range"
    unit: str | None
    unit_zh: str | None
    unit_multiplier: int
    comparator: str  # eq, le, ge, approx, magnitude (百亿级: of that order), range
    counted: str | None
    role: str  # "level" or "change" (a growth rate is not a level)

    @property
    def value_base(self) -> Decimal:
        return self.value.scaleb(self.unit_multiplier)

    def as_dict(self) -> dict:
        return {
            "value": decimal_text(self.value),
            "value_max": None if self.value_max is None else decimal_text(self.value_max),
            "unit": self.unit, "unit_zh": self.unit_zh, "unit_multiplier": self.unit_multiplier,
            "value_base": decimal_text(self.value_base), "comparator": self.comparator,
            "counted": self.counted, "role": self.role,
        }


def _is_quantity(match: re.Match, body: str) -> bool:
    """Numerals that are not quantities: ordinals (第一), 5G, lone 一 (一体化, 进一步), 百姓, years without 年."""
    num = match["num"]
    if num is None:
        return True
    start, end = match.start("num"), match.end("num")
    before, after = body[start - 1 : start], body[end : end + 1]
    if before == "第" or re.match(r"[A-Za-z]", after) or re.match(r"[A-Za-z]", before):
        return False
    if re.match(r"[0-9０-９]", num):
        # A bare 19xx/20xx without a unit is a year used as a name (2020中国…论坛), not a count.
        return not (re.fullmatch(r"(?:19|20)\d\d", num) and not match["unit"] and not match["more"])
    if num == "一" or not re.search(r"[零〇一二两三四五六七八九十百千]", num):
        return False
    # Chinese numerals without a multiplier or a unit are words far more often than numbers (千万不要, 三新).
    # 千万 (“by all means”) has no digit: a multiplier alone counts only with a unit or 级 (百亿级).
    if match["unit"] or match["magnitude"]:
        return True
    return bool(re.search(r"[万亿]$", num) and re.search(r"[零〇一二两三四五六七八九]", num))


def _counted(body: str, match: re.Match) -> str | None:
    """What the number counts: the words after a counter (29项可比主要经济指标), else the words before it
    (许可事项1129项, 地区生产总值138.1亿元)."""
    unit = match["unit"]
    if unit in COUNTERS:
        after = ""
        for char in body[match.end() : match.end() + 12]:
            if char in _STOPS:
                break
            after += char
        if after:
            return after
    before = ""
    for char in reversed(body[max(0, match.start() - 12) : match.start()]):
        if char in _STOPS:
            break
        before = char + before
    for verb in _LEADING_VERBS:
        before = before.removeprefix(verb)
    return before or None


def _mention(match: re.Match, body: str) -> NumberMention:
    prefix = PREFIX_COMPARATORS.get(match["prefix"] or "", "eq")
    role = "change" if _CHANGE_RE.search(body[max(0, match.start() - 6) : match.start()]) else "level"
    if match["pct"]:
        value, power = parse_numeral(match["pct"])
        comparator = SUFFIX_COMPARATORS.get(match["pct_suffix"] or "", prefix)
        return NumberMention(match.start(), match.end(), match[0], value.scaleb(power), None, "percent", "%", 0,
                             comparator, _counted(body, match), role)
    if match["half"]:
        # “减少一半” is read as 50 %, and approximate: news prose rounds to a half.
        return NumberMention(match.start(), match.end(), match[0], Decimal(50), None, "percent", "%", 0,
                             "approx", _counted(body, match), role)
    value, power = parse_numeral(match["num"])
    high = None
    comparator = SUFFIX_COMPARATORS.get(match["suffix"] or "", prefix)
    if match["high"]:
        high_value, high_power = parse_numeral(match["high"])
        if high_power and not power:  # 3至5万: the multiplier is written once, on the upper end
            power = high_power
        high = high_value.scaleb(high_power - power)
        comparator = "range"
    if match["more"]:
        comparator = "ge"  # 100多个, 十余项: more than
    if match["magnitude"]:
        comparator = "magnitude"  # 百亿级: of the order of 100亿
    unit = match["unit"]
    multiplier_word = {12: "万亿", 8: "亿", 4: "万"}.get(power, "")
    unit_zh = (multiplier_word + (unit or "")) or None
    return NumberMention(match.start(), match.end(), match[0], value, high, UNITS.get(unit or ""), unit_zh, power,
                         comparator, _counted(body, match), role)


# A short quoted phrase is a slogan or a name (“十个一”, “三百三新”计划, “一枚印章管审批”): its numerals
# are part of the name, not quantities.
SLOGAN_RE = re.compile(r"“[^”\n]{1,10}”")


def find_numbers(body: str, taken: list[tuple[int, int]] = ()) -> list[NumberMention]:
    """Number mentions outside the spans given (date mentions: 2019年9月25日 holds no quantity) and slogans."""
    found = []
    taken = [*taken, *((m.start(), m.end()) for m in SLOGAN_RE.finditer(body))]
    for match in MENTION_RE.finditer(body):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        if not _is_quantity(match, body):
            continue
        try:
            found.append(_mention(match, body))
        except NotANumeral:
            continue
    return found
