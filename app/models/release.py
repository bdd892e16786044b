"""Numbered releases: the dataset frozen at one dataset version, with its changelog and its data package.

A release is a publication: once made it never changes (triggers refuse UPDATE and DELETE). The package's
bytes are stored with it, so a download of release N is the same file years later, whatever the code that
renders CSV or the stored source texts have become since.
"""

import datetime as dt

from sqlalchemy import Column, DateTime, Integer, LargeBinary, Text
from sqlmodel import Field, SQLModel


class Release(SQLModel, table=True):
    __tablename__ = "dataset_release"

    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))  # 1, 2, …
    published_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))  # whole seconds, UTC
    notes: str = Field(sa_column=Column(Text, nullable=False))
    dataset_version: int = Field(unique=True)  # the data it freezes; one release per version
    counts: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON: items per resource
    changelog: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON: created / updated / deprecated
    package: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # the Frictionless Data Package (zip)
    package_sha256: str = Field(max_length=64)
    package_size: int  # bytes
