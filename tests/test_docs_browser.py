"""The docs pages work in a real browser with no internet: headless Debian chromium, driven over CDP.

The app runs as operators run it (`python -m app serve`, its own temp SQLite file, migrated and
seeded on start). Chromium gets a fresh profile, no proxy and no name resolution but loopback, and
every request each page makes (its workers' too) is recorded from Network.requestWillBeSent: none
may go anywhere but 127.0.0.1/localhost. A request the page asks for but the browser refuses to send
(blocked by the page's own Content-Security-Policy) does not leave the machine and is allowed.

Skipped when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 (then it fails).
The CDP helpers live in tools/docs_screenshot.py (the reviewers' screenshot script), so this test
exercises that script too.
"""

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO / "tools" / "docs_screenshot.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"

HAVE_CHROMIUM = os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)
if not HAVE_CHROMIUM and not REQUIRE_BROWSER:
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)", allow_module_level=True)
if not REQUIRE_BROWSER:
    pytest.importorskip("websockets", reason="the websockets package (test extra) drives chromium")


def _load_tool():
    spec = importlib.util.spec_from_file_location("docs_screenshot", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cdp = _load_tool()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('docs-browser') / 'docs.sqlite3'}"


@pytest.fixture(scope="module")
def app_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on a free loopback port, against a fresh SQLite file; stopped afterwards."""
    with cdp.start_app(database_url, tmp_path_factory.mktemp("docs-app") / "app.log", timeout=90) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator["cdp.Chromium"]:
    if not HAVE_CHROMIUM:
        pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install -y chromium)")
    with cdp.Chromium(CHROMIUM, timeout=30) as chromium:
        yield chromium


@pytest.fixture
def page(browser: "cdp.Chromium") -> Iterator["cdp.CDPPage"]:
    tab = browser.new_page(1280, 900)
    try:
        yield tab
    finally:
        tab.close()


def _diagnose(page: "cdp.CDPPage") -> str:
    return ("\nconsole errors:\n  " + "\n  ".join(page.console_errors or ["(none)"]) +
            "\nrequests:\n  " + "\n  ".join(r["url"] for r in page.requests))


def _assert_offline(page: "cdp.CDPPage", base: str) -> None:
    page.settle(0.5)  # let late network events (and failures) arrive
    assert page.requests, "no request was recorded: the network log is not working"
    assert any(r["url"].startswith(base) for r in page.requests)
    outside = page.outside_requests()
    assert not outside, f"requests left 127.0.0.1/localhost: {outside}" + _diagnose(page)


def test_swagger_ui_renders_and_try_it_out_works_offline(app_url: str, page: "cdp.CDPPage") -> None:
    page.goto(f"{app_url}/docs")
    try:
        operations = cdp.swagger_operations(page, timeout=30)
    except TimeoutError as exc:  # e.g. a CSP that blocks Swagger's inline start-up script
        pytest.fail(f"{exc}{_diagnose(page)}")
    rendered = {(op["method"], op["path"]): op["summary"] for op in operations}
    assert rendered.get(("GET", "/v1/events")) == "List timeline events", rendered
    assert rendered.get(("GET", "/v1/meta")) == "Dataset version, licence and counts", rendered
    assert len(rendered) >= 19, sorted(rendered)
    assert page.js("document.title") == "Reform Facts API — docs"
    assert "Reform Facts API" in page.js("document.querySelector('.info .title').textContent")
    assert page.js("getComputedStyle(document.querySelector('.opblock-summary-method')).backgroundColor") \
        not in ("", "rgba(0, 0, 0, 0)"), "swagger-ui.css did not apply"

    response = cdp.swagger_try_it_out(page, "GET", "/v1/events", timeout=30)
    assert response["status"] == "200", response["text"]
    assert response["request_url"].startswith(f"{app_url}/v1/events"), response["request_url"]
    assert "economic-daily-2020-10-20-longgang" in response["body"], response["body"][:500]
    assert '"data"' in response["body"] and '"links"' in response["body"]
    assert any(r["url"].startswith(f"{app_url}/v1/events") and r["type"] == "Fetch" for r in page.requests), \
        "Execute sent no request to the app"

    # The static assets came from the package mount, and the spec from the app.
    urls = [r["url"] for r in page.requests]
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css", "/openapi.json"):
        assert f"{app_url}{asset}" in urls, urls
    assert not page.js("typeof window.SwaggerUIBundle === 'undefined'")
    assert not [e for e in page.console_errors if e.startswith("exception")], _diagnose(page)
    _assert_offline(page, app_url)


def test_redoc_renders_offline(app_url: str, page: "cdp.CDPPage") -> None:
    page.goto(f"{app_url}/redoc")
    try:
        text = cdp.redoc_text(page, "Reform Facts API", timeout=30)
    except TimeoutError as exc:
        pytest.fail(f"{exc}{_diagnose(page)}")
    assert "Reform Facts API (1.0.0)" in text
    assert "List timeline events" in text
    assert "Longgang" in text
    assert page.js("document.title") == "Reform Facts API — reference"
    urls = [r["url"] for r in page.requests]
    assert f"{app_url}/docs-assets/redoc.standalone.js" in urls, urls
    assert f"{app_url}/openapi.json" in urls, urls
    assert not [e for e in page.console_errors if e.startswith("exception")], _diagnose(page)
    _assert_offline(page, app_url)


def _create_key(database_url: str, name: str) -> str:
    """A key made as the README says (`python -m app keys create`); the secret is its output's last line."""
    result = subprocess.run([sys.executable, "-m", "app", "keys", "create", "--name", name, "--scopes", "review"],
                            cwd=REPO, env={**os.environ, "DATABASE_URL": database_url}, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]  # stderr never holds the secret
    return result.stdout.splitlines()[-1]


