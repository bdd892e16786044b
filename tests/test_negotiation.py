"""The Accept / Accept-Language / Accept-Encoding parser, as tables of cases (RFC 9110 §12 and its examples)."""

import pytest

from app.api.negotiation import (
    Format,
    Lang,
    Preference,
    accept_key,
    accepts_gzip,
    accepts_media,
    choose_format,
    choose_language,
    field_value,
    media_quality,
    parse_preferences,
)

J, C, N = Format.json, Format.csv, Format.ndjson


@pytest.mark.parametrize(("header", "expected"), [
    ("text/html", [Preference("text/html", 1.0)]),
    ("Text/HTML;Q=0.5", [Preference("text/html", 0.5)]),
    ("text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, */*;q=0.5",
     [Preference("text/*", 0.3), Preference("text/plain", 0.7), Preference("text/plain", 1.0),
      Preference("*/*", 0.5)]),
    ("a/b;q=1.000, c/d;q=0.001, e/f;q=0.", [Preference("a/b", 1.0), Preference("c/d", 0.001),
                                           Preference("e/f", 0.0)]),
    # Malformed weights make an element unacceptable, never preferred.
    ("a/b;q=2, c/d;q=-1, e/f;q=0.0001, g/h;q=, i/j;q=1.5", [Preference(v, 0.0) for v in
                                                            ("a/b", "c/d", "e/f", "g/h", "i/j")]),
    ("a/b;q=0.5;ext=1;q=0.9", [Preference("a/b", 0.5)]),  # what follows q is accept-ext
    (" , ,a/b,, ", [Preference("a/b", 1.0)]),
    ("", []),
])
def test_parse_preferences(header: str, expected: list[Preference]) -> None:
    assert parse_preferences(header) == expected


# RFC 9110 §12.5.1's example: the most specific range sets each type's quality.
RFC_ACCEPT = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5"


@pytest.mark.parametrize(("media_type", "q"), [
    ("text/plain", 0.7),  # parameters other than q are not matched here; the first exact range wins
    ("text/html", 0.3),
    ("image/jpeg", 0.5),
    ("text/csv", 0.3),
])
def test_media_quality_rfc_example(media_type: str, q: float) -> None:
    assert media_quality(parse_preferences(RFC_ACCEPT), media_type) == q


@pytest.mark.parametrize(("accept", "offered", "expected"), [
    (None, (J, C, N), J),
    ("", (J, C, N), J),
    ("*/*", (J, C, N), J),
    ("text/csv", (J, C, N), C),
    ("text/*", (J, C, N), C),
    ("application/*", (J, C, N), J),
    ("application/x-ndjson", (J, C, N), N),
    ("application/ndjson", (J, C, N), N),
    ("text/csv;q=0.5, application/json", (J, C, N), J),
    ("application/x-ndjson, application/json;q=0.1", (J, C, N), N),
    ("image/png, */*;q=0.1", (J, C, N), J),
    ("text/csv, application/json", (J, C, N), J),  # a tie goes to the server's order
    ("application/x-ndjson, */*", (J, C, N), N),  # at equal q, the type named beats the wildcard
    ("text/*, application/json", (J, C, N), J),
    ("text/csv, application/*", (J, C, N), C),
    ("text/csv;q=0.9, */*", (J, C, N), J),
    ("text/csv;q=0, text/*", (J, C, N), None),  # the specific refusal beats the wildcard
    ("text/csv;q=0, */*", (J, C, N), J),
    ("application/json;q=0", (J, C, N), None),
    ("application/json;q=0, */*", (J, C, N), C),
    ("image/png", (J, C, N), None),
    ("nonsense", (J, C, N), None),
    ("application/jsonx", (J, C, N), None),
    ("text/csvx, application/json;q=0", (J, C, N), None),
    ("application/problem+json", (J, C, N), None),
    ("text/csv", (J,), None),
    ("*/*", (C, J), C),
])
def test_choose_format(accept: str | None, offered: tuple[Format, ...], expected: Format | None) -> None:
    assert choose_format(accept, offered) is expected


@pytest.mark.parametrize(("accept", "acceptable"), [
    (None, True), ("text/plain", True), ("text/*", True), ("*/*", True), ("text/plain;charset=utf-8", True),
    ("text/plainx", False), ("text/plain;q=0", False), ("text/plain;q=0, text/*", False),
    ("text/html", False), ("application/json", False), ("text/*;q=0", False), ("text/plain;q=0.001", True),
])
def test_accepts_text_plain(accept: str | None, acceptable: bool) -> None:
    assert accepts_media(accept, "text/plain") is acceptable


