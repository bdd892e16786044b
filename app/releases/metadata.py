"""What a release's package says about the dataset and the release: title, description, keywords, and the
release's own facts (number, time, notes, version, changes); its times in UTC."""

import datetime as dt
from dataclasses import dataclass

NAME = "reform-facts-longgang"
TITLE = "Reform Facts: Longgang's town-to-city reform (龙港市“镇改市”)"
DESCRIPTION = ("Verified, cited facts about the town-to-city reform of Longgang (龙港市, Zhejiang), the first town in "
               "China turned into a city (2019-09-25): timeline events, places, economic indicators and observations, "
               "reform measures with their metrics and the programmes they belong to. Every fact carries verbatim "
               "quotes of its source with their character offsets in the source text.")
KEYWORDS = ["Longgang", "龙港", "town-to-city reform", "镇改市", "Zhejiang", "municipal reform", "China"]


@dataclass(frozen=True)
class ReleaseFacts:
    """What the package says about its release."""

    number: int
    published_at: dt.datetime  # UTC, whole seconds
    notes: str
    dataset_version: int
    previous: int | None  # the release before it
    changes: dict[str, int]  # created / updated / deprecated facts since `previous`


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC (SQLite gives back naive datetimes, written as UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """A release's time as served and packaged: UTC, whole seconds, `Z`."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def both_languages(text: dict[str, str | None]) -> str | None:
    """「中文 (English)」, the source's own words first; None when neither is there."""
    zh, en = text.get("zh"), text.get("en")
    return f"{zh} ({en})" if zh and en else zh or en
