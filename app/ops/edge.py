"""The HTTP/1.1 connection: uvicorn's httptools protocol with the limits a public server needs.

uvicorn (and llhttp under it) accepts request heads of up to 8 MB, waits forever for a client that sends
nothing or drips a byte at a time, takes any number of connections, and refuses a raw UTF-8 request target
(`curl 'host/v1/search?q=执法'` sends one) with a plain-text 400. Here, per connection:
- raw non-ASCII bytes in the request line are percent-encoded before parsing, so such a target means what
  the same target percent-encoded means;
- a request head larger than MAX_HEADER_BYTES, or one field line over MAX_HEADER_FIELD_BYTES, is a 431, and
  a target over MAX_REQUEST_TARGET a 414: nothing larger is ever buffered;
- a request head must be complete within HEADER_TIMEOUT seconds of the read that brought its first bytes
  (or of the connection opening), or the connection is closed with a 408;
- beyond MAX_CONNECTIONS open connections per process, or MAX_CONNECTIONS_PER_CLIENT from one address
  (TRUSTED_PROXIES excepted: every client behind them shares their address), a new one is answered 503
  and closed, so one host cannot hold every connection by opening them faster than HEADER_TIMEOUT ends them.
Every answer given here is an RFC 9457 problem, as from the app. The limits are per worker process. A head that
arrives pipelined behind a whole request in the same read is held to them with one small read's slack: its bytes
in that read (under 8 KiB, since the read was small) go uncounted.
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
        # A read no larger than this that holds a whole ASCII head is within every limit by its size alone.
        self.small_head = min(self.edge.max_header_field_bytes, self.edge.max_request_target)
        self.in_head = True  # between messages or inside a request head
        self.head_begun = False  # the parser has seen the first byte of a head it has not finished
        self.head_bytes = 0  # of the current head, so far
        self.line_bytes = 0  # of its request line so far; -1 once the line has ended
        self.open_field = 0  # bytes of a header field line not yet ended
        self.head_timer: asyncio.TimerHandle | None = None
        self.counted_as: str | None = None  # the address this connection is counted under, if any

    # --- connection ---------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.edge.max_connections:
            self._answer_and_close(503, f"This server holds its limit of {self.edge.max_connections} connections; "
                                        "retry shortly.", "service-unavailable")
            return
        address = self.client[0] if self.client else "unknown"
        if not self.edge.proxies.trusts(address):
            if self.open_by_client[address] >= self.edge.max_connections_per_client:
                self._answer_and_close(503, f"{address} holds {self.edge.max_connections_per_client} connections "
                                            "to this server already; reuse them or retry shortly.", "service-unavailable")
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
            # Nearly every request: a whole, small, ASCII head in one read at a message boundary. It is within
            # every limit by its size alone, so it goes to the parser untouched and uncounted.
            if not (self.head_bytes == 0 and len(data) <= self.small_head and b"\r\n\r\n" in data
                    and data.isascii()):
                data = self._admit(data)
                if data is None:
                    return
        super().data_received(data)
        # Armed only when a read leaves a head unfinished, or brings bytes that begin none (stray CRLFs): a
        # whole head in one packet costs no timer. (A complete message resets both.)
        if (self.in_head and (self.head_begun or self.head_bytes) and self.head_timer is None
                and not self.transport.is_closing()):
            self._start_head_timer()

    def _admit(self, data: bytes) -> bytes | None:
        """Count and check a read that carries (part of) a request head, percent-encoding raw non-ASCII bytes of
        its request line; None when a limit is passed (the problem is sent and the connection closed)."""
        end = data.find(b"\r\n\r\n")
        head = data if end < 0 else data[:end + 4]
        fields = head
        if self.line_bytes >= 0:
            line_end = head.find(b"\n")
            self.line_bytes += len(head) if line_end < 0 else line_end
            if self.line_bytes > self.edge.max_request_target + REQUEST_LINE_EXTRA:
                return self._refuse(414, f"The request target is longer than {self.edge.max_request_target} bytes.",
                                    "uri-too-long")
            fields = b"" if line_end < 0 else head[line_end + 1:]
            if line_end >= 0:
                self.line_bytes = -1
            if not data.isascii():
                line = data if line_end < 0 else data[:line_end]
                data = percent_encode_non_ascii(line) + data[len(line):]
        self.head_bytes += len(head)
        if self.head_bytes > self.edge.max_header_bytes:
            return self._refuse(431, f"The request head is larger than {self.edge.max_header_bytes} bytes.",
                                "request-header-fields-too-large")
        if self._longest_field(fields) > self.edge.max_header_field_bytes:
            return self._refuse(431, f"A header field is larger than {self.edge.max_header_field_bytes} bytes.",
                                "request-header-fields-too-large")
        return data

    def _longest_field(self, fields: bytes) -> int:
        """The longest header field line this read ends or continues, counting what earlier reads began."""
        longest, start = 0, 0
        while (line_end := fields.find(b"\n", start)) >= 0:
            longest = max(longest, self.open_field + line_end - start)
            self.open_field, start = 0, line_end + 1
        self.open_field += len(fields) - start
        return max(longest, self.open_field)

    def _refuse(self, status: int, detail: str, type_slug: str) -> None:
        self._answer_and_close(status, detail, type_slug)

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this when the parser fails.
        self._answer_and_close(400, "The request is not valid HTTP/1.1 (request targets must be ASCII or "
                                    "percent-encoded; header fields must be well formed).", "bad-request")

    def _answer_and_close(self, status: int, detail: str, type_slug: str) -> None:
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self.logger.warning("refused a request: %s %s", status, detail)
            self.transport.write(problem_response(status, detail, type_slug))
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
        self._answer_and_close(408, f"The request head was not complete within {self.edge.header_timeout:g} s.",
                               "request-timeout")

    # --- parser callbacks ---------------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.head_begun = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        if self.head_timer is not None:
            self._cancel_head_timer()
        self.in_head = self.head_begun = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self.in_head = True
        self.head_bytes = self.line_bytes = self.open_field = 0
        super().on_message_complete()
