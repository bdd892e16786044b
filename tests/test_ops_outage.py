"""The API survives its PostgreSQL going away and coming back: quick 503s during, recovery by itself after.

The test makes its own throwaway cluster (initdb + pg_ctl, its own port and directory) and stops and
starts *that*; the shared server on 5432 is never touched. Without PostgreSQL's binaries it is
skipped, unless REQUIRE_POSTGRES=1, where it fails.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import bootstrap_lock, migrate, seed
from app.config import Settings
from app.db import make_engine
from app.main import create_app

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
CONNECT_TIMEOUT = 2  # seconds; what bounds a request while the server is gone
POOL_TIMEOUT = 1.0
RECOVERY_LIMIT = 20.0  # seconds after the restart by which /readyz must be 200 again
# A refused connection fails at once; the bound leaves room for a slow CI machine, not for a hang.
OUTAGE_ANSWER_LIMIT = CONNECT_TIMEOUT + POOL_TIMEOUT + 2.0


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary directory, run as `postgres` when we are root (initdb refuses root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rf-outage-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _unavailable("running as root and there is no 'postgres' user to run initdb as")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bindir / args[0]), *args[1:]], check=True, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options, "-w", "-t", "30",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.SubprocessError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not bindirs or not (Path(bindirs[-1]) / "initdb").exists():
        _unavailable("PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed")
    own = Cluster(Path(bindirs[-1]))
    try:
        own.init()
        own.start()
        yield own
    finally:
        own.remove()


def _timed_get(client: TestClient, url: str) -> tuple[int, dict, float, str]:
    started = time.monotonic()
    response = client.get(url)
    return response.status_code, response.headers, time.monotonic() - started, response.text


def test_database_outage_gives_quick_503s_and_recovers_by_itself(cluster: Cluster) -> None:
    settings = Settings(database_url=cluster.url, access_log=False, db_connect_timeout=CONNECT_TIMEOUT,
                        db_pool_timeout=POOL_TIMEOUT, ready_timeout=3.0, version_check_interval=0.2)
    engine = make_engine(settings)
    with bootstrap_lock(engine) as connection:
        migrate(connection)
        seed(connection, settings.seed_data_dir)
    engine.dispose()

    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        assert client.get("/v1/events?limit=1").status_code == 200  # the pool now holds a live connection

        cluster.stop()
        # Distinct URLs the response cache has never seen, so each one needs the database.
        timings = {}
        for url in ("/readyz", "/v1/events?limit=2", "/v1/places?limit=2",
                    "/v1/events/longgang-town-founded-1983-10", "/v1/events?limit=3"):
            status, headers, seconds, body = _timed_get(client, url)
            timings[url] = round(seconds, 3)
            assert status == 503, (url, status, body[:300])
            assert headers["content-type"] == "application/problem+json", url
            assert "retry-after" in headers, url
            assert seconds < OUTAGE_ANSWER_LIMIT, (url, seconds)
        assert client.get("/healthz").status_code == 200  # alive all along

        cluster.start()
        restarted = time.monotonic()
        while True:
            status, _, _, _ = _timed_get(client, "/readyz")
            recovered_after = time.monotonic() - restarted
            if status == 200:
                break
            assert recovered_after < RECOVERY_LIMIT, "the app did not recover after the database came back"
            time.sleep(0.2)
        assert client.get("/v1/events?limit=4").status_code == 200
        assert client.get("/v1/places?limit=2").status_code == 200  # failed during the outage, fine now
    print(f"\noutage answers (s): {timings}; ready again {recovered_after:.2f} s after the restart")
