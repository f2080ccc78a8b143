"""zotsync benchmarks: request counts, CPU time and peak memory, printed as figures (not timed tests).

    python benchmarks/run.py            # all scenarios, about two minutes
    python benchmarks/run.py --only e   # one scenario
    python benchmarks/run.py --scale    # benchmarks/scale.py: the sandbox, sync, start-up, grouping at scale

Each line reads ``name: measured (target)``. The sandbox runs in its own process
(with the real server's rate limit), so CPU and memory are zotsync's own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.figures import Figures  # noqa: E402
from zotsync.engine import Source, sync  # noqa: E402
from zotsync.library.client import LibrarySpec, ZoteroClient  # noqa: E402
from zotsync.sandbox.store import Obj, Store  # noqa: E402
from zotsync.state import State  # noqa: E402

USER, KEY = 900, "benchkey0123456789"
FIGURES = Figures(digits=2)
record = FIGURES.record


# ---------------------------------------------------------------- documents


def doc_fields(i: int) -> dict[str, str]:
    return {"title": f"Benchmark study {i} on reproducible bibliographic synchronisation",
            "last": f"Surname{i}", "first": "Ada", "year": str(1980 + i % 40), "doi": f"10.5555/bench.{i}",
            "journal": f"Journal of Benchmarks {i % 17}", "volume": str(1 + i % 60)}


def write_document(folder: Path, i: int, volume_suffix: str = "") -> None:
    f = doc_fields(i)
    vol = f["volume"] + volume_suffix
    kind = i % 4
    if kind == 0:
        text = (f"@article{{bench{i},\n  author = {{{f['last']}, {f['first']}}},\n  title = {{{f['title']}}},\n"
                f"  journal = {{{f['journal']}}},\n  year = {{{f['year']}}},\n  volume = {{{vol}}},\n  doi = {{{f['doi']}}}\n}}\n")
        name = f"doc{i:05d}.bib"
    elif kind == 1:
        text = (f"TY  - JOUR\nAU  - {f['last']}, {f['first']}\nTI  - {f['title']}\nT2  - {f['journal']}\n"
                f"PY  - {f['year']}\nVL  - {vol}\nDO  - {f['doi']}\nER  - \n")
        name = f"doc{i:05d}.ris"
    elif kind == 2:
        text = json.dumps([{"id": f"bench{i}", "type": "article-journal", "title": f["title"],
                            "author": [{"family": f["last"], "given": f["first"]}], "container-title": f["journal"],
                            "volume": vol, "DOI": f["doi"], "issued": {"date-parts": [[int(f["year"])]]}}])
        name = f"doc{i:05d}.json"
    else:
        text = (f"{f['title']}\n{f['last'].upper()}, {f['first']}\n{f['year']}-01-01\n"
                f"{f['title']} / {f['first'][0]}. {f['last']}. - In: {f['journal'].upper()}. - {vol}:1({f['year']}), pp. 1-10\n"
                f"Article (author)\nhttps://hdl.handle.net/99999/{i}\n")
        name = f"doc{i:05d}.txt"
    (folder / name).write_text(text)


def make_documents(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        write_document(folder, i)


# ---------------------------------------------------------------- sandbox process


class SandboxProcess:
    def __init__(self, data_dir: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "zotsync", "sandbox", "--port", "0", "--user-id", str(USER),
                                      "--api-key", KEY, "--data-dir", str(data_dir)], stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[1]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def api(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> object:
        req = urllib.request.Request(f"{self.url}/users/{USER}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Zotero-API-Key": KEY, "Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(req) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None


def run_sync(url: str, state_path: Path, docs: Path) -> tuple[ZoteroClient, dict[str, int], float]:
    client = ZoteroClient(LibrarySpec("user", USER), KEY, url)
    state = State(state_path)
    started = time.process_time()
    result = sync([Source([str(docs)])], client, state, LibrarySpec("user", USER).uri)
    cpu = time.process_time() - started
    state.close()
    client.close()
    tally: dict[str, int] = {}
    for outcome in result.applied.outcomes if result.applied else []:
        tally[outcome.action] = tally.get(outcome.action, 0) + 1
    return client, tally, cpu


# ---------------------------------------------------------------- scenarios


def scenario_abc(work: Path) -> None:
    docs = work / "docs"
    make_documents(docs, 1000)
    sandbox = SandboxProcess(work / "sandbox-abc")
    state = work / "state-abc.sqlite"
    try:
        client, tally, cpu = run_sync(sandbox.url, state, docs)
        record("(a) first sync of 1,000 documents, requests", client.requests, "<= 25", client.requests <= 25)
        record("(a) items created", tally.get("created", 0), "1000", tally.get("created", 0) == 1000)
        record("(a) CPU time", cpu, "measured", True, " s")
        record("(a) peak memory", peak_mb(), "measured", True, " MB")
        client, tally, cpu = run_sync(sandbox.url, state, docs)
        record("(b) same sync again, requests", client.requests, "<= 2", client.requests <= 2)
        for i in range(10):
            write_document(docs, i * 97, volume_suffix="0")
        items = sandbox.api("GET", "/items?limit=3&sort=title")
        for obj in items:  # type: ignore[union-attr]
            sandbox.api("PATCH", f"/items/{obj['key']}", {"extra": obj["data"]["extra"] + "\nedited by the user"},
                        {"If-Unmodified-Since-Version": str(obj["version"])})
        client, tally, cpu = run_sync(sandbox.url, state, docs)
        record("(c) 10 sources changed + 3 edited in Zotero, requests", client.requests, "<= 6", client.requests <= 6)
        record("(c) items updated", tally.get("updated", 0), "10", tally.get("updated", 0) == 10)
    finally:
        sandbox.stop()


def seed_library(data_dir: Path, n: int, same: int) -> None:
    """A library of ``n`` items written straight into the sandbox store; ``same`` are works of the documents."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "sandbox.sqlite")
    lib = store.library("user", USER)
    for i in range(n):
        if i < same:
            f = doc_fields(i * 3)
            data = {"itemType": "journalArticle", "title": f["title"], "date": f["year"],
                    "creators": [{"creatorType": "author", "firstName": f["first"][0] + ".", "lastName": f["last"]}],
                    "tags": [{"tag": "added by hand"}]}
            if i % 2 == 0:
                data["DOI"] = f["doi"].upper()
        else:
            data = {"itemType": "book", "title": f"Pre-existing book {i}", "date": str(1900 + i % 120),
                    "creators": [{"creatorType": "author", "firstName": "X", "lastName": f"Owner{i}"}], "tags": []}
        data.update({"collections": [], "relations": {}, "dateAdded": "2020-01-01T00:00:00Z",
                     "dateModified": "2020-01-01T00:00:00Z"})
        key = f"S{i:07d}".translate(str.maketrans("01", "XY"))
        store.put(lib, "item", Obj(key, store.bump(lib), data))
    store.commit()
    store.close()


