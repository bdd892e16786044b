"""The response cache on its own, around a stand-in app: what it keys on, how much it keeps, and that a page
rendered from old data never outlives the seed that replaced it."""

from types import SimpleNamespace

import anyio
import pytest

from app.api import cache as cache_module
from app.api.cache import ResponseCache
from app.api.routes import RouteTemplates
from app.config import Settings


class Dataset:
    """The database as the cache sees it: a version number, and pages rendered from it."""

    def __init__(self) -> None:
        self.version = 1
        self.renders = 0
        self.slow_started = anyio.Event()
        self.release_slow = anyio.Event()

    async def app(self, scope: dict, receive: object, send: object) -> None:
        self.renders += 1
        version = self.version  # the render reads the data as it is now…
        if scope["path"] == "/v1/slow":
            self.slow_started.set()
            await self.release_slow.wait()  # …and finishes later
        body = f"{scope['path']} v{version} ".encode() * 100
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def dataset(monkeypatch: pytest.MonkeyPatch) -> Dataset:
    data = Dataset()
    monkeypatch.setattr(cache_module, "_read_version", lambda engine: data.version)
    return data


def make_cache(dataset: Dataset, **settings: object) -> ResponseCache:
    return ResponseCache(dataset.app, Settings(**{"version_check_interval": 0, **settings}))


async def fetch(cache: ResponseCache, path: str, *headers: tuple[bytes, bytes]) -> bytes:
    app = SimpleNamespace(state=SimpleNamespace(engine=None, route_templates=RouteTemplates()))
    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": list(headers),
             "app": app}
    chunks: list[bytes] = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message["body"])

    await cache(scope, None, send)
    return b"".join(chunks)


def test_a_page_rendered_before_a_seed_is_not_kept_after_it(dataset: Dataset) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(fetch, cache, "/v1/slow")
            await dataset.slow_started.wait()  # the slow render has read version 1
            dataset.version = 2  # a seed commits
            assert (await fetch(cache, "/v1/other")).startswith(b"/v1/other v2")  # the cache sees version 2
            dataset.release_slow.set()  # the old render finishes now
        dataset.slow_started = anyio.Event()
        dataset.release_slow.set()
        assert (await fetch(cache, "/v1/slow")).startswith(b"/v1/slow v2")

    anyio.run(scenario)


def test_a_new_version_drops_every_entry(dataset: Dataset) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset)
        assert (await fetch(cache, "/v1/a")).startswith(b"/v1/a v1")
        assert (await fetch(cache, "/v1/a")).startswith(b"/v1/a v1") and dataset.renders == 1
        dataset.version = 2
        assert (await fetch(cache, "/v1/a")).startswith(b"/v1/a v2") and dataset.renders == 2

    anyio.run(scenario)


def test_the_cache_is_bounded_in_bytes_least_recently_used_first(dataset: Dataset) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset, cache_max_bytes=20_000)
        await fetch(cache, "/v1/keep")
        for i in range(100):
            await fetch(cache, f"/v1/page-{i}")
            await fetch(cache, "/v1/keep")  # used all the time: never the one evicted
            assert cache.bytes <= 20_000
        assert 0 < len(cache.entries) < 20
        renders = dataset.renders
        await fetch(cache, "/v1/keep")
        await fetch(cache, "/v1/page-99")
        assert dataset.renders == renders  # both still cached
        await fetch(cache, "/v1/page-0")
        assert dataset.renders == renders + 1  # long evicted
        assert cache.bytes == sum(entry.size for entry in cache.entries.values())

    anyio.run(scenario)


def test_a_response_larger_than_the_whole_cache_is_served_but_not_kept(dataset: Dataset) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset, cache_max_bytes=1_000)
        assert (await fetch(cache, "/v1/big")).startswith(b"/v1/big v1")
        assert not cache.entries and cache.bytes == 0

    anyio.run(scenario)


@pytest.mark.parametrize(("header", "variants"), [
    (b"accept-language", [b"en", b"en-US", b"en-GB;q=0.9", b"fr, en;q=0.5", b"en, x-" + b"a" * 4000]),
    (b"accept", [b"*/*", b"*/*;q=0.9", b"image/png, */*", b"*/*, x/" + b"y" * 4000, b"*/*;q=0.1, text/html"]),
])
def test_header_variants_that_negotiate_alike_share_one_entry(dataset: Dataset, header: bytes,
                                                              variants: list[bytes]) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset)
        for i, variant in enumerate(variants * 20):
            await fetch(cache, "/v1/a", (header, variant + b" " * (i % 7)))
        assert len(cache.entries) == 1 and dataset.renders == 1

    anyio.run(scenario)


def test_headers_that_negotiate_differently_get_their_own_entries(dataset: Dataset) -> None:
    async def scenario() -> None:
        cache = make_cache(dataset)
        for headers in ([], [(b"accept-language", b"zh")], [(b"accept-language", b"en")],
                        [(b"accept", b"text/csv")], [(b"accept", b"application/x-ndjson")],
                        [(b"accept", b"application/x-ndjson"), (b"accept", b"*/*")]):
            await fetch(cache, "/v1/a", *headers)
        assert len(cache.entries) == 6

    anyio.run(scenario)


def test_concurrent_misses_of_one_page_render_it_once(dataset: Dataset) -> None:
    """After a new version empties the cache, every connection asks for the same pages at once: one renders,
    the others are served what it stored."""
    async def scenario() -> None:
        cache = make_cache(dataset)
        await fetch(cache, "/v1/other")  # the cache has seen version 1: no render below is from before it
        bodies: list[bytes] = []

        async def client() -> None:
            bodies.append(await fetch(cache, "/v1/slow"))

        async with anyio.create_task_group() as tasks:
            for _ in range(10):
                tasks.start_soon(client)
            await dataset.slow_started.wait()
            await anyio.sleep(0.01)  # every other client is waiting by now
            dataset.release_slow.set()
        assert dataset.renders == 2  # /v1/other, then /v1/slow once
        assert len(bodies) == 10 and len(set(bodies)) == 1 and bodies[0].startswith(b"/v1/slow v1")

    anyio.run(scenario)


def test_a_waiter_renders_for_itself_when_nothing_was_stored(dataset: Dataset) -> None:
    """An answer to a request with Authorization is never stored, so one waiting on it renders its own."""
    async def scenario() -> None:
        cache = make_cache(dataset)
        await fetch(cache, "/v1/other")
        bodies: list[bytes] = []

        async def client(*headers: tuple[bytes, bytes]) -> None:
            bodies.append(await fetch(cache, "/v1/slow", *headers))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(client, (b"authorization", b"Bearer rfk_x"))
            await dataset.slow_started.wait()
            tasks.start_soon(client)
            await anyio.sleep(0.01)
            assert dataset.renders == 2  # /v1/other and the first; the second is waiting, not rendering
            dataset.release_slow.set()
        assert dataset.renders == 3 and len(bodies) == 2
        assert list(cache.entries) and cache.rendering == {}  # the second one's answer is stored

    anyio.run(scenario)
