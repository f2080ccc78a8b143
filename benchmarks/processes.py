"""The processes a benchmark measures beside: the sandbox server, and one sync run in a child of its own
(so that the CPU time and peak memory read are zotsync's alone)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class SandboxProcess:
    """``zotsync sandbox`` on a free port, without the rate limit (it would only add waiting)."""

    def __init__(self, data_dir: Path, user: int, key: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "zotsync", "sandbox", "--port", "0", "--user-id", str(user),
                                      "--api-key", key, "--data-dir", str(data_dir), "--no-rate-limit"],
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().split()[1]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_child(code: str, args: list[str], name: str) -> dict[str, Any]:
    """Run ``code`` in a new Python with ``args``; its last line of output, as JSON."""
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{name} benchmark: the sync failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
