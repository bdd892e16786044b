"""API models of timeline events."""

import datetime as dt

from pydantic import BaseModel, Field

from app.api.schemas import Citations, LocalizedText, PlaceRef, RankOf, RankReason, Speaker, Status, StatusReason
from app.models.enums import DatePrecision, EventCategory


class EventOut(BaseModel):
    """Something that happened, dated as precisely as the source states it."""

    slug: str = Field(description="Stable identifier.", examples=["town-abolished-city-established-2019-09-25"])
    date: str = Field(description="The date as precisely as stated: 2019-09-25, 1983-10, 2014, 2020-H1.",
                      examples=["2019-09-25"])
    date_precision: DatePrecision = Field(description="day, month, half_year, year, or before (“日前”: on or "
                                                      "shortly before date_end).")
    date_start: dt.date = Field(description="First day the statement may refer to.", examples=["2019-09-25"])
    date_end: dt.date = Field(description="Last day the statement may refer to.", examples=["2019-09-25"])
    date_start_assumed: bool = Field(description="True when the source gives no start (“日前”) and date_start is "
                                                 "our estimate (e.g. the city's first anniversary), not a stated date.")
    date_edtf: str = Field(
        description="The date in EDTF (ISO 8601-2, the Library of Congress Extended Date/Time Format): 2019-09-25, "
        "1983-10, 2014; 2020-40 and 2020-41 for the first and second half of 2020; [..2020-10-20] for “日前” "
        "(one day, on or before 2020-10-20: the start stays open, date_start is our lower estimate).",
        examples=["2019-09-25", "2020-40", "[..2020-10-20]"])
    place: PlaceRef
    category: EventCategory
    title: LocalizedText
    description: LocalizedText
    speaker: Speaker
    citations: Citations
    url: str = Field(description="This event's API URL.")
    status: Status
    status_reason: StatusReason
    rank: RankOf
    rank_reason: RankReason
