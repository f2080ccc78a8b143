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


# one sync through zotsync.engine.sync in a new Python: what it cost and what it did, as one line of JSON
SYNC_CHILD = r'''
import json, resource, sqlite3, sys, time
sys.path.insert(0, sys.argv[1])
url, user, key, state_path = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
connections = []
_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    connections.append(conn)
    return conn
sqlite3.connect = connect
from zotsync.engine import Source, sync
from zotsync.library.client import LibrarySpec, ZoteroClient
from zotsync.state import State
import zotsync.sources.bibtex, zotsync.sources.ris  # imported before the clock starts, as a warm CLI would
spec = LibrarySpec("user", user)
client = ZoteroClient(spec, key, url)
state = State(__import__("pathlib").Path(state_path))
before = sum(c.total_changes for c in connections)
started = time.process_time()
result = sync([Source(sys.argv[6:])], client, state, spec.uri)
cpu = time.process_time() - started
outcomes = result.applied.outcomes if result.applied else []
tally = {}
for outcome in outcomes:
    tally[str(outcome.action)] = tally.get(str(outcome.action), 0) + 1
print(json.dumps({"cpu": cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "requests": client.requests, "tally": tally, "planned": len(result.plan.entries),
                  "parsed": len(result.parsed.parsed), "unchanged": result.parsed.unchanged,
                  "failures": [o.error for o in outcomes if o.action == "failed"],
                  "state_rows": sum(c.total_changes for c in connections) - before}))
state.close()
client.close()
'''


def run_sync(url: str, user: int, key: str, state: Path, docs: list[Path], name: str) -> dict[str, Any]:
    """One sync of ``docs`` into the library at ``url`` in a process of its own (SYNC_CHILD's figures)."""
    args = [sys.executable, "-c", SYNC_CHILD, str(ROOT), url, str(user), key, str(state), *map(str, docs)]
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{name} benchmark: the sync failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
