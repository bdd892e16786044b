"""Dates in a news text, absolute (2019年9月25日) or relative to publication (今年上半年, 日前), with precision and range.

Precisions and labels are the seed format's (seed_data/README.md): day `2019-09-25`, month `1983-10`,
year `2014`, half_year `2020-H1`, and `before` (“日前”, “目前”: on or before the publication date).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.ingest.numerals import NotANumeral, parse_numeral

# How far back an open “on or before” reaches, for date_start; a curator narrows it from the context.
RECENT_DAYS = 30  # 日前, 近日: “a few days/weeks ago”
CURRENT_STATE_DAYS = 365  # 目前: a state that holds at publication, reached within about a year

_N = r"[0-9]{1,2}|[一二三四五六七八九十]{1,3}"
_YEAR = r"[0-9]{4}|[零〇一二三四五六七八九]{4}"
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1, "本年": 0, "上年": -1}
_HALVES = {"上": 1, "下": 2}

ABSOLUTE_RE = re.compile(
    rf"(?<![0-9零〇一二三四五六七八九])(?P<year>{_YEAR})年(?:(?P<half>[上下])半年|(?P<month>{_N})月(?:份)?(?:(?P<day>{_N})[日号])?)?"
)
RELATIVE_YEAR_RE = re.compile(
    rf"(?P<rel>今年|去年|前年|明年|本年|上年)(?:(?P<half>[上下])半年|(?P<month>{_N})月(?:份)?(?:(?P<day>{_N})[日号])?"
    r"|(?P<since>以来))?"
)
MONTH_DAY_RE = re.compile(rf"(?<![0-9年月])(?P<month>{_N})月(?P<day>{_N})[日号]")
YEARS_SINCE_RE = re.compile(rf"(?P<n>{_N}|一|两|半)年(?:来|以来)")
BEFORE_WORDS = {"日前": RECENT_DAYS, "近日": RECENT_DAYS, "目前": CURRENT_STATE_DAYS, "当前": CURRENT_STATE_DAYS}
BEFORE_RE = re.compile("|".join(BEFORE_WORDS))


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets of the date words in the body
    end: int
    text: str
    date: str  # as precisely as the text states it, in the seed format
    date_precision: str
    date_start: date
    date_end: date
    edtf: str


def _number(text: str) -> int:
    value, power = parse_numeral(text)
    if power or value != value.to_integral():
        raise NotANumeral(text)
    return int(value)


def _year(text: str) -> int:
    return _number(text) if text.isdigit() else int("".join(str(_number(c)) for c in text))


def resolved(year: int, month: int | None = None, day: int | None = None, half: int | None = None) -> tuple:
    """(date, precision, start, end, edtf) of a calendar date stated to the day, month, half-year or year."""
    if day is not None and month is not None:
        when = date(year, month, day)  # ValueError for 2月30日: not a date, not a mention
        return when.isoformat(), "day", when, when, when.isoformat()
    if month is not None:
        last = calendar.monthrange(year, month)[1]
        label = f"{year:04d}-{month:02d}"
        return label, "month", date(year, month, 1), date(year, month, last), label
    if half is not None:
        start, end = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
        return f"{year:04d}-H{half}", "half_year", start, end, f"{year:04d}-{39 + half}"  # EDTF semesters 40/41
    return f"{year:04d}", "year", date(year, 1, 1), date(year, 12, 31), f"{year:04d}"


def on_or_before(published: date, reach_days: int) -> tuple:
    """“日前”, “目前”, “一年来”: on or before publication; the start is how far back the words plausibly reach."""
    return published.isoformat(), "before", published - timedelta(days=reach_days), published, f"[..{published}]"


def _mention(match: re.Match, fields: tuple) -> DateMention:
    return DateMention(match.start(), match.end(), match[0], *fields)


def _calendar(match: re.Match, year: int) -> tuple:
    groups = match.groupdict()
    month = _number(groups["month"]) if groups.get("month") else None
    day = _number(groups["day"]) if groups.get("day") else None
    half = _HALVES[groups["half"]] if groups.get("half") else None
    return resolved(year, month, day, half)


def find_dates(body: str, published: date) -> list[DateMention]:
    """Every date mention, in body order; a longer reading wins where two overlap (2019年9月25日 over 9月25日)."""
    found: list[DateMention] = []
    taken = [False] * (len(body) + 1)

    def keep(match: re.Match, fields: tuple) -> None:
        if any(taken[match.start() : match.end()]):
            return
        found.append(_mention(match, fields))
        for i in range(match.start(), match.end()):
            taken[i] = True

    def each(pattern: re.Pattern, reading) -> None:
        for match in pattern.finditer(body):
            try:
                fields = reading(match)
            except (ValueError, NotANumeral):
                continue  # 13月, 2月30日: digits next to 月 that are not a date
            if fields:
                keep(match, fields)

    each(ABSOLUTE_RE, lambda m: _calendar(m, _year(m["year"])))
    each(RELATIVE_YEAR_RE, lambda m: _relative_year(m, published))
    each(MONTH_DAY_RE, lambda m: _month_day(m, published))
    each(YEARS_SINCE_RE, lambda m: on_or_before(published, _years_since_days(m["n"])))
    each(BEFORE_RE, lambda m: on_or_before(published, BEFORE_WORDS[m[0]]))
    return sorted(found, key=lambda mention: mention.start)


def _relative_year(match: re.Match, published: date) -> tuple:
    year = published.year + _RELATIVE_YEARS[match["rel"]]
    if match["since"]:  # 今年以来: from 1 January to publication
        return published.isoformat(), "before", date(year, 1, 1), published, f"[..{published}]"
    return _calendar(match, year)


def _month_day(match: re.Match, published: date) -> tuple:
    """9月25日 without a year is the latest such day on or before publication (news reports the past)."""
    fields = resolved(published.year, _number(match["month"]), _number(match["day"]))
    if fields[2] > published:
        fields = resolved(published.year - 1, _number(match["month"]), _number(match["day"]))
    return fields


def _years_since_days(n: str) -> int:
    return 182 if n == "半" else 365 * _number(n)
