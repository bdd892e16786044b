"""Re-post chrome is cut and the article body kept verbatim (app/ingest/chrome.py)."""

import hashlib

import pytest

from app.config import REPO_ROOT
from app.ingest.chrome import strip_chrome

SOURCES = REPO_ROOT / "seed_data" / "sources"
SLUG = "economic-daily-2020-10-20-longgang"
BODY_SHA256 = "b8d496f0bbd7103edb0f9b147043457a46479479b51cfe29b55cae9c1cdf2560"  # sources.yaml


def test_the_seed_repost_gives_the_curated_body_byte_for_byte() -> None:
    page = (SOURCES / f"{SLUG}.repost.txt").read_text(encoding="utf-8")
    body = (SOURCES / f"{SLUG}.txt").read_text(encoding="utf-8")
    stripped = strip_chrome(page)
    assert stripped.body == body
    assert hashlib.sha256(stripped.body.encode()).hexdigest() == BODY_SHA256
    assert page[stripped.start : stripped.end] == body
    assert stripped.published == "2020-10-20"


def test_a_clean_body_is_left_as_it_is() -> None:
    body = (SOURCES / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert strip_chrome(body).body == body


@pytest.mark.parametrize(
    ("page", "body"),
    [
        ("当前位置:首页 > 新闻\n\n标题\n\n作者:Admin   来源:本站   发布时间:2021-03-01 10:00\n\n  正文一。\n\n  正文二。\n",
         "  正文一。\n\n  正文二。\n"),
        ("您的位置:首页>国内\n  正文。\n", "  正文。\n"),
        ("来源:新华社  时间:2021-03-01\n正文。\n", "正文。\n"),
        ("  正文。\n\n免责声明:本文仅代表作者观点。\n\n上一篇文章:甲\n\n下一篇文章:乙", "  正文。\n"),
        ("  正文。\n责任编辑:张三\n", "  正文。\n"),
        ("  正文。\n\n上一篇:甲\n下一篇:乙\n", "  正文。\n"),
        ("  正文。\n\n【打印本页】【关闭窗口】\n", "  正文。\n"),
        ("  正文。\n\n版权所有 © 某某网\n", "  正文。\n"),
        ("  正文。", "  正文。"),  # no final newline: nothing is added
    ],
)
def test_chrome_forms(page: str, body: str) -> None:
    assert strip_chrome(page).body == body


def test_a_byline_deep_in_the_body_is_text() -> None:
    # Headers are looked for near the top only: a paragraph quoting “来源:…时间:…” far down stays.
    lines = [f"  第{i}段。" for i in range(20)] + ["  来源:统计局 时间:2020-01-01 的数据显示。"]
    page = "\n".join(lines) + "\n"
    assert strip_chrome(page).body == page


def test_a_page_of_chrome_only_has_no_body() -> None:
    assert strip_chrome("当前位置:首页\n作者:Admin 来源:本站 发布时间:2020-10-20\n\n免责声明:…\n").body == ""
