"""The sandbox against the real Zotero API server's recorded answers (shared/real-api)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import SHARED, needs_shared

REAL_API = SHARED / "real-api"


@needs_shared(REAL_API / "conform.py")
def test_sandbox_matches_the_real_server_on_every_step(tmp_path):
    server = subprocess.Popen([sys.executable, "-m", "zotsync", "sandbox", "--port", "0", "--user-id", "123456",
                               "--api-key", "conformkey123", "--data-dir", str(tmp_path / "data")],
                              stdout=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline().strip()
        match = re.fullmatch(r"listening (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        check = subprocess.run([sys.executable, str(REAL_API / "conform.py"), "check", "--base-url", match.group(1),
                                "--user-id", "123456", "--api-key", "conformkey123", "--expected",
                                str(REAL_API / "expected.json"), "--rate", "0"],
                               capture_output=True, text=True, timeout=900)
        diffs = [line for line in check.stdout.splitlines() if line.startswith(("DIFF", "ERROR", " "))]
        assert "conformance: 102/102" in check.stdout, "\n".join(diffs[:40])
    finally:
        server.terminate()
        server.wait(timeout=10)
