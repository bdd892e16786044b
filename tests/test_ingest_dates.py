"""Date mentions, absolute and relative to publication, one table row per form (app/ingest/dates.py)."""

from datetime import date

import pytest

from app.ingest.dates import find_dates

PUBLISHED = date(2020, 10, 20)


@pytest.mark.parametrize(
    ("text", "mention", "when", "precision", "start", "end", "edtf"),
    [
        ("2019年9月25日,", "2019年9月25日", "2019-09-25", "day", "2019-09-25", "2019-09-25", "2019-09-25"),
        ("2019年9月25号", "2019年9月25号", "2019-09-25", "day", "2019-09-25", "2019-09-25", "2019-09-25"),
        ("二〇一九年九月二十五日", "二〇一九年九月二十五日", "2019-09-25", "day", "2019-09-25", "2019-09-25",
         "2019-09-25"),
        ("1983年10月龙港建镇", "1983年10月", "1983-10", "month", "1983-10-01", "1983-10-31", "1983-10"),
        ("2020年2月", "2020年2月", "2020-02", "month", "2020-02-01", "2020-02-29", "2020-02"),  # a leap year
        ("2014年龙港被纳入", "2014年", "2014", "year", "2014-01-01", "2014-12-31", "2014"),
        ("2020年下半年", "2020年下半年", "2020-H2", "half_year", "2020-07-01", "2020-12-31", "2020-41"),
        ("今年上半年,", "今年上半年", "2020-H1", "half_year", "2020-01-01", "2020-06-30", "2020-40"),
        ("去年上半年", "去年上半年", "2019-H1", "half_year", "2019-01-01", "2019-06-30", "2019-40"),
        ("去年", "去年", "2019", "year", "2019-01-01", "2019-12-31", "2019"),
        ("今年9月", "今年9月", "2020-09", "month", "2020-09-01", "2020-09-30", "2020-09"),
        ("今年9月25日", "今年9月25日", "2020-09-25", "day", "2020-09-25", "2020-09-25", "2020-09-25"),
        ("9月25日,", "9月25日", "2020-09-25", "day", "2020-09-25", "2020-09-25", "2020-09-25"),
        ("12月1日", "12月1日", "2019-12-01", "day", "2019-12-01", "2019-12-01", "2019-12-01"),  # not after publication
        ("日前,", "日前", "2020-10-20", "before", "2020-09-20", "2020-10-20", "[..2020-10-20]"),
        ("近日", "近日", "2020-10-20", "before", "2020-09-20", "2020-10-20", "[..2020-10-20]"),
        ("一年来,", "一年来", "2020-10-20", "before", "2019-10-21", "2020-10-20", "[..2020-10-20]"),
        ("目前,", "目前", "2020-10-20", "before", "2019-10-21", "2020-10-20", "[..2020-10-20]"),
        ("今年以来", "今年以来", "2020-10-20", "before", "2020-01-01", "2020-10-20", "[..2020-10-20]"),
    ],
)
def test_date_forms(text, mention, when, precision, start, end, edtf) -> None:
    found = find_dates(text, PUBLISHED)
    assert len(found) == 1, found
    got = found[0]
    assert (got.text, got.date, got.date_precision, got.date_start.isoformat(), got.date_end.isoformat(),
            got.edtf) == (mention, when, precision, start, end, edtf)
    assert text[got.start : got.end] == mention


@pytest.mark.parametrize("text", ["2019年13月", "2月30日", "12345年", "2020中国(温州·龙港)高峰论坛"])
def test_not_dates(text: str) -> None:
    assert [m.text for m in find_dates(text, PUBLISHED) if m.date_precision in ("day", "month")] == []
    assert all(m.text != "2345年" for m in find_dates(text, PUBLISHED))


def test_longer_reading_wins() -> None:
    assert [m.text for m in find_dates("2019年9月25日,龙港撤镇设市", PUBLISHED)] == ["2019年9月25日"]