def scenario_d(work: Path) -> None:
    docs = work / "docs-d"
    make_documents(docs, 1000)
    seed_library(work / "sandbox-d", 10_000, 300)
    sandbox = SandboxProcess(work / "sandbox-d")
    state = work / "state-d.sqlite"
    try:
        client, tally, cpu = run_sync(sandbox.url, state, docs)
        reads = client.transport.reads
        record("(d) 1,000 documents into 10,000 items, reads", reads, f"<= {math.ceil(10000 / 100) + 5}", reads <= 105)
        record("(d) writes", client.transport.writes, "measured", True)
        keys = urllib.request.urlopen(urllib.request.Request(f"{sandbox.url}/users/{USER}/items?format=keys",
                                                             headers={"Zotero-API-Key": KEY})).read().split()
        record("(d) created (300 of 1,000 already there)", tally.get("created", 0), "700",
               tally.get("created", 0) == 700 and len(keys) == 10_700)
        record("(d) CPU time", cpu, "measured", True, " s")
        record("(d) peak memory", peak_mb(), "measured", True, " MB")
        client, tally, cpu = run_sync(sandbox.url, state, docs)
        record("(d) the run after it, requests", client.requests, "<= 2", client.requests <= 2)
    finally:
        sandbox.stop()


def scenario_e(work: Path) -> None:
    """(e) BibTeX and RIS parsers beside their peers: see benchmarks/parsers.py."""
    from benchmarks import parsers

    parsers.scenario(work, record)


def peak_mb() -> float:
    """Peak resident memory of this process (zotsync's side only: the sandbox runs in its own process)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["abc", "d", "e"], action="append")
    parser.add_argument("--scale", action="store_true", help="run benchmarks/scale.py instead (libraries up to 100k)")
    parser.add_argument("--quick", action="store_true", help="with --scale: smaller libraries")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.scale:
        import scale
        return scale.run(args.quick, list(scale.SECTIONS))
    chosen = args.only or ["abc", "d", "e"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, func in (("abc", scenario_abc), ("d", scenario_d), ("e", scenario_e)):
            if name in chosen:
                func(work)
    return FIGURES.table()


if __name__ == "__main__":
    sys.exit(main())
