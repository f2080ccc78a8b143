"""Shared fixtures: a sandbox server on loopback, a CLI runner, paths to fixtures and ../shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.live_server import LiveServer
from zotsync.sandbox.app import Account
from zotsync.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("ZOTSYNC_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
USER_ID = 4242
API_KEY = "testkey0123456789abcdef"

# CI and the README's test command run the same examples every time (a red run is the code's, not the dice's);
# HYPOTHESIS_PROFILE=explore draws new ones, many more of them, to look for what is not yet known
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=25, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: over the sandbox through HTTP; still runs by default (deselect: -m 'not slow')")


def needs_shared(path: Path) -> Any:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not available (run beside ../shared)")


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    server = SandboxServer(Account(USER_ID, API_KEY), data_dir=tmp_path / "sandbox-data", rate_limit=False)
    server.start()
    yield server
    server.stop()


class Cli:
    """Runs ``zotsync`` as a user would, in a subprocess, against the sandbox over loopback."""

    def __init__(self, sandbox: SandboxServer, state_dir: Path, workdir: Path) -> None:
        self.sandbox, self.state_dir, self.workdir = sandbox, state_dir, workdir
        self.env = {**os.environ, "ZOTERO_API_KEY": API_KEY, "ZOTSYNC_API_URL": sandbox.url,
                    "ZOTSYNC_STATE_DIR": str(state_dir), "ZOTSYNC_MAX_WAIT": "0.05",
                    "ZOTSYNC_TIMEOUT": "2"}

    def run(self, *args: str, env: dict[str, str] | None = None, input: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zotsync", *args], capture_output=True, text=True, input=input,
                              env={**self.env, **(env or {})}, cwd=self.workdir, timeout=300)

    def sync(self, *paths: str | Path, extra: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
        report = self.workdir / "report.json"
        if report.exists():
            report.unlink()
        proc = self.run("sync", *map(str, paths), "--library", f"user:{USER_ID}", "--json-report", str(report), *extra)
        data = json.loads(report.read_text()) if report.exists() else {}
        return proc, data


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """A loopback stand-in for the live sources (doi.org, Semantic Scholar, OAI-PMH, VuFind)."""
    server = LiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cli(sandbox: SandboxServer, tmp_path: Path) -> Cli:
    return Cli(sandbox, tmp_path / "state", tmp_path)


def library_items(sandbox: SandboxServer) -> list[dict[str, Any]]:
    """Top-level, non-trashed items of the sandbox user library (server side, no HTTP)."""
    lib = sandbox.store.library("user", USER_ID)
    return [dict(o.data, key=o.key, version=o.version) for o in lib.items.values()
            if not o.data.get("parentItem")]
