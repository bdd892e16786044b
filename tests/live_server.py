"""A real `python -m app serve` process, for what only a real server sees: uvicorn's parser, raw bytes,
repeated headers, slow clients, several processes at once. TestClient normalises all of these away.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import REPO_ROOT

START_TIMEOUT = 60.0  # seconds; a cold start migrates and seeds an empty database first


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def connect(self, timeout: float = 5.0) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        sock.settimeout(timeout)
        return sock

    def raw(self, request: bytes, timeout: float = 5.0) -> bytes:
        """Send bytes exactly as given on a new connection; everything the server wrote until it closed
        (or went quiet for `timeout`)."""
        with self.connect(timeout) as sock:
            sock.sendall(request)
            return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (TimeoutError, ConnectionResetError):
        pass
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (every line, in order, names lower-cased) and body of one raw HTTP/1.1 response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [(name.strip().lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    return int(status_line.split()[1]), headers, body


def start_server(database_url: str, log_path: Path, module: str = "app", **env: str) -> subprocess.Popen:
    """Start `python -m <module> serve` without waiting for it; the port comes from env["PORT"]."""
    environment = {**os.environ, "DATABASE_URL": database_url, "HOST": "127.0.0.1", "LOG_LEVEL": "warning", **env}
    with log_path.open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", module, "serve"], cwd=REPO_ROOT, env=environment,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_until_serving(port: int, process: subprocess.Popen, log_path: Path,
                       timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz within {timeout} s:\n{log_path.read_text()[-4000:]}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def live_server(database_url: str, log_dir: Path, module: str = "app", **env: str) -> Iterator[LiveServer]:
    """`python -m app serve` (or `module`'s, see tests/probe_server.py) on a free port of 127.0.0.1 over
    `database_url`, stopped afterwards."""
    port = free_port()
    log_path = log_dir / f"serve-{port}.log"
    process = start_server(database_url, log_path, module, PORT=str(port), **env)
    try:
        wait_until_serving(port, process, log_path)
        yield LiveServer(port, process, log_path)
    finally:
        stop_server(process)
