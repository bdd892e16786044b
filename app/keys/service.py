"""Creating, listing, revoking and checking API keys. Every change to a key is audited."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, insert, select, update

from app.audit.log import record
from app.keys.tokens import digest, key_id_of, new_secret, same_digest
from app.models import ApiKey

KEYS = ApiKey.__table__
SCOPES = ("propose", "review", "publish", "admin")
MAX_NAME = 80


class KeyCommandError(ValueError):
    """A key command that cannot be done, with a message for the operator."""


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown of a key: everything but its secret (which is not stored)."""

    name: str
    key_id: str
    scopes: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and _aware(self.expires_at) <= now:
            return "expired"
        return "active"


def parse_scopes(text: str) -> tuple[str, ...]:
    """`propose,review` → ("propose", "review"), in SCOPES order; an unknown or empty list is an error."""
    asked = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in asked if s not in SCOPES]
    if unknown or not asked:
        raise KeyCommandError(f"scopes must be a comma-separated list of {', '.join(SCOPES)}; got {text!r}")
    return tuple(s for s in SCOPES if s in asked)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; every one we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def create_key(connection: Connection, name: str, scopes: tuple[str, ...],
               expires_at: dt.datetime | None = None, *, actor: str = "cli") -> str:
    """Store a new key and return its secret: the only time anyone sees it."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise KeyCommandError(f"a key's name is 1–{MAX_NAME} printable characters")
    if connection.execute(select(KEYS.c.id).where(KEYS.c.name == name)).first():
        raise KeyCommandError(f"a key named {name!r} exists already (names are never reused; revoked keys keep theirs)")
    now = _now()
    if expires_at is not None and _aware(expires_at) <= now:
        raise KeyCommandError("--expires must be in the future")
    key_id, secret = new_secret()
    connection.execute(insert(KEYS).values(name=name, key_id=key_id, secret_sha256=digest(secret),
                                           scopes=",".join(scopes), created_at=now, expires_at=expires_at))
    record(connection, actor, "keys.create", name, f"ok: scopes {','.join(scopes)}"
           + (f", expires {expires_at.isoformat()}" if expires_at else ""))
    return secret


def list_keys(connection: Connection, *where: ColumnElement[bool]) -> list[KeyInfo]:
    rows = connection.execute(select(KEYS.c.name, KEYS.c.key_id, KEYS.c.scopes, KEYS.c.created_at,
                                     KEYS.c.expires_at, KEYS.c.revoked_at).where(*where).order_by(KEYS.c.id)).all()
    return [KeyInfo(name, key_id, tuple(scopes.split(",")), _aware(created), expires and _aware(expires),
                    revoked and _aware(revoked))
            for name, key_id, scopes, created, expires, revoked in rows]


def key_info(connection: Connection, name: str) -> KeyInfo | None:
    found = list_keys(connection, KEYS.c.name == name)
    return found[0] if found else None


def revoke_key(connection: Connection, name: str, *, actor: str = "cli") -> None:
    found = connection.execute(select(KEYS.c.id, KEYS.c.revoked_at).where(KEYS.c.name == name)).first()
    if found is None:
        raise KeyCommandError(f"no key named {name!r}")
    if found.revoked_at is not None:
        raise KeyCommandError(f"the key {name!r} is revoked already")
    connection.execute(update(KEYS).where(KEYS.c.id == found.id).values(revoked_at=_now()))
    record(connection, actor, "keys.revoke", name, "ok")


@dataclass(frozen=True)
class Caller:
    """Who a request's credentials say it is."""

    name: str
    scopes: tuple[str, ...]


class Refused(Exception):
    """Credentials that do not identify a usable key; the reason never quotes the secret."""

    def __init__(self, reason: str, name: str | None = None) -> None:
        super().__init__(reason)
        self.name = name  # the key's, when the secret was right but the key is not usable


def authenticate(connection: Connection, secret: str) -> Caller:
    key_id = key_id_of(secret)
    if key_id is None:
        raise Refused("malformed key")
    row = connection.execute(select(KEYS.c.name, KEYS.c.secret_sha256, KEYS.c.scopes, KEYS.c.expires_at,
                                    KEYS.c.revoked_at).where(KEYS.c.key_id == key_id)).first()
    # An unknown key id still costs one hash comparison, so timing does not tell known ids from unknown ones.
    if not same_digest(secret, row.secret_sha256 if row else "0" * 64) or row is None:
        raise Refused("unknown key")
    if row.revoked_at is not None:
        raise Refused(f"key {row.name!r} is revoked", row.name)
    if row.expires_at is not None and _aware(row.expires_at) <= _now():
        raise Refused(f"key {row.name!r} has expired", row.name)
    return Caller(row.name, tuple(row.scopes.split(",")))
