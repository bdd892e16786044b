"""What a real client sends to a real `python -m app serve`: raw UTF-8 targets, repeated headers, huge and slow
request heads, many connections, and the README's own commands. TestClient percent-encodes URLs, folds
repeated headers and never reaches uvicorn's parser, so every test here talks to a server process.
"""

import gzip
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import orjson
import pytest

from app.config import REPO_ROOT
from tests.live_server import LiveServer, live_server, read_all, split_response

HEADER_TIMEOUT = 1.5  # seconds; short so the slow-client tests stay quick
MAX_CONNECTIONS = 8


@pytest.fixture(scope="module")
def server(sqlite_seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(sqlite_seeded_url, tmp_path_factory.mktemp("edge"), HEADER_TIMEOUT=str(HEADER_TIMEOUT),
                     MAX_CONNECTIONS=str(MAX_CONNECTIONS)) as live:
        yield live


def get(server: LiveServer, target: str, *header_lines: str) -> tuple[int, dict[str, str], bytes]:
    """One request with exactly these header lines (repeats allowed), as raw bytes on the wire."""
    head = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{line}\r\n" for line in header_lines) + "\r\n"
    status, headers, body = split_response(server.raw(head.encode("utf-8")))
    return status, dict(headers), body


def problem_of(body: bytes) -> dict:
    problem = orjson.loads(body)
    assert problem["type"].startswith("https://reform-facts.example/problems/") and problem["detail"], problem
    return problem


# --- the response cache: nothing one client sends changes what another gets --------------------------------


@pytest.mark.parametrize("target", ["/v1/places?limit=1", "/v1/measures?limit=2", "/v1/meta"])
def test_repeated_accept_lines_do_not_poison_the_cache(server: LiveServer, target: str) -> None:
    # The attack of the issue: two Accept lines, the last one what curl sends by default.
    status, headers, body = get(server, target, "Accept: application/x-ndjson", "Accept: */*")
    # One list, as RFC 9110 §5.3 says: "application/x-ndjson, */*" names NDJSON, which beats the wildcard.
    assert status == 200 and headers["content-type"] == "application/x-ndjson", headers
    for _ in range(2):
        status, headers, body = get(server, target, "Accept: */*")  # a plain curl
        assert status == 200 and headers["content-type"] == "application/json", headers
        assert body.startswith(b"{")


def test_repeated_accept_language_lines_do_not_poison_the_cache(server: LiveServer) -> None:
    target = "/v1/places?limit=1&sort=slug"
    status, headers, _ = get(server, target, "Accept-Language: en", "Accept-Language: zh")
    assert status == 200 and headers["content-language"] == "en"  # "en, zh": the first named
    status, headers, body = get(server, target, "Accept-Language: zh")
    assert status == 200 and headers["content-language"] == "zh"
    assert set(orjson.loads(body)["data"][0]["name"]) == {"zh"}


def test_repeated_accept_language_lines_are_one_list(server: LiveServer) -> None:
    status, headers, _ = get(server, "/v1/places?limit=1&sort=-slug", "Accept-Language: fr",
                             "Accept-Language: zh;q=0.1, en;q=0.9")
    assert status == 200 and headers["content-language"] == "en"


def test_varying_header_text_does_not_grow_memory(server: LiveServer) -> None:
    """Distinct header values that negotiate the same thing share one cache entry: RSS stays flat."""
    target = "/v1/measures?limit=200"  # ~52 KB, ~60 KB with its gzip body

    def rss_mib() -> float:
        status = Path(f"/proc/{server.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024

    get(server, target)
    before = rss_mib()
    for i in range(400):
        value = f"x-{i}-" + "a" * 7000  # names neither language (so both), just under the field limit
        status, headers, _ = get(server, target, f"Accept-Language: {value}")
        assert status == 200 and headers["content-language"] == "zh, en"
    grown = rss_mib() - before
    # Keyed on header text, 400 entries of ~67 KB would be ~26 MiB; keyed on the negotiated language, one.
    assert grown < 10, f"RSS grew by {grown:.1f} MiB"


def test_oversized_header_field_is_431_problem(server: LiveServer) -> None:
    status, headers, body = get(server, "/v1/events", "Accept-Language: " + "a" * 9000)
    assert status == 431 and headers["content-type"] == "application/problem+json"
    assert "8192 bytes" in problem_of(body)["detail"]


def test_oversized_request_head_is_431_and_is_never_read_whole(server: LiveServer) -> None:
    lines = [f"X-Filler-{i}: " + "b" * 1000 for i in range(5000)]  # ~5 MB if it were all read
    with server.connect() as sock:
        sock.sendall(b"GET /v1/events HTTP/1.1\r\nHost: x\r\n")
        try:
            for line in lines:
                sock.sendall(line.encode() + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed long before the 5 MB were sent
        status, headers, body = split_response(read_all(sock))
    assert status == 431 and "16384 bytes" in problem_of(body)["detail"]
    assert dict(headers)["connection"] == "close"


def test_over_long_request_target_is_414_problem(server: LiveServer) -> None:
    status, headers, body = get(server, "/v1/events/" + "x" * 60_000)
    assert status == 414 and headers["content-type"] == "application/problem+json"
    assert len(body) < 1024


# --- raw UTF-8 in the request target ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/v1/search?q=执法", "/v1/search?q=一枚印章&lang=zh", "/v1/places/龙港"])
def test_raw_utf8_target_means_the_same_as_percent_encoded(server: LiveServer, target: str) -> None:
    raw_status, raw_headers, raw_body = get(server, target)
    encoded_status, encoded_headers, encoded_body = get(server, quote(target, safe="/?=&"))
    assert (raw_status, raw_body) == (encoded_status, encoded_body)
    assert raw_headers.get("etag") == encoded_headers.get("etag")


def test_raw_utf8_search_finds_law_enforcement(server: LiveServer) -> None:
    status, _, body = get(server, "/v1/search?q=执法")
    assert status == 200
    assert "one-team-for-law-enforcement" in {hit["slug"] for hit in orjson.loads(body)["data"]}


def test_malformed_request_is_a_problem_not_plain_text(server: LiveServer) -> None:
    status, headers, body = split_response(server.raw(b"GET /v1/events HTTP/1.1\r\nHost: x\r\nBad\x00: y\r\n\r\n"))
    assert status == 400 and dict(headers)["content-type"] == "application/problem+json"
    problem_of(body)


# --- slow clients and connection counts -------------------------------------------------------------------


def _closed_within(sock: "socket.socket", seconds: float) -> tuple[bytes, float]:  # noqa: F821
    started = time.monotonic()
    sock.settimeout(seconds)
    data = read_all(sock)
    return data, time.monotonic() - started


def test_connection_that_sends_nothing_is_closed_with_408(server: LiveServer) -> None:
    with server.connect(timeout=10) as sock:
        data, waited = _closed_within(sock, HEADER_TIMEOUT + 5)
    assert waited < HEADER_TIMEOUT + 2, waited
    status, _, body = split_response(data)
    assert status == 408 and problem_of(body)["status"] == 408


def test_client_dripping_its_head_is_cut_off_at_the_deadline(server: LiveServer) -> None:
    request = b"GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 100
    started = time.monotonic()
    with server.connect(timeout=10) as sock:
        try:
            for byte in request:  # one byte every 0.1 s: 11 s for the whole head, far past the deadline
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
                if time.monotonic() - started > HEADER_TIMEOUT + 3:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = _closed_within(sock, 5)
    assert time.monotonic() - started < HEADER_TIMEOUT + 4
    assert split_response(data)[0] == 408


@pytest.mark.parametrize("separately", [False, True], ids=["same-packet", "later-packet"])
@pytest.mark.parametrize("after_first", [b"GET /v1/ev", b"\r\n"], ids=["second-head-begun", "stray-crlf"])
def test_a_kept_alive_connection_cannot_be_held_by_a_second_head(server: LiveServer, after_first: bytes,
                                                                 separately: bool) -> None:
    """After a whole request, the start of another (or stray CRLFs) does not hold the connection: the head
    deadline ends it, or, for CRLFs riding in the request's own packet, uvicorn's 5 s keep-alive does."""
    with server.connect(timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + (b"" if separately else after_first))
        if separately:
            response = b""
            while b'{"status":"ok"}' not in response:
                response += sock.recv(4096)
            sock.sendall(after_first)
        started = time.monotonic()
        data, _ = _closed_within(sock, 10)
    limit = 5 + 1 if after_first == b"\r\n" and not separately else HEADER_TIMEOUT + 1
    assert time.monotonic() - started < limit
    assert separately or data.startswith(b"HTTP/1.1 200")
    if after_first != b"\r\n" or separately:
        assert b" 408 Request Timeout" in data


def test_keep_alive_connection_serves_several_requests_within_the_deadline(server: LiveServer) -> None:
    with server.connect() as sock:
        for _ in range(3):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            response = b""
            while b'{"status":"ok"}' not in response:
                response += sock.recv(4096)
            assert response.startswith(b"HTTP/1.1 200")
            time.sleep(HEADER_TIMEOUT / 2)


def test_connections_beyond_the_cap_get_503_and_the_server_recovers(server: LiveServer) -> None:
    idle = [server.connect(timeout=10) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.2)
        extra = server.connect(timeout=5)
        status, _, body = split_response(read_all(extra))
        extra.close()
        assert status == 503 and problem_of(body)["status"] == 503
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.3)
    assert httpx.get(f"{server.url}/healthz").status_code == 200


@pytest.mark.parametrize(("trusted_proxies", "allowed"), [("", 3), ("127.0.0.1", 6)])
def test_one_address_cannot_hold_every_connection(sqlite_seeded_url: str, tmp_path: Path, trusted_proxies: str,
                                                   allowed: int) -> None:
    """Three connections per client here; a trusted proxy speaks for many clients and is not capped."""
    with live_server(sqlite_seeded_url, tmp_path, MAX_CONNECTIONS_PER_CLIENT="3", MAX_CONNECTIONS="100",
                     TRUSTED_PROXIES=trusted_proxies) as capped:
        held = [capped.connect(timeout=10) for _ in range(allowed)]
        try:
            time.sleep(0.2)
            with capped.connect(timeout=5) as extra:
                extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                status, _, body = split_response(read_all(extra))
            if allowed == 3:
                assert status == 503 and "127.0.0.1 holds 3 connections" in problem_of(body)["detail"]
            else:
                assert status == 200
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.3)
        assert httpx.get(f"{capped.url}/healthz").status_code == 200  # the count went down as they closed


# --- the README's commands, verbatim ----------------------------------------------------------------------


def readme_curl_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    # The curation walk-through (its first line sets API) is one script of steps that use each other's results:
    # tests/test_curation_readme.py runs it whole.
    blocks = [block for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL) if not block.startswith("API=")]
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("curl ")]


