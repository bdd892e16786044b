"""Settings, read once from the environment (every knob is an environment variable)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'data' / 'reform_facts.sqlite3'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… to scale out.",
    )
    host: str = Field(default="127.0.0.1", description="Interface `serve` binds to.")
    port: int = Field(default=8000, description="Port `serve` listens on.")
    log_level: str = Field(default="info", description="Python log level.")
    workers: int = Field(default=1, ge=1, description="Worker processes (`serve` and the image).")
    seed_data_dir: Path = Field(default=REPO_ROOT / "seed_data", description="Where seed files live.")
    auto_seed: bool = Field(default=True, description="Migrate and seed an empty database on start.")

    db_pool_size: int = Field(default=5, ge=1, description="PostgreSQL connections each worker keeps open.")
    db_max_overflow: int = Field(default=5, ge=0, description="Extra connections a worker may open under load.")
    db_pool_timeout: float = Field(default=2.0, gt=0, description="Seconds to wait for a pooled connection.")
    db_connect_timeout: int = Field(default=3, ge=1, description="Seconds to wait when connecting.")
    db_statement_timeout_ms: int = Field(default=5000, ge=0, description="PostgreSQL statement timeout.")

    cache_max_entries: int = Field(default=4096, ge=0, description="Cached responses per process; 0 disables.")
    cache_max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0,
        description="Memory the response cache may hold per process, bytes (least recently used go first).",
    )
    aggregate_cache_max_entries: int = Field(
        default=4096, ge=0,
        description="Exact totals and facet counts kept per process, by filter and dataset version; 0 disables.",
    )
    version_check_interval: float = Field(
        default=1.0, ge=0, description="Seconds between checks of the dataset version (cache invalidation)."
    )

    max_query_string: int = Field(default=2048, ge=64, description="Longest query string accepted, bytes (414).")
    max_body_bytes: int = Field(default=16384, ge=0, description="Largest request body accepted, bytes (413), "
                                                                 "except for writes under /v1/.")
    max_write_body_bytes: int = Field(
        default=2 * 1024 * 1024, ge=0,
        description="Largest body of a write (POST, PUT, PATCH, DELETE) under /v1/, bytes (413): a source upload "
                    "carries a whole article.",
    )
    max_header_bytes: int = Field(
        default=16384, ge=1024, description="Largest request head (request line and header fields), bytes (431)."
    )
    max_header_field_bytes: int = Field(default=8192, ge=256, description="Largest single header field, bytes (431).")
    max_request_target: int = Field(default=8192, ge=256, description="Longest request target (path and query), "
                                                                      "bytes (414).")
    header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client has to send a complete request head (408, then closed)."
    )
    max_connections: int = Field(default=1000, ge=1, description="Open connections per worker process; more are "
                                                                 "answered 503 and closed.")
    max_connections_per_client: int = Field(
        default=64, ge=1, description="Open connections per worker from one client address (trusted proxies "
                                      "excepted); more are answered 503 and closed."
    )
    rate_limit_per_minute: int = Field(default=0, ge=0, description="Requests per client per minute; 0 = off.")
    rate_limit_burst: int = Field(default=60, ge=1, description="Token-bucket size: requests a client may make at once.")
    write_rate_limit_per_minute: int = Field(
        default=60, ge=0, description="Requests per API key per minute to routes that need a scope, per worker "
                                      "process; 0 = off (over: 429 + Retry-After, audited)."
    )
    write_rate_limit_burst: int = Field(default=20, ge=1, description="Token-bucket size: scoped requests a key "
                                                                      "may make at once.")
    trusted_proxies: str = Field(
        default="", description="Comma-separated proxy IPs/CIDRs whose X-Forwarded-For/-Proto is honoured."
    )
    cors_origins: str = Field(default="*", description="Comma-separated origins allowed by CORS (GET/HEAD only).")
    cors_write_origins: str = Field(
        default="", description="Comma-separated origins allowed to write cross-origin (POST, PUT, PATCH, DELETE, "
                                "and any request sending Authorization); empty = none. `*` is refused."
    )
    access_log: bool = Field(default=True, description="One JSON log line per request.")
    ready_timeout: float = Field(
        default=5.0, gt=0, description="Seconds /readyz waits for the database before answering 503."
    )

    @field_validator("cors_write_origins")
    @classmethod
    def _write_origins_are_named(cls, value: str) -> str:
        # Each site that may write from a browser (a curation front end) is a decision; a wildcard is none.
        if "*" in (origin.strip() for origin in value.split(",")):
            raise ValueError("CORS_WRITE_ORIGINS must name each origin; '*' is not accepted")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
