"""app.facts.edtf: the EDTF (ISO 8601-2) string of each precision, and the days the `edtf` library reads in it."""

import datetime as dt

import pytest

from app.facts.edtf import bounds, event_edtf, parse, period_edtf
from app.models.enums import DatePrecision

D = dt.date

# (precision, date_start, date_end) → the EDTF string; every precision, the seed file's cases first.
EVENT_CASES = [
    (DatePrecision.day, D(2019, 9, 25), D(2019, 9, 25), "2019-09-25"),
    (DatePrecision.day, D(2020, 2, 29), D(2020, 2, 29), "2020-02-29"),
    (DatePrecision.month, D(1983, 10, 1), D(1983, 10, 31), "1983-10"),
    (DatePrecision.month, D(2021, 2, 1), D(2021, 2, 28), "2021-02"),
    (DatePrecision.year, D(2014, 1, 1), D(2014, 12, 31), "2014"),
    (DatePrecision.year, D(987, 1, 1), D(987, 12, 31), "0987"),  # EDTF years have four digits
    (DatePrecision.half_year, D(2020, 1, 1), D(2020, 6, 30), "2020-40"),
    (DatePrecision.half_year, D(2020, 7, 1), D(2020, 12, 31), "2020-41"),
    (DatePrecision.before, D(2019, 9, 25), D(2020, 10, 20), "[..2020-10-20]"),
    (DatePrecision.before, D(2020, 9, 25), D(2020, 10, 20), "[..2020-10-20]"),  # the start is not in the string
]


@pytest.mark.parametrize(("precision", "start", "end", "expected"), EVENT_CASES)
def test_event_edtf(precision: DatePrecision, start: dt.date, end: dt.date, expected: str) -> None:
    assert event_edtf(precision, start, end) == expected


@pytest.mark.parametrize(("precision", "start", "end", "text"), EVENT_CASES)
def test_the_library_reads_the_days_back(precision: DatePrecision, start: dt.date, end: dt.date, text: str) -> None:
    """What the validator relies on: the library's lower_strict/upper_strict are the range (open before `..`)."""
    assert bounds(parse(text)) == (None if precision is DatePrecision.before else start, end)


@pytest.mark.parametrize(("period", "expected", "days"), [
    ("2020-H1", "2020-40", (D(2020, 1, 1), D(2020, 6, 30))),
    ("2020-H2", "2020-41", (D(2020, 7, 1), D(2020, 12, 31))),
    ("2020-Q1", "2020-33", (D(2020, 1, 1), D(2020, 3, 31))),
    ("2020-Q2", "2020-34", (D(2020, 4, 1), D(2020, 6, 30))),
    ("2020-Q3", "2020-35", (D(2020, 7, 1), D(2020, 9, 30))),
    ("2020-Q4", "2020-36", (D(2020, 10, 1), D(2020, 12, 31))),
    ("2020", "2020", (D(2020, 1, 1), D(2020, 12, 31))),
    ("2020-10", "2020-10", (D(2020, 10, 1), D(2020, 10, 31))),
    ("2020-10-20", "2020-10-20", (D(2020, 10, 20), D(2020, 10, 20))),
])
def test_period_edtf(period: str, expected: str, days: tuple[dt.date, dt.date]) -> None:
    assert period_edtf(period) == expected
    assert bounds(parse(expected)) == days


@pytest.mark.parametrize("text", ["", "2020-H1", "2020-13", "2020-02-30", "1983-1", "[..]", "20201020", "2020-42"])
def test_what_is_not_edtf_is_a_value_error_quoting_it(text: str) -> None:
    with pytest.raises(ValueError, match="is not an EDTF") as caught:
        parse(text)
    assert repr(text) in str(caught.value)


def test_a_day_outside_python_dates_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="out of range"):
        bounds(parse("Y20000"))
