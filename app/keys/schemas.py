"""What the API shows of a key: never its secret, nor the secret's hash."""

from pydantic import BaseModel, Field


class KeyOut(BaseModel):
    """The API key a request was made with."""

    name: str = Field(description="The key's name, as given to `python -m app keys create --name`; audit log "
                                  "entries name it as `key:<name>`.", examples=["data-desk"])
    scopes: list[str] = Field(description="What the key may do: `propose`, `review`, `publish`, `admin` (none "
                                          "implies another).", examples=[["propose", "review"]])
    created_at: str = Field(description="When the key was created, UTC (ISO 8601).", examples=["2026-12-01T09:30:00Z"])
    expires_at: str | None = Field(description="When the key stops working, UTC (ISO 8601); null: never.",
                                   examples=["2027-06-30T00:00:00Z"])
