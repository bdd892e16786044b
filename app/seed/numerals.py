"""Does a number appear in a quote? Arabic digits or Chinese numerals (三大, 十大, 一千一百二十九, 一半)."""

import re
from decimal import Decimal

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_numeral(n: int) -> set[str]:
    """Spellings of a whole number below 10,000 in Chinese numerals (一百 and the colloquial 百 alike)."""
    if n < 10:
        return {_DIGITS[n]} | ({"两"} if n == 2 else set())
    parts, zero_pending = [], False
    rest = n
    for size, unit in _UNITS:
        digit, rest = divmod(rest, size)
        if digit:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            parts.append(_DIGITS[digit] + unit)
        elif parts:
            zero_pending = True
    if rest:
        if zero_pending:
            parts.append("零")
        parts.append(_DIGITS[rest])
    full = "".join(parts)
    spellings = {full}
    if full.startswith("一十") or full.startswith("一百") or full.startswith("一千"):
        spellings.add(full[1:])  # 十五, 百亿级, 千
    return spellings


def number_in_text(value: Decimal, text: str) -> bool:
    plain = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    # Arabic digits, not as part of a longer number (9 must not match inside 1129).
    if re.search(rf"(?<![\d.]){re.escape(plain)}(?![\d]|\.\d)", text):
        return True
    if value == value.to_integral() and 0 <= value < 10000:
        if any(s in text for s in chinese_numeral(int(value))):
            return True
    # Halves are written 一半 (“减少一半”) or 半.
    if value in (Decimal("0.5"), Decimal(50)) and "半" in text:
        return True
    return False
