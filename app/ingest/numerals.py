"""Chinese, Arabic and mixed numerals (1129, 三点五亿, 1.23万亿, 两千万, 百分之四十) read as exact decimals."""

import re
import unicodedata
from decimal import Decimal

# cn2an is not installed here, and the issue records that it misreads 三点五亿 and 1.23万亿: a small
# reader of our own, tested per form (tests/test_ingest_numerals.py), is the safer dependency.

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 1, "百": 2, "千": 3}  # powers of ten inside a four-digit section
MULTIPLIERS = {"万亿": 12, "亿": 8, "万": 4}  # the powers of ten a Chinese unit carries (unit_multiplier)

_CN = "零〇一二两三四五六七八九十百千万亿"
ARABIC = r"[0-9０-９]+(?:[,，][0-9]{3})*(?:[.．][0-9０-９]+)?"
CHINESE = rf"[{_CN}]+(?:点[零〇一二三四五六七八九]+[万亿]*)?"
# One numeral as printed: Arabic digits, optionally with 十/百/千 (5千), or a run of Chinese numerals;
# then the multiplier word if one follows (两千万, 1.23万亿, 138.1亿).
NUMERAL = rf"(?:{ARABIC}[十百千]?|{CHINESE})(?:万亿|亿|万)?"
NUMERAL_RE = re.compile(NUMERAL)


class NotANumeral(ValueError):
    """The text is not a numeral this module reads."""


def split_multiplier(text: str) -> tuple[str, int]:
    """A trailing 万/亿/万亿 is the unit multiplier, as the seed format keeps it: 138.1亿 → ('138.1', 8)."""
    for word, power in MULTIPLIERS.items():  # 万亿 first: it ends in 亿
        if text.endswith(word) and len(text) > len(word):
            return text[: -len(word)], power
    return text, 0


def _section(text: str) -> int:
    """A whole number below 10,000 in Chinese numerals: 一千一百二十九, 十五, 百, 两千, 三百零三."""
    total, digit = 0, None
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            total += (1 if digit is None else digit) * 10 ** SMALL_UNITS[char]  # 十五, 百亿: an implied 一
            digit = None
        else:
            raise NotANumeral(text)
    return total + (digit or 0)


def _chinese_integer(text: str) -> int:
    """Sections joined by 亿 and 万 (十二万三千 = 123000); a bare run of digits (二〇一九) reads digit by digit."""
    if text and all(char in DIGITS for char in text) and len(text) > 1:
        return int("".join(str(DIGITS[char]) for char in text))
    total = 0
    for word, power in (("亿", 8), ("万", 4)):
        if word in text:
            head, text = text.split(word, 1)
            total += _chinese_integer(head) * 10**power if head else 10**power
    return total + (_section(text) if text else 0)


def _plain(text: str) -> Decimal:
    """Digits with an optional 十/百/千 (5千 = 5000), or Chinese numerals with an optional 点 fraction."""
    text = unicodedata.normalize("NFKC", text).replace(",", "")
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return Decimal(text)
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([十百千])", text)
    if match:
        return Decimal(match[1]) * 10 ** SMALL_UNITS[match[2]]  # 5000, not 5E+3
    if "点" in text:
        whole, fraction = text.split("点", 1)
        if not fraction or any(char not in DIGITS for char in fraction):
            raise NotANumeral(text)
        digits = "".join(str(DIGITS[char]) for char in fraction)
        return Decimal(_chinese_integer(whole) if whole else 0) + Decimal(f"0.{digits}")
    if not text:
        raise NotANumeral(text)
    return Decimal(_chinese_integer(text))


def parse_numeral(text: str) -> tuple[Decimal, int]:
    """(value, unit_multiplier) of a numeral as printed: 三点五亿 → (3.5, 8), 1.23万亿 → (1.23, 12), 1129 → (1129, 0).

    The value is exact (Decimal, never float) and counts in units of 10**unit_multiplier, so
    value_base = value × 10**unit_multiplier.
    """
    body, power = split_multiplier(text)
    # 三点五亿 and 十二万三千: a 点 fraction or an inner 万 belongs to the value, only the last word multiplies.
    if "点" in body and re.search(r"[万亿]$", body):
        raise NotANumeral(text)
    return _plain(body), power


def decimal_text(value: Decimal) -> str:
    """An exact decimal without exponent or trailing zeros: 13810000000, 138.1, 0.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text