def test_readme_has_curl_commands() -> None:
    assert len(readme_curl_commands()) >= 7


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("command", readme_curl_commands())
def test_readme_command_works(server: LiveServer, command: str, tmp_path: Path) -> None:
    """Each command as written, against a real server (only the port differs), with curl told to fail on
    an HTTP error through its config file, so `-s` cannot hide one."""
    (tmp_path / ".curlrc").write_text("fail\nshow-error\n")
    command_here = command.replace("localhost:8000", f"127.0.0.1:{server.port}")
    result = subprocess.run(["bash", "-c", command_here], cwd=tmp_path, capture_output=True, timeout=30,
                            env={**os.environ, "HOME": str(tmp_path), "CURL_HOME": str(tmp_path)}, check=False)
    assert result.returncode == 0, (command, result.returncode, result.stderr[-500:])
    output = result.stdout or next(tmp_path.glob("*.csv")).read_bytes()
    assert output and not output.startswith(b"Invalid HTTP"), command
    if output.startswith(b"{"):
        assert "type" not in orjson.loads(output) or "data" in orjson.loads(output), output[:300]


def test_gzip_answer_over_the_wire_decodes_to_the_identity_body(server: LiveServer) -> None:
    _, identity_headers, identity = get(server, "/v1/events", "Accept-Encoding: identity")
    _, gzip_headers, gzipped = get(server, "/v1/events", "Accept-Encoding: gzip", "Accept-Encoding: br")
    assert gzip_headers["content-encoding"] == "gzip" and gzip.decompress(gzipped) == identity
    assert gzip_headers["etag"] != identity_headers["etag"]
    _, headers, body = get(server, "/v1/events", "Accept-Encoding: gzip;q=0")
    assert "content-encoding" not in headers and body == identity
