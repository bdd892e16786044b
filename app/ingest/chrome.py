"""Cutting a re-posted page down to the article body: breadcrumbs, site and author/time lines, disclaimers and
“previous/next article” links go; the body between them is kept character for character."""

import re
from dataclasses import dataclass

# A header line of a re-post: the breadcrumb (当前位置/您的位置), or the byline of the copying site with its
# fields (作者, 来源, 发布时间, 浏览次数 …). Everything above the last such line near the top is chrome too —
# the site's copy of the title included, which the body repeats.
_HEADER_RE = re.compile(
    r"^\s*(?:当前位置|您的位置|你的位置|您现在的位置|位置)\s*[:：]"
    r"|(?:作者|来源|发布时间|发布日期|时间|日期|编辑|责任编辑|浏览次数|点击数|阅读)\s*[:：].*"
    r"(?:作者|来源|发布时间|发布日期|时间|日期|编辑|责任编辑|浏览次数|点击数|阅读|\d{4}-\d{1,2}-\d{1,2})",
)
# A footer line: from the first of these on, the page is the site's, not the article's.
_FOOTER_RE = re.compile(
    r"^\s*(?:免责声明|声明\s*[:：]|版权声明|版权所有|Copyright|©|上一篇|下一篇|上一条|下一条|相关阅读|相关新闻|相关文章"
    r"|推荐阅读|分享到|责任编辑\s*[:：]|打印本页|关闭窗口|【\s*(?:打印|关闭|收藏)|返回顶部)",
    re.IGNORECASE,
)
# Headers are looked for only this far in: a body line may well say “来源:” in its own text.
HEADER_SEARCH_LINES = 12
# The publication time a byline states, for an article given without --published.
PUBLISHED_RE = re.compile(r"(?:发布时间|发布日期|时间|日期)\s*[:：]\s*(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})")


@dataclass(frozen=True)
class Stripped:
    body: str
    start: int  # the body is page[start:end]: quotes offset into the body are offsets into the page minus start
    end: int
    published: str | None  # YYYY-MM-DD from the byline, if there was one


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, the newline excluded."""
    spans, start = [], 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def strip_chrome(page: str) -> Stripped:
    lines = _lines(page)
    first = 0
    published = None
    for index, (start, end) in enumerate(lines[:HEADER_SEARCH_LINES]):
        line = page[start:end]
        if _HEADER_RE.search(line):
            first = index + 1
            found = PUBLISHED_RE.search(line)
            if found:
                published = f"{int(found[1]):04d}-{int(found[2]):02d}-{int(found[3]):02d}"
    last = len(lines)
    for index in range(first, len(lines)):
        start, end = lines[index]
        if _FOOTER_RE.search(page[start:end]):
            last = index
            break
    content = [index for index in range(first, last) if page[lines[index][0] : lines[index][1]].strip()]
    if not content:
        return Stripped("", 0, 0, published)
    # Leading spaces of the first line are the article's indent and stay; the body ends with its last
    # line's newline, as the curated bodies in seed_data/sources/ do.
    start = lines[content[0]][0]
    end = lines[content[-1]][1]
    if end < len(page) and page[end] == "\n":
        end += 1
    return Stripped(page[start:end], start, end, published)
