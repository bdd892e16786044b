"""The tokenizer, as a table: what the index stores for a text, and what a query asks for."""

import pytest

from app.search.terms import index_terms, query_units, unit_matches


@pytest.mark.parametrize(("text", "terms"), [
    ("5G网络", {"5g", "网", "络", "网络"}),  # letters and digits together are one token
    ("50%", {"50"}),
    ("138.1亿元", {"138.1", "亿", "元", "亿元"}),  # a decimal stays whole
    ("2020-H1", {"2020", "h1"}),
    ("Ｇ５ Approvals", {"g5", "approvals"}),  # width and case folded
    ("熊 丽", {"熊", "丽"}),
])
def test_index_terms(text: str, terms: set[str]) -> None:
    assert index_terms(text) == terms


@pytest.mark.parametrize(("query", "text", "found"), [
    ("5G", "在全国率先实现全域5G网络全覆盖", 9),
    ("5G", "实现90%以上事项在网格一线解决,比原来再减少一半时间(50%)", -1),  # not the 50 of 50%
    ("5", "50%", 0),  # a number still matches by prefix
    ("approv", "one seal for approvals", 13),
])
def test_a_query_unit_matches_where_the_index_would(query: str, text: str, found: int) -> None:
    (unit,) = query_units(query)
    assert unit_matches(unit, text.lower()) == found
