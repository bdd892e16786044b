#!/usr/bin/env python3
"""Screenshots of the API docs pages (/docs, /redoc) in headless Chromium, with no internet.

    python tools/docs_screenshot.py                 # start the app on a temp SQLite file
    python tools/docs_screenshot.py --url http://127.0.0.1:8000 --out /tmp/shots
    python tools/docs_screenshot.py --no-try-it-out --operation "GET /v1/events"

Writes docs.png, docs-try-it-out.png and redoc.png to --out (default ./screenshots, git-ignored) and
prints every request the pages made that left 127.0.0.1/localhost (there should be none; exit 1 if any).

Chromium (Debian's /usr/bin/chromium) is driven over the Chrome DevTools Protocol with the
`websockets` package alone: no browser download, no Playwright. tests/test_docs_browser.py uses the
helpers below (Chromium, CDPPage, start_app, stop_process, is_local_url).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import inspect
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.sync.client import connect

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1280,900",
    # No proxy, and no name resolves but loopback: an outside request fails here even on a machine
    # that has internet (it is still seen and reported: the browser tries it before resolving).
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class BrowserError(RuntimeError):
    pass


def is_local_url(url: str) -> bool:
    """True for loopback http(s)/ws(s) URLs and for data:/about:/blob: URLs of the page itself."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "about", "blob"}:
        return True
    if parts.scheme in {"http", "https", "ws", "wss"}:
        return (parts.hostname or "") in LOCAL_HOSTS
    return False


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(proc: subprocess.Popen | None, timeout: float = 10) -> None:
    """SIGTERM the process group we started (the process is its leader), SIGKILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def start_app(database_url: str, log_path: Path, timeout: float = 60) -> Iterator[str]:
    """`python -m app serve` on a free loopback port; yields its base URL once /healthz answers 200."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "ACCESS_LOG": "false", "RATE_LIMIT_PER_MINUTE": "0"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        def healthy() -> bool:
            if proc.poll() is not None:
                raise BrowserError(f"app exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        wait_for(healthy, timeout, f"{base}/healthz", interval=0.2)
        yield base
    finally:
        stop_process(proc)


class Chromium:
    """Headless Debian chromium with a fresh profile, and one CDP websocket to its browser target."""

    def __init__(self, executable: str = CHROMIUM, timeout: float = 30) -> None:
        self.executable = executable
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.profile: str | None = None
        self.ws = None
        self._stack = contextlib.ExitStack()  # owns the websocket
        self._ids = itertools.count(1)
        self.events: list[dict] = []  # every CDP event seen, in order
        self._handlers: list[Callable[[dict], None]] = []

    def __enter__(self) -> Chromium:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        if not (os.path.isfile(self.executable) and os.access(self.executable, os.X_OK)):
            raise FileNotFoundError(self.executable)
        self.profile = tempfile.mkdtemp(prefix="rf-chromium-")
        self._log = open(Path(self.profile).with_suffix(".log"), "wb")
        self.proc = subprocess.Popen(
            [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        active = Path(self.profile) / "DevToolsActivePort"

        def ready() -> list[str] | None:
            if self.proc.poll() is not None:
                raise BrowserError(f"chromium exited with {self.proc.returncode}: {self.log_tail()}")
            lines = active.read_text().split() if active.exists() else []
            return lines if len(lines) >= 2 else None

        port, path = wait_for(ready, self.timeout, "chromium's DevToolsActivePort")
        kwargs: dict[str, Any] = {"max_size": None, "open_timeout": self.timeout}
        if "proxy" in inspect.signature(connect).parameters:
            kwargs["proxy"] = None  # websockets >= 15 would honour *_PROXY variables; this is loopback
        self.ws = self._stack.enter_context(connect(f"ws://127.0.0.1:{port}{path}", **kwargs))

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return Path(self.profile).with_suffix(".log").read_text(errors="replace")[-2000:]
        return ""

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stack.close()
        self.ws = None
        stop_process(self.proc, timeout=5)
        if getattr(self, "_log", None):
            self._log.close()
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)
            Path(self.profile).with_suffix(".log").unlink(missing_ok=True)

    # -- the protocol: one socket, flat sessions, replies matched by id, events kept and dispatched --

    def _dispatch(self, message: dict) -> None:
        self.events.append(message)
        for handler in list(self._handlers):
            handler(message)

    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        msg_id = next(self._ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        return msg_id

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        msg_id = self.post(method, params, session)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._recv(deadline - time.monotonic(), method)
            if message.get("id") == msg_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._dispatch(message)

    def _recv(self, remaining: float, what: str) -> dict:
        if remaining <= 0:
            raise TimeoutError(f"no CDP reply to {what}")
        try:
            return json.loads(self.ws.recv(timeout=remaining))
        except TimeoutError:
            raise TimeoutError(f"no CDP reply to {what} in time") from None

    def pump(self, seconds: float) -> None:
        """Read and dispatch events for a while (lets in-flight network events arrive)."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                return
            if "method" in message:
                self._dispatch(message)

    def new_page(self, width: int = 1280, height: int = 900) -> CDPPage:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return CDPPage(self, target, session, width, height)


class CDPPage:
    """One tab. Records every request made by it and by any worker/frame it starts."""

    def __init__(self, browser: Chromium, target: str, session: str, width: int, height: int) -> None:
        self.browser = browser
        self.target = target
        self.session = session
        self.sessions = {session}
        self.requests: list[dict] = []  # {"id", "url", "type", "session"} per Network.requestWillBeSent
        self.failures: dict[str, dict] = {}  # requestId -> Network.loadingFailed params
        self.console_errors: list[str] = []  # exceptions, console.error, browser log errors (CSP, 404 …)
        browser._handlers.append(self._on_event)
        self._enable(session)
        self.cmd("Page.enable")
        self.cmd("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _enable(self, session: str) -> None:
        for method, params in (("Network.enable", {}), ("Runtime.enable", {}), ("Log.enable", {}),
                               ("Network.setCacheDisabled", {"cacheDisabled": True}),
                               ("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                         "flatten": True})):
            self.browser.send(method, params, session)

    def _on_event(self, message: dict) -> None:
        session, method, params = message.get("sessionId"), message["method"], message.get("params", {})
        if method == "Target.attachedToTarget" and session in self.sessions:
            # A worker or frame of this page: record its requests too, then let it run.
            child = params["sessionId"]
            self.sessions.add(child)
            for m, p in (("Network.enable", {}), ("Runtime.enable", {}),
                         ("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                   "flatten": True}),
                         ("Runtime.runIfWaitingForDebugger", {})):
                self.browser.post(m, p, child)  # replies are ignored
            return
        if session not in self.sessions:
            return
        if method == "Network.requestWillBeSent":
            self.requests.append({"id": params["requestId"], "url": params["request"]["url"],
                                  "type": params.get("type"), "session": session})
        elif method == "Network.webSocketCreated":
            self.requests.append({"id": params["requestId"], "url": params["url"], "type": "WebSocket",
                                  "session": session})
        elif method == "Network.loadingFailed":
            self.failures[params["requestId"]] = params
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            self.console_errors.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.console_errors.append("console.error: " + " ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            e = params["entry"]
            self.console_errors.append(f"{e.get('source')}: {e.get('text')} {e.get('url', '')}".strip())

    def cmd(self, method: str, params: dict | None = None, timeout: float | None = None) -> dict:
        return self.browser.send(method, params, self.session, timeout)

    def outside_requests(self) -> list[str]:
        """Requests to anywhere but this machine that the browser did not block before sending."""
        return [r["url"] for r in self.requests if not is_local_url(r["url"]) and not self.blocked_reason(r)]

    def blocked_outside_requests(self) -> list[str]:
        """Outside requests the page asked for but the browser refused to send (e.g. by the page's CSP)."""
        return [f"{r['url']} (blocked: {self.blocked_reason(r)})" for r in self.requests
                if not is_local_url(r["url"]) and self.blocked_reason(r)]

    def blocked_reason(self, request: dict) -> str | None:
        failure = self.failures.get(request["id"]) or {}
        return failure.get("blockedReason")

    def close(self) -> None:
        with contextlib.suppress(ValueError):
            self.browser._handlers.remove(self._on_event)
        with contextlib.suppress(Exception):
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=5)

    def goto(self, url: str, timeout: float = 30) -> None:
        result = self.cmd("Page.navigate", {"url": url}, timeout)
        if result.get("errorText"):
            raise BrowserError(f"navigating to {url}: {result['errorText']}")
        self.wait_js("document.readyState === 'complete'", timeout, f"{url} to load")

    def js(self, expression: str, timeout: float = 15) -> Any:
        result = self.cmd("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True}, timeout)
        if "exceptionDetails" in result:
            d = result["exceptionDetails"]
            raise BrowserError(f"JS error: {d.get('exception', {}).get('description') or d.get('text')}")
        return result["result"].get("value")

    def wait_js(self, expression: str, timeout: float, what: str) -> Any:
        return wait_for(lambda: self.js(expression), timeout, what, interval=0.2)

    def settle(self, seconds: float = 0.5) -> None:
        self.browser.pump(seconds)

    def screenshot(self, path: Path, selector: str | None = None, full_page: bool = False,
                   max_height: int = 8000) -> Path:
        """PNG of the viewport, of the whole page, or of one element (scrolled into view)."""
        params: dict[str, Any] = {"format": "png"}
        clip = None
        if selector:
            clip = self.js(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
                if (!e) return null; const r = e.getBoundingClientRect();
                return {{x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}}; }})()""")
            if not clip:
                raise BrowserError(f"nothing matches {selector} to screenshot")
        elif full_page:
            clip = self.js("({x: 0, y: 0, width: document.documentElement.scrollWidth,"
                           " height: document.documentElement.scrollHeight})")
        if clip:
            clip["height"] = min(clip["height"], max_height)
            params.update(clip=dict(clip, scale=1), captureBeyondViewport=True)
        data = self.cmd("Page.captureScreenshot", params, timeout=60)["data"]
        path.write_bytes(base64.b64decode(data))
        return path


# -- what a person does on the pages; shared with tests/test_docs_browser.py --

SWAGGER_OPERATIONS_JS = """[...document.querySelectorAll('.opblock')].map(b => ({
    id: b.id,
    method: (b.querySelector('.opblock-summary-method') || {}).textContent,
    path: (b.querySelector('.opblock-summary-path') || {}).getAttribute?.('data-path')
          || (b.querySelector('.opblock-summary-path') || {}).textContent,
    summary: (b.querySelector('.opblock-summary-description') || {}).textContent}))"""


def swagger_operations(page: CDPPage, timeout: float = 30) -> list[dict]:
    page.wait_js("document.querySelectorAll('.opblock').length > 0", timeout, "Swagger UI operations")
    return page.js(SWAGGER_OPERATIONS_JS)


def swagger_try_it_out(page: CDPPage, method: str, path: str, timeout: float = 30) -> dict:
    """Expand one operation, click "Try it out" then "Execute"; return the live response shown."""
    block_js = f"""[...document.querySelectorAll('.opblock')].find(b =>
        (b.querySelector('.opblock-summary-method') || {{}}).textContent === {json.dumps(method.upper())} &&
        (b.querySelector('.opblock-summary-path') || {{}}).getAttribute?.('data-path') === {json.dumps(path)})"""
    block_id = page.js(f"({block_js} || {{}}).id || null")
    if not block_id:
        raise BrowserError(f"no operation {method} {path} on the page")
    sel = f"document.getElementById({json.dumps(block_id)})"
    page.js(f"{sel}.scrollIntoView(); ({sel}.querySelector('.opblock-summary-control') "
            f"|| {sel}.querySelector('.opblock-summary')).click()")
    page.wait_js(f"!!{sel}.querySelector('button.try-out__btn')", timeout, f"'Try it out' in {method} {path}")
    page.js(f"{sel}.querySelector('button.try-out__btn').click()")
    page.wait_js(f"!!{sel}.querySelector('button.execute')", timeout, f"'Execute' in {method} {path}")
    page.js(f"{sel}.querySelector('button.execute').click()")
    page.wait_js(f"!!{sel}.querySelector('.live-responses-table tr.response .response-col_status')", timeout,
                 f"the live response of {method} {path}")
    return page.js(f"""(() => {{ const b = {sel};
        const t = b.querySelector('.live-responses-table');
        const url = b.querySelector('.request-url pre');
        const body = t.querySelector('tr.response .response-col_description pre');
        return {{ id: b.id,
                  status: t.querySelector('tr.response .response-col_status').textContent.trim(),
                  request_url: url ? url.textContent.trim() : null,
                  body: body ? body.textContent : '',
                  text: t.innerText }}; }})()""")


def redoc_text(page: CDPPage, needle: str, timeout: float = 30) -> str:
    page.wait_js(f"document.body.innerText.includes({json.dumps(needle)}) && "
                 "document.querySelectorAll('[data-section-id]').length > 0", timeout, f"ReDoc to show {needle!r}")
    return page.js("document.body.innerText")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="use a running app at this base URL instead of starting one")
    ap.add_argument("--out", default="screenshots", help="directory for the PNGs (default: ./screenshots)")
    ap.add_argument("--operation", default="GET /v1/meta", help='operation for Try it out (default: "GET /v1/meta")')
    ap.add_argument("--no-try-it-out", action="store_true", help="skip Try it out / Execute")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    method, _, op_path = args.operation.partition(" ")

    with contextlib.ExitStack() as stack:
        if args.url:
            base = args.url.rstrip("/")
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rf-docs-")))
            print("starting the app on a temporary SQLite database …", file=sys.stderr)
            base = stack.enter_context(start_app(f"sqlite:///{tmp / 'docs.sqlite3'}", tmp / "app.log"))
        browser = stack.enter_context(Chromium())
        page = browser.new_page(args.width, args.height)
        outside: list[str] = []
        blocked: list[str] = []

        page.goto(f"{base}/docs")
        ops = swagger_operations(page)
        page.settle()
        print(f"/docs: {len(ops)} operations", file=sys.stderr)
        written = [page.screenshot(out / "docs.png", full_page=True)]
        if not args.no_try_it_out:
            response = swagger_try_it_out(page, method, op_path)
            page.settle()
            print(f"Try it out {args.operation}: {response['status']} from {response['request_url']}",
                  file=sys.stderr)
            written.append(page.screenshot(out / "docs-try-it-out.png", selector=f"#{response['id']}"))
        outside += page.outside_requests()
        blocked += page.blocked_outside_requests()

        page.requests.clear()
        page.goto(f"{base}/redoc")
        redoc_text(page, "Reform Facts API")
        page.settle(1.0)
        written.append(page.screenshot(out / "redoc.png"))
        outside += page.outside_requests()
        blocked += page.blocked_outside_requests()

        for path in written:
            print(path.resolve())
        for err in page.console_errors:
            print(f"console: {err}", file=sys.stderr)
        if blocked:
            print("outside requests the browser blocked (never sent):\n  " + "\n  ".join(blocked), file=sys.stderr)
        if outside:
            print("requests that left this machine:\n  " + "\n  ".join(outside), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
