"""Reading article files, and every kind of bad input refused with a message and a non-zero exit
(app/ingest/text.py, app/ingest/article.py through `python -m app ingest`)."""

from pathlib import Path

import pytest

from app.cli import main
from app.ingest.text import BadArticle, read_article

ARTICLE = "作者:Admin 来源:本站 发布时间:2020-10-20 03:18:12\n\n  今年上半年,龙港实现地区生产总值138.1亿元,同比增长1.9%。\n"


def write(tmp_path: Path, data: bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def ingest(path: Path, *args: str) -> int:
    return main(["ingest", str(path), *args])


@pytest.mark.parametrize(
    ("data", "args", "message"),
    [
        (b"", (), "is empty"),
        (b"  \n\n ", (), "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (), "binary file"),
        ("龙港".encode() + b"\xff\xfe\xfa" * 40, (), "neither UTF-8 nor GB 18030"),
        ("こんにちは、世界。日本語のテキストです。".encode("shift_jis"), (), "it reads as cp932 (Japanese)"),
        ("안녕하세요 세계, 한국어 텍스트입니다.".encode("euc-kr"), (), "neither UTF-8 nor GB 18030"),
        ("  龙港今年上半年生产总值138.1亿元。\n".encode(), (), "states no publication date"),
        (ARTICLE.encode(), ("--published", "2020-13-01"), "not a calendar date"),
        (ARTICLE.encode(), ("--published", "20 Oct 2020"), "not a date written YYYY-MM-DD"),
        (b"<html><body><script>var a = 1;</script><p>\xe9\xbe\x99\xe6\xb8\xaf</p></body></html>", ("--published",
         "2020-10-20"), "<script> element"),
        ("当前位置:首页\n作者:Admin 来源:本站 发布时间:2020-10-20\n\n免责声明:…\n".encode(), (), "no article body"),
        (ARTICLE.encode() * 1000, ("--max-bytes", "10000"), "over the limit of 10,000"),
    ],
)
def test_bad_input_is_refused_with_a_message(tmp_path, capsys, data, args, message) -> None:
    assert ingest(write(tmp_path, data), *args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing half-written
    assert captured.err.startswith("error: ") and message in captured.err, captured.err
    assert "Traceback" not in captured.err


def test_a_missing_file_is_a_message(tmp_path, capsys) -> None:
    assert ingest(tmp_path / "nowhere.txt", "--published", "2020-10-20") == 1
    assert "cannot read" in capsys.readouterr().err


def test_gb18030_is_detected(tmp_path) -> None:
    text, encoding = read_article(write(tmp_path, ARTICLE.encode("gb18030")))
    assert (text, encoding) == (ARTICLE, "gb18030")


def test_gbk_declared_in_html_is_honoured(tmp_path) -> None:
    html = '<html><head><meta charset="gbk"><title>站名</title></head><body><p>龙港撤镇设市。</p></body></html>'
    text, encoding = read_article(write(tmp_path, html.encode("gbk"), "page.html"))
    assert (text, encoding) == ("龙港撤镇设市。\n", "gb18030")


def test_utf8_with_bom_and_crlf(tmp_path) -> None:
    text, encoding = read_article(write(tmp_path, b"\xef\xbb\xbf" + "第一行\r\n第二行\r\n".encode()))
    assert (text, encoding) == ("第一行\n第二行\n", "utf-8")


def test_html_is_read_through_a_parser(tmp_path) -> None:
    html = ("<!doctype html><html><head><title>不要</title><style>p{color:red}</style></head><body>"
            "<div class=nav>当前位置:首页 &gt; 新闻</div>\n<p>&nbsp;&nbsp;龙港&amp;温州,\n增长1.9%。</p>"
            "<p>第二段。<br>第三行</p><!-- 注释 --></body></html>")
    text, _ = read_article(write(tmp_path, html.encode(), "page.html"))
    assert text == "当前位置:首页 > 新闻\n\n\xa0\xa0龙港&温州,增长1.9%。\n\n第二段。\n第三行\n"


def test_scripts_can_be_dropped_on_request(tmp_path) -> None:
    html = "<html><body><script>document.write('<p>假</p>')</script><p>龙港撤镇设市。</p></body></html>"
    path = write(tmp_path, html.encode(), "page.html")
    with pytest.raises(BadArticle, match="1 <script> element"):
        read_article(path)
    text, _ = read_article(path, drop_scripts=True)
    assert text == "龙港撤镇设市。\n"