@pytest.mark.parametrize(("header", "expected"), [
    (None, Lang.all), ("", Lang.all), ("*", Lang.all), ("fr", Lang.all), ("fr, de;q=0.5", Lang.all),
    ("zh", Lang.zh), ("zh-CN", Lang.zh), ("zh-Hans-CN", Lang.zh), ("ZH-tw", Lang.zh),
    ("en", Lang.en), ("en-US", Lang.en), ("en-GB;q=0.8", Lang.en),
    ("en;q=0.3, zh-Hans;q=0.8", Lang.zh),
    ("fr-FR, en;q=0.5", Lang.en),
    ("zh;q=0, en", Lang.en),
    ("zh;q=0, *", Lang.en),  # the wildcard accepts what was not refused
    ("zh, *", Lang.zh),
    ("*, en", Lang.en),  # named beats the wildcard at equal q
    ("*;q=0.5, en;q=0.1", Lang.zh),  # zh is accepted through * with the higher q
    ("en, zh", Lang.en), ("zh, en", Lang.zh),  # equal q: the first named
    ("zh;q=0.5, en;q=0.5", Lang.zh),
    ("zh;q=0, en;q=0", Lang.all),  # everything refused: we serve both rather than nothing
    ("zh-CN;q=0.9, zh;q=0.1, en;q=0.5", Lang.zh),  # the best range naming a language counts
    ("zh;q=x, en;q=0.1", Lang.en),
])
def test_choose_language(header: str | None, expected: Lang) -> None:
    assert choose_language(header) is expected


@pytest.mark.parametrize(("header", "gzip"), [
    (None, False), ("", False), ("gzip", True), ("x-gzip", True), ("GZip", True), ("gzip, deflate, br", True),
    ("gzip;q=0", False), ("gzip;q=0.001", True), ("x-notgzip", False), ("gzipx", False), ("identity", False),
    ("*", True), ("*;q=0", False), ("gzip;q=0, *", False), ("br, *;q=0.2", True), ("x-gzip;q=0, gzip", True),
    ("gzip;q=1.1", False),
])
def test_accepts_gzip(header: str | None, gzip: bool) -> None:
    assert accepts_gzip(header) is gzip


def test_field_value_joins_repeated_lines_in_order() -> None:
    headers = [(b"accept", b"application/x-ndjson"), (b"x-other", b"1"), (b"accept", b"*/*")]
    assert field_value(headers, b"accept") == "application/x-ndjson, */*"
    assert field_value(headers, b"accept-language") is None


@pytest.mark.parametrize(("one", "other"), [
    (None, "*/*"),  # absent or */*: the same choice on every route
    ("application/json", "application/json;q=0.9"),
    ("text/csv, application/json;q=0.5", "text/csv;q=0.8, application/json;q=0.2, x/" + "y" * 500),
    ("text/*", "text/csv, text/plain, text/x-whatever"),
])
def test_accept_key_is_the_same_for_headers_that_decide_the_same(one: str | None, other: str) -> None:
    for offered in ((J, C, N), (J,), (C, J), (N, J)):
        assert choose_format(one, offered) is choose_format(other, offered)
    assert accepts_media(one, "text/plain") is accepts_media(other, "text/plain")
    if one is not None:
        assert accept_key(one) == accept_key(other)


@pytest.mark.parametrize(("one", "other"), [
    ("application/json", "text/csv"),
    ("text/csv, application/json", "text/csv, application/json;q=0.9"),
    ("text/*", "text/csv"),  # text/plain differs
    ("*/*", "application/json"),
    ("application/x-ndjson, */*", "*/*"),  # NDJSON named: a different choice
])
def test_accept_key_differs_when_a_choice_can_differ(one: str, other: str) -> None:
    assert accept_key(one) != accept_key(other)


def test_accept_key_space_is_small() -> None:
    """However a client varies its header text, only a few dozen distinct keys exist."""
    keys = set()
    for a in (0, 0.1, 0.5, 1):
        for b in (0, 0.2, 0.5, 1):
            for c in (0, 0.3, 1):
                for junk in range(20):
                    keys.add(accept_key(f"application/json;q={a}, text/csv;q={b}, text/plain;q={c}, x/{junk}"))
    assert len(keys) <= 4 * 4 * 3
