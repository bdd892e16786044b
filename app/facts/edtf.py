"""EDTF (ISO 8601-2) strings for dates stated with a precision, and the days the `edtf` library reads in them."""

import datetime as dt
import time

from edtf import EDTFObject, EDTFParseException, parse_edtf

from app.models.enums import DatePrecision

# ISO 8601-2 sub-year groupings (EDTF level 2): 33–36 are the quarters, 40 and 41 the two semesters.
_SUB_YEAR = {"Q1": "33", "Q2": "34", "Q3": "35", "Q4": "36", "H1": "40", "H2": "41"}


def event_edtf(precision: DatePrecision, start: dt.date, end: dt.date) -> str:
    """The EDTF string of an event dated with `precision` over the days start..end."""
    match precision:
        case DatePrecision.day:
            return start.isoformat()
        case DatePrecision.month:
            return f"{start.year:04d}-{start.month:02d}"
        case DatePrecision.year:
            return f"{start.year:04d}"
        case DatePrecision.half_year:
            return f"{start.year:04d}-{_SUB_YEAR['H1' if start.month <= 6 else 'H2']}"
        case DatePrecision.before:
            # `before` promises only the last possible day; date_start (the city's founding, or its first
            # anniversary for 日前) is read from context, so the set stays open: one day, on or before end.
            return f"[..{end.isoformat()}]"
    raise ValueError(f"no EDTF form for date_precision {precision!r}")


def period_edtf(period: str) -> str:
    """The EDTF string of an observation's period label: 2020-H1 → 2020-40, 2020-Q3 → 2020-35; a year,
    month or day is already ISO 8601 and stays as it is."""
    year, _, rest = period.partition("-")
    return f"{year}-{_SUB_YEAR[rest]}" if rest in _SUB_YEAR else period


def parse(text: str) -> EDTFObject:
    """The library's reading of `text`; ValueError (with its reason) if it is not EDTF."""
    try:
        return parse_edtf(text)
    except EDTFParseException as exc:
        raise ValueError(f"{text!r} is not an EDTF (ISO 8601-2) date: {exc}") from None


def bounds(value: EDTFObject) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day `value` may refer to, as the library computes them (lower_strict /
    upper_strict); None where the value is open (`..`)."""
    return _day(value.lower_strict()), _day(value.upper_strict())


def _day(moment: time.struct_time | float) -> dt.date | None:
    if isinstance(moment, float):  # the library's ±inf for an open end
        return None
    try:
        return dt.date(moment.tm_year, moment.tm_mon, moment.tm_mday)
    except ValueError as exc:  # a year before 1 or after 9999 (Y-20000, 0000)
        raise ValueError(f"year {moment.tm_year} is out of range of the days we serve: {exc}") from None
