"""Named measures and bodies (行政审批局, 龙湖公园, “龙腾计划”, 综合行政执法体制改革省级试点) and what they name."""

import re
from dataclasses import dataclass

# The last word of a name says what it names; longer endings first (产业园 before 园).
NAMED_BY_ENDING = {
    "改革试点": "pilot", "综合试点": "pilot", "试点": "pilot", "示范区": "demonstration_zone",
    "计划": "plan", "行动": "campaign", "工程": "project", "项目": "project",
    "改革": "reform", "制度": "system", "机制": "mechanism", "模式": "model", "清单": "list",
    "局": "bureau", "委员会": "committee", "办公室": "office", "中心": "centre", "医院": "hospital",
    "产业园": "industrial_park", "园区": "park", "公园": "park", "园": "park",
    "产业集群": "industry_cluster", "交易市场": "market", "论坛": "forum",
}
_ENDINGS = "|".join(sorted(NAMED_BY_ENDING, key=len, reverse=True))
# A name is the run of CJK text before its ending, cut at punctuation and at the words that open a clause:
# 增挂行政审批局 → 行政审批局, 全力推进社会力量办社会事业改革 → 社会力量办社会事业改革.
_HEAD_STOP = re.compile(
    r".*(?:推进|推动|开展|实施|打造|增挂|建立|创建|构建|谋划|深化|完成|加快|启动|成立|设立|纳入|划转|推行|培育|"
    r"形成|探索|实现|坚持|着力|积极|全面|全力|集中|系统|有序|率先|重点|还要|以及|通过|深耕|虽然|交出|因|靠|但|而|"
    r"由|在|的|和|与|及|了|是|等|为|将|把|从)"
)
# 格局, 布局, 结局 end in 局 but name no bureau; a reform's pilot or zone (改革省级试点) is one name.
_NAME_RE = re.compile(
    rf"(?:“[^”\n]{{1,20}}”[\u4e00-\u9fa5]{{0,4}}?|[\u4e00-\u9fa5()()·]{{0,16}}?)(?<![格布结大全开变当])(?:{_ENDINGS})"
    r"(?:(?:省级|国家级|市级|县级)?(?:试点|示范区))?"
)
_QUOTED_RE = re.compile(r"“([^”\n]{2,16})”(?=[\u4e00-\u9fa5]{0,4}(?:改革|计划|制度|成果|模式|项目|目标|集成|[,,。、]))")
MAX_NAME = 24
_BY_LENGTH = sorted(NAMED_BY_ENDING, key=len, reverse=True)


@dataclass(frozen=True)
class NameMention:
    start: int
    end: int
    term: str
    names: str  # what kind of thing the term names, from its ending (bureau, park, plan, reform, pilot …)


def _trim(body: str, start: int, end: int) -> int:
    """Move start past the clause-opening words and any unbalanced bracket before the name proper."""
    head = _HEAD_STOP.match(body, start, end)
    if head and head.end() < end:
        start = head.end()
    while start < end and body[start] in "()()·":
        start += 1
    return start


def find_names(body: str) -> list[NameMention]:
    found: dict[tuple[int, int], NameMention] = {}
    for match in _NAME_RE.finditer(body):
        start = match.start() if body[match.start()] == "“" else _trim(body, match.start(), match.end())
        ending = next(word for word in _BY_LENGTH if match[0].endswith(word))
        if match.end() - start <= len(ending) or match.end() - start > MAX_NAME:
            continue  # the bare ending (改革, 计划) names nothing in particular
        found[(start, match.end())] = NameMention(start, match.end(), body[start : match.end()],
                                                  NAMED_BY_ENDING[ending])
    # Quoted slogans that the text calls reforms or plans: “一枚印章管审批”, “龙港经验”.
    for match in _QUOTED_RE.finditer(body):
        if not any(s < match.end() and match.start() < e for s, e in found):
            found[(match.start(), match.end())] = NameMention(match.start(), match.end(), match[0], "slogan")
    return sorted(found.values(), key=lambda name: name.start)
