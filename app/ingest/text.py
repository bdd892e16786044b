"""Reading an article file: size, binary and encoding checks (UTF-8 or GB 18030), and HTML reduced to its text."""

import re
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer

MAX_BYTES = 2_000_000  # a long news article is ~50 KB as HTML; anything much bigger is not one article
_SNIFF = 8192

# Elements whose content is never article text; <script> is refused outright unless the caller drops it.
_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
           "footer", "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figure", "figcaption", "hr"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_HTML_RE = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<meta|<div|<p[\s>])", re.IGNORECASE)
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz"}


class BadArticle(ValueError):
    """The file cannot be read as one article; the message names the problem for the person who gave it."""


def read_article(path: Path, max_bytes: int = MAX_BYTES, drop_scripts: bool = False) -> tuple[str, str]:
    """(text, encoding) of a plain-text or HTML article; HTML comes back as its text, one block a line."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BadArticle(f"{path} is {size:,} bytes, over the limit of {max_bytes:,}: not one article")
        raw = path.read_bytes()
    except OSError as exc:
        raise BadArticle(f"cannot read {path}: {exc.strerror or exc}") from None
    if not raw.strip():
        raise BadArticle(f"{path} is empty")
    if b"\x00" in raw[:_SNIFF]:
        # UTF-16 text has NUL bytes too; it is rare enough in Chinese news to ask for UTF-8 instead.
        raise BadArticle(f"{path} is a binary file (it has NUL bytes), not an article's text; "
                         "if it is UTF-16 text, save it as UTF-8")
    text, encoding = decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # offsets count one character per line break
    if _HTML_RE.match(text):
        text = html_text(text, path, drop_scripts)
    if not text.strip():
        raise BadArticle(f"{path} has no text")
    return text, encoding


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """UTF-8; else GB 18030 (a superset of GBK and GB 2312) when the page declares it or the bytes read as it.

    GB 18030 maps almost any byte pair to some character — Shift-JIS or EUC-KR text “decodes” into
    plausible ideographs — so a strict decode proves nothing: charset-normalizer's reading of the bytes
    (which scores the result's language) decides, and any other encoding is refused by name.
    """
    declared = _CHARSET_RE.search(raw[:_SNIFF])
    declared_gb = declared is not None and declared[1].decode("ascii").lower() in _GB_NAMES
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not declared_gb:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            where = exc.start
        best = charset_normalizer.from_bytes(raw).best()
        guess = best.encoding if best else None
        if guess not in _GB_NAMES:
            found = f"it reads as {guess} ({best.language})" if best else "no encoding reads it"
            raise BadArticle(f"{path} is neither UTF-8 nor GB 18030/GBK (undecodable as UTF-8 at byte {where}; "
                             f"{found}): convert it to UTF-8")
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise BadArticle(f"{path} is neither UTF-8 nor GB 18030/GBK: undecodable bytes at byte {exc.start}") from None


class _TextOfPage(HTMLParser):
    """The page's text with a line break per block element; entities decoded, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "script":
            self.scripts += 1
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # Source line breaks inside a paragraph are layout, not text: a paragraph is one line.
            self.parts.append(re.sub(r"\s*\n\s*", "", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", joined)).strip("\n") + "\n"


def html_text(html: str, path: Path, drop_scripts: bool = False) -> str:
    """The text of an HTML page, through the standard library's HTML parser (a tokenizer that follows
    the HTML5 rules for entities and raw-text elements, so a "</p>" inside a script is not a paragraph)."""
    parser = _TextOfPage()
    parser.feed(html)
    parser.close()
    if parser.scripts and not drop_scripts:
        raise BadArticle(f"{path} is an HTML page with {parser.scripts} <script> element(s): save the article "
                         "itself, or pass --drop-scripts to read the page without them")
    return parser.text()
