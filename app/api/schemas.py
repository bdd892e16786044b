"""Response models shared by every resource: bilingual text, citations, pages."""

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class LocalizedText(BaseModel):
    """A text in Chinese (the source language) and English (ours); `lang` may leave one out."""

    zh: str | None = Field(default=None, description="Chinese, as in the source.", examples=["一枚印章管审批"])
    en: str | None = Field(default=None, description="English, written by Reform Facts.",
                           examples=["One seal for all approvals"])


class CitationOut(BaseModel):
    """Where a fact comes from: a verbatim quote and its offsets in the source body."""

    source: str = Field(description="Slug of the source.", examples=["economic-daily-2020-10-20-longgang"])
    source_url: str = Field(description="The source's API URL.",
                            examples=["/v1/sources/economic-daily-2020-10-20-longgang"])
    quote: str = Field(description="Verbatim text of the source body.", examples=["集中梳理许可事项1129项"])
    start: int = Field(description="Offset (Unicode code points, 0-based) of the quote in the body.", examples=[1607])
    end: int = Field(description="End offset, exclusive: body[start:end] == quote.", examples=[1620])


Citations = Annotated[list[CitationOut], Field(description="Verbatim support in the sources (at least one).")]
SelfUrl = Annotated[str, Field(description="This item's API URL.")]
Status = Annotated[Literal["active", "deprecated"], Field(
    description="active, or deprecated: a fact is never deleted; one withdrawn stays at its URL, and lists leave it "
                "out unless asked for it (`status=deprecated` or `status=all`).", examples=["active"])]
StatusReason = Annotated[str | None, Field(description="Why the fact was deprecated; null while it is active.",
                                           examples=[None, "removed from the seed files"])]

RankOf = Annotated[Literal["preferred", "normal", "deprecated"], Field(
    description="When sources give different values for the same thing, every fact is kept and ranked: the "
                "preferred one is what lists show; normal ones (other sources' values) and deprecated ones (known "
                "wrong) are shown with `rank=all`. A fact no source contradicts is preferred.",
    examples=["preferred"])]
RankReason = Annotated[str | None, Field(
    description="Why the fact has its rank when other facts state the same thing differently (see "
                "`/v1/conflicts`); null for a fact no other contradicts.",
    examples=[None, ("cites the most recently published source (2020-10-20) of the 2 facts for the same "
                     "indicator, place and period")])]


class PlaceRef(BaseModel):
    slug: str = Field(description="Slug of the place.", examples=["longgang"])
    name: LocalizedText


class PersonRef(BaseModel):
    slug: str = Field(description="Slug of the person.", examples=["zheng-jianzhong"])
    name: LocalizedText
    url: str = Field(description="The person's API URL.", examples=["/v1/people/zheng-jianzhong"])


Speaker = Annotated[PersonRef | None, Field(
    description="The person the source quotes for this statement (郑建忠表示…); null where the source does not "
                "attribute it to anyone (the reporter's own account, 据介绍).")]


class FacetCount(BaseModel):
    value: str | None = Field(description="A value of the faceted field.")
    count: int = Field(description="How many matching items have it.")


class PageMeta(BaseModel):
    total: int = Field(description="Exact number of items matching the filters (all pages).")
    count: int = Field(description="Number of items in this page.")
    limit: int = Field(description="Page size asked for.")
    sort: str = Field(description="The ordering applied, as a `sort` value.")
    facets: dict[str, list[FacetCount]] | None = Field(
        default=None, description="Counts per value of each field named in `facet`, over all matching items.")


class PageLinks(BaseModel):
    self: str = Field(description="This page.")
    next: str | None = Field(description="The next page, or null on the last page.")


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, counts and the links to this page and the next."""

    @classmethod
    def model_parametrized_name(cls, params: tuple[type[Any], ...]) -> str:
        # The name is each page schema's title (Page[MeasureOut] → MeasurePage). Client generators name models after
        # titles, and when every page was titled `Page` they kept one page model and dropped the others.
        # The component keys (`Page_MeasureOut_`) stay as they were: pydantic derives them from `Page` itself.
        (item,) = params
        return f"{item.__name__.removesuffix('Out')}Page"

    data: list[T] = Field(description="The items of this page, in the order of `meta.sort`.")
    meta: PageMeta
    links: PageLinks
