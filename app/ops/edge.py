"""The HTTP/1.1 connection: uvicorn's httptools protocol with the limits a public server needs.

uvicorn (and llhttp under it) accepts request heads of up to 8 MB, waits forever for a client that sends
nothing or drips a byte at a time, takes any number of connections, and refuses a raw UTF-8 request target
(`curl 'host/v1/search?q=执法'` sends one) with a plain-text 400. Here, per connection:
- raw non-ASCII bytes in the request line are percent-encoded before parsing, so such a target means what
  the same target percent-encoded means;
- a request head larger than MAX_HEADER_BYTES, or one field line over MAX_HEADER_FIELD_BYTES, is a 431, and
  a target over MAX_REQUEST_TARGET a 414: nothing larger is ever buffered;
- a request head must be complete within HEADER_TIMEOUT seconds of its first byte (or of the connection
  opening), or the connection is closed with a 408;
- beyond MAX_CONNECTIONS open connections per process, or MAX_CONNECTIONS_PER_CLIENT from one address
  (TRUSTED_PROXIES excepted: every client behind them shares their address), a new one is answered 503
  and closed, so one host cannot hold every connection by opening them faster than HEADER_TIMEOUT ends them.
Every answer given here is an RFC 9457 problem, as from the app.
"""

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings, get_settings
from app.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE
from app.ops.clients import TrustedProxies

_NON_ASCII = re.compile(rb"[\x80-\xff]")
REQUEST_LINE_EXTRA = 32  # method, spaces, HTTP version and CR around the target


@dataclass(frozen=True)
class EdgeLimits:
    max_header_bytes: int
    max_header_field_bytes: int
    max_request_target: int
    header_timeout: float
    max_connections: int
    max_connections_per_client: int
    proxies: TrustedProxies

    @classmethod
    def from_settings(cls, settings: Settings) -> "EdgeLimits":
        return cls(settings.max_header_bytes, settings.max_header_field_bytes, settings.max_request_target,
                   settings.header_timeout, settings.max_connections, settings.max_connections_per_client,
                   TrustedProxies(settings.trusted_proxies))


class Refused(Exception):
    """Raised from a parser callback: the request is answered with this problem and the connection closed."""

    def __init__(self, status: int, detail: str, type_slug: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.type_slug = status, detail, type_slug


def problem_response(status: int, detail: str, type_slug: str) -> bytes:
    """A complete HTTP/1.1 response carrying a problem document, closing the connection."""
    phrase = HTTPStatus(status).phrase
    body = orjson.dumps({"type": PROBLEM_TYPE_BASE + type_slug, "title": phrase, "status": status,
                         "detail": detail})
    head = (f"HTTP/1.1 {status} {phrase}\r\ncontent-type: {PROBLEM_MEDIA_TYPE}\r\n"
            f"content-length: {len(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n")
    return head.encode("ascii") + body


def percent_encode_non_ascii(line: bytes) -> bytes:
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m[0][0], line)


class EdgeHttpProtocol(HttpToolsProtocol):
    limits: EdgeLimits | None = None  # read from the settings by the first connection of the process
    open_by_client: Counter[str] = Counter()  # this process's open connections per peer address

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if EdgeHttpProtocol.limits is None:
            EdgeHttpProtocol.limits = EdgeLimits.from_settings(get_settings())
        self.edge = EdgeHttpProtocol.limits
        self.in_head = True  # between messages or inside a request head
        self.in_request_line = True
        self.head_bytes = 0
        self.line_bytes = 0
        self.head_timer: asyncio.TimerHandle | None = None
        self.refusal: Refused | None = None
        self.counted_as: str | None = None  # the address this connection is counted under, if any

    # --- connection ---------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.edge.max_connections:
            self._answer_and_close(Refused(503, f"This server holds its limit of {self.edge.max_connections} "
                                                "connections; retry shortly.", "service-unavailable"))
            return
        address = self.client[0] if self.client else "unknown"
        if not self.edge.proxies.trusts(address):
            if self.open_by_client[address] >= self.edge.max_connections_per_client:
                self._answer_and_close(Refused(503, f"{address} holds {self.edge.max_connections_per_client} "
                                                    "connections to this server already; reuse them or retry "
                                                    "shortly.", "service-unavailable"))
                return
            self.open_by_client[address] += 1
            self.counted_as = address
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        if self.counted_as is not None:
            self.open_by_client[self.counted_as] -= 1
            if not self.open_by_client[self.counted_as]:
                del self.open_by_client[self.counted_as]  # the map holds open connections only
            self.counted_as = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.in_head:
            if self.in_request_line:
                data = self._request_line(data)
                if data is None:
                    return
            end = data.find(b"\r\n\r\n")
            self.head_bytes += len(data) if end < 0 else end + 4
            if self.head_bytes > self.edge.max_header_bytes:
                self._answer_and_close(Refused(431, f"The request head is larger than {self.edge.max_header_bytes} "
                                                    "bytes.", "request-header-fields-too-large"))
                return
        super().data_received(data)

    def _request_line(self, data: bytes) -> bytes | None:
        """Percent-encode raw non-ASCII bytes of the request line; None once it is too long (answered 414)."""
        line_end = data.find(b"\n")
        line = data if line_end < 0 else data[:line_end]
        self.line_bytes += len(line)
        if self.line_bytes > self.edge.max_request_target + REQUEST_LINE_EXTRA:
            self._answer_and_close(Refused(414, f"The request target is longer than {self.edge.max_request_target} "
                                                "bytes.", "uri-too-long"))
            return None
        if line_end >= 0:
            self.in_request_line = False
        if line.isascii():
            return data
        return percent_encode_non_ascii(line) + data[len(line):]

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this when the parser fails, also for a callback's Refused.
        refusal = self.refusal or Refused(
            400, "The request is not valid HTTP/1.1 (request targets must be ASCII or percent-encoded; "
                 "header fields must be well formed).", "bad-request")
        self._answer_and_close(refusal)

    def _answer_and_close(self, refusal: Refused) -> None:
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self.logger.warning("refused a request: %s %s", refusal.status, refusal.detail)
            self.transport.write(problem_response(refusal.status, refusal.detail, refusal.type_slug))
            self.transport.close()

    # --- the request head's deadline ----------------------------------------------------------------------

    def _start_head_timer(self) -> None:
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.edge.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # a response is still being written: a 408 would corrupt it
            return
        self._answer_and_close(Refused(408, f"The request head was not complete within "
                                            f"{self.edge.header_timeout:g} s.", "request-timeout"))

    # --- parser callbacks ---------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._start_head_timer()
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.edge.max_request_target:
            self.refusal = Refused(414, f"The request target is longer than {self.edge.max_request_target} bytes.",
                                   "uri-too-long")
            raise self.refusal

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(name) + len(value) > self.edge.max_header_field_bytes:
            self.refusal = Refused(431, f"A header field ({name[:40].decode('latin-1')}) is larger than "
                                        f"{self.edge.max_header_field_bytes} bytes.", "request-header-fields-too-large")
            raise self.refusal
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        self.in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.in_head = self.in_request_line = True
        self.head_bytes = self.line_bytes = 0
        super().on_message_complete()