def test_swagger_ui_authorize_sends_the_key(app_url: str, database_url: str, page: "cdp.CDPPage") -> None:
    """Authorize, paste a key, then Try it out on GET /v1/keys/current: the answer names the key."""
    secret = _create_key(database_url, "docs desk")
    page.goto(f"{app_url}/docs")
    try:
        cdp.swagger_operations(page, timeout=30)
    except TimeoutError as exc:
        pytest.fail(f"{exc}{_diagnose(page)}")

    # Before authorizing, the same button press gets the 401 a client without a key gets.
    response = cdp.swagger_try_it_out(page, "GET", "/v1/keys/current", timeout=30)
    assert response["status"] == "401", response["text"]

    page.js("document.querySelector('.auth-wrapper button.authorize').click()")
    page.wait_js("!!document.querySelector('.modal-ux .auth-container input')", 15, "the Authorize dialog")
    assert "HTTPBearer" in page.js("document.querySelector('.modal-ux .auth-container').innerText")
    page.js("document.querySelector('.modal-ux .auth-container input').focus()")
    page.cmd("Input.insertText", {"text": secret})  # typed, as a person pastes it
    page.js("document.querySelector('.modal-ux .auth-btn-wrapper button.authorize').click()")
    page.wait_js("!!document.querySelector('.modal-ux .auth-btn-wrapper button.btn-done')", 15, "authorized")
    page.js("document.querySelector('.modal-ux .auth-btn-wrapper button.btn-done').click()")
    page.wait_js("!document.querySelector('.modal-ux')", 15, "the dialog to close")
    assert page.js("!!document.querySelector('.auth-wrapper button.authorize.locked')"), "the padlock did not close"

    block = page.js("""[...document.querySelectorAll('.opblock')].find(b =>
        b.querySelector('.opblock-summary-path')?.getAttribute('data-path') === '/v1/keys/current').id""")
    page.js(f"document.getElementById({block!r}).querySelector('button.execute').click()")
    page.wait_js(f"""(() => {{ const s = document.getElementById({block!r})
        .querySelector('.live-responses-table tr.response .response-col_status');
        return s && s.textContent.trim() === '200'; }})()""", 30, "a 200 from GET /v1/keys/current")
    body = page.js(f"document.getElementById({block!r})"
                   ".querySelector('.live-responses-table tr.response .response-col_description pre').textContent")
    assert '"name": "docs desk"' in body and '"scopes": [\n    "review"\n  ]' in body, body
    assert secret[17:] not in body  # the answer never quotes the secret
    _assert_offline(page, app_url)
