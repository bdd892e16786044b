"""Writes over a real server, on the wire: the body limits (Content-Length and chunked) and the per-key rate limit.

TestClient never reaches uvicorn's parser or our edge protocol; these requests are raw bytes on a socket to a
`serve` process (tests/probe_server.py: the real server plus one test-only write route), with the default
limits — MAX_BODY_BYTES 16 KiB, MAX_WRITE_BODY_BYTES 2 MiB, bursts of 20 scoped requests per key — but one
token a minute (not a second), so that a slow machine cannot earn a 21st request while it sends 20.
"""

from collections.abc import Iterator

import httpx
import orjson
import pytest

from app.config import Settings
from app.db import make_engine
from app.keys.service import create_key
from tests.live_server import LiveServer, live_server, read_all, split_response
from tests.probe_server import PROBE_PATH

MIB = 1024 * 1024
GENERAL_LIMIT = "The request body is larger than 16384 bytes (MAX_BODY_BYTES, the limit for requests other than " \
                "writes under /v1/)."
WRITE_LIMIT = "The request body is larger than 2097152 bytes (MAX_WRITE_BODY_BYTES, the limit for writes under /v1/)."


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('writes') / 'writes.sqlite3'}"


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # The server migrates and seeds the empty database as it starts.
    with live_server(database_url, tmp_path_factory.mktemp("writes-log"), module="tests.probe_server",
                     WRITE_RATE_LIMIT_PER_MINUTE="1") as live:
        yield live


@pytest.fixture
def secret(server: LiveServer, database_url: str, request: pytest.FixtureRequest) -> str:
    """A fresh key with scope propose (its own token bucket), named after the test."""
    engine = make_engine(Settings(database_url=database_url))
    try:
        with engine.begin() as connection:
            return create_key(connection, request.node.name[:80], ("propose",), actor="test")
    finally:
        engine.dispose()


def head(method: str, target: str, secret: str | None, *lines: str) -> bytes:
    auth = [f"Authorization: Bearer {secret}"] if secret else []
    return "".join(f"{line}\r\n" for line in [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
                                              *auth, *lines, ""]).encode()


def chunked(body_size: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < body_size:
        size = min(chunk, body_size - sent)
        yield b"%x\r\n" % size + b"x" * size + b"\r\n"
        sent += size
    yield b"0\r\n\r\n"


def exchange(server: LiveServer, request_head: bytes, body: Iterator[bytes] | bytes = b"") -> tuple[int, dict, dict]:
    """Send a head and a body (stopping if the server answers and closes first); status, headers, JSON body."""
    with server.connect(timeout=10) as sock:
        try:
            sock.sendall(request_head)
            for part in [body] if isinstance(body, bytes) else body:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered before the whole body was sent: the answer is waiting to be read
        except TimeoutError:
            pytest.fail("the server stopped reading the body without answering")
        status, headers, raw = split_response(read_all(sock))
    return status, dict(headers), orjson.loads(raw) if raw else {}


@pytest.mark.parametrize("size", [100 * 1024, 2 * MIB], ids=["100KiB", "2MiB"])
def test_a_chunked_write_larger_than_the_general_limit_passes(server: LiveServer, secret: str, size: int) -> None:
    status, headers, body = exchange(server, head("POST", PROBE_PATH, secret, "Transfer-Encoding: chunked"),
                                     chunked(size))
    assert (status, body) == (200, {"name": "test_a_chunked_write_larger_than_the_general_limit_passes["
                                            f"{'100KiB' if size < MIB else '2MiB'}]", "bytes": size})
    assert headers["cache-control"] == "no-store"


def test_a_chunked_write_past_the_write_limit_is_413(server: LiveServer, secret: str) -> None:
    status, headers, body = exchange(server, head("POST", PROBE_PATH, secret, "Transfer-Encoding: chunked"),
                                     chunked(2 * MIB + 1))
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert body == {"type": "https://reform-facts.example/problems/payload-too-large",
                    "title": "Request Entity Too Large", "status": 413, "detail": WRITE_LIMIT, "instance": PROBE_PATH}


def test_a_write_with_a_content_length_under_the_write_limit_passes(server: LiveServer, secret: str) -> None:
    size = 300 * 1024  # a long article
    status, _, body = exchange(server, head("POST", PROBE_PATH, secret, f"Content-Length: {size}"), b"x" * size)
    assert (status, body["bytes"]) == (200, size)


def test_a_content_length_past_the_write_limit_is_413_before_the_body(server: LiveServer, secret: str) -> None:
    # No body is sent: the head alone is refused, so a client learns at once not to upload 2 MiB for nothing.
    status, headers, body = exchange(server, head("POST", PROBE_PATH, secret, f"Content-Length: {2 * MIB + 1}"))
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert body["detail"] == WRITE_LIMIT


@pytest.mark.parametrize(("method", "target"), [("GET", "/v1/events"), ("POST", "/healthz")])
def test_other_requests_keep_the_general_limit(server: LiveServer, method: str, target: str) -> None:
    size = 16 * 1024 + 1
    status, headers, body = exchange(server, head(method, target, None, f"Content-Length: {size}"), b"x" * size)
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert body == {"type": "https://reform-facts.example/problems/payload-too-large",
                    "title": "Request Entity Too Large", "status": 413, "detail": GENERAL_LIMIT, "instance": target}


def test_a_key_past_its_burst_gets_429_on_the_wire(server: LiveServer, secret: str) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"}) as client:
        responses = [client.post(PROBE_PATH, content=b"{}") for _ in range(21)]
    assert [r.status_code for r in responses] == [200] * 20 + [429]
    refused = responses[-1]
    retry_after = refused.headers["retry-after"]
    assert 55 <= int(retry_after) <= 60  # the next token, a minute after the bucket was full, less the time spent
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == ("Too many requests with the key 'test_a_key_past_its_burst_gets_429_on_the_"
                                        f"wire'; retry in {retry_after} s.")
