"""`zotsync sync` of live sources, end to end over loopback: a DOI, an OAI-PMH set, a Semantic Scholar paper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, library_items
from tests.live_server import Answer, LiveServer

LIVE = FIXTURES / "live"
DOI = "10.1126/science.169.3946.635"


@pytest.fixture
def live() -> Iterator[LiveServer]:
    server = LiveServer()
    server.start()
    yield server
    server.stop()


def live_env(live: LiveServer) -> dict[str, str]:
    return {"ZOTSYNC_DOI_RESOLVER": live.url, "ZOTSYNC_S2_API": f"{live.url}/graph/v1"}


def test_a_doi_is_synced_once_and_a_rerun_fetches_and_writes_nothing(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes(), headers={"ETag": '"v1"'}))
    cli.env.update(live_env(live))
    proc, report = cli.sync(DOI)
    assert proc.returncode == 0, proc.stderr
    assert report["created"] == 1
    (item,) = library_items(sandbox)
    assert (item["title"], item["DOI"], item["publicationTitle"]) == ("The Structure of Ordinary Water", DOI, "Science")
    proc, report = cli.sync(DOI)
    assert proc.returncode == 0, proc.stderr
    assert (report["created"], report["updated"], report["requests"]) == (0, 0, 1)
    assert live.bodies_sent == 1  # the second run revalidated the cached answer: 304, nothing downloaded


def test_a_doi_that_does_not_exist_is_one_error_line_and_exit_1(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes()))
    cli.env.update(live_env(live))
    proc, report = cli.sync(DOI, "10.1126/foo")
    assert proc.returncode == 1, proc.stderr
    assert "10.1126/foo: HTTP 404" in proc.stderr and "Traceback" not in proc.stderr
    assert report["created"] == 1


def test_offline_uses_the_cache_only(cli, sandbox, live):
    live.add(f"/{DOI}", Answer((LIVE / "csl_doi.json").read_bytes(), headers={"ETag": '"v1"'}))
    cli.env.update(live_env(live))
    cli.sync(DOI)
    served = live.served[f"/{DOI}"]
    proc, report = cli.sync(DOI, extra=("--offline",))
    assert proc.returncode == 0, proc.stderr
    assert live.served[f"/{DOI}"] == served and report["unchanged"] == 1
