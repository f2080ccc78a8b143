"""zotsync at scale: the sandbox, a first sync and a quiet rerun into large libraries, start-up, grouping.

    python benchmarks/scale.py            # libraries of 10k, 50k and 100k items (about ten minutes)
    python benchmarks/scale.py --quick    # libraries of 2k and 10k, fewer records (about a minute)
    python benchmarks/run.py --scale [--quick]

Each line reads ``name: measured (target)``. zotsync is driven through its public entry points only
(``zotsync.engine.sync``, ``zotsync.works.group``, the ``zotsync`` command), each measured run in its
own process, so CPU and peak memory are zotsync's own; the sandbox runs in another process (without
the rate limit, which would only add waiting). Inputs are realistic: the documents and records come
from ``../shared/bench`` (BibTeX and RIS with abstracts, LaTeX, macros, crossref), and library items
carry titles, creators, dates and child notes drawn from the same vocabularies plus a long tail.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.figures import Figures  # noqa: E402
from benchmarks.inputs import BENCH  # noqa: E402
from benchmarks.inputs import generate as generate_input  # noqa: E402
from benchmarks.processes import SandboxProcess  # noqa: E402
from benchmarks.processes import run_sync as run_child_sync  # noqa: E402
from zotsync.documents import parse_paths  # noqa: E402
from zotsync.sandbox.app import Account, SandboxApp  # noqa: E402
from zotsync.sandbox.http import Request  # noqa: E402
from zotsync.sandbox.store import Obj, Store  # noqa: E402
from zotsync.works import Work, group  # noqa: E402

USER, KEY = 900, "scalekey0123456789"
KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
PRESENT = 300  # works of the documents already in the library, entered by hand
FIGURES = Figures(digits=3)
record = FIGURES.record


# ---------------------------------------------------------------- realistic inputs


def shared_module(name: str) -> ModuleType:
    path = BENCH / f"{name}.py"
    if not path.exists():
        raise SystemExit(f"scale benchmark: {path} is missing (it needs ../shared/bench)")
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(kind: str, n: int, out: Path, seed: int) -> Path:
    return generate_input(kind, n, out, seed, "scale")


def object_key(i: int) -> str:
    chars = []
    for _ in range(8):
        i, digit = divmod(i, len(KEY_ALPHABET))
        chars.append(KEY_ALPHABET[digit])
    return "".join(reversed(chars))


class LibraryItems:
    """Items of a grown library: titles from the bench vocabulary plus a long tail of rarer words."""

    SYLLABLES = ("ar bo ca de el fi go ha in jo ka lu me no or pa qui ra si to ul va we xi yo za "
                 "morph phen troph graph log nom path scop therm chron gen lith").split()
    TYPES = ("journalArticle", "journalArticle", "journalArticle", "book", "bookSection", "conferencePaper",
             "thesis", "report")

    def __init__(self, seed: int = 11) -> None:
        ris = shared_module("gen_ris")
        self.r = random.Random(seed)
        self.common: list[str] = list(ris.WORDS)
        self.tail = sorted({"".join(self.r.choice(self.SYLLABLES) for _ in range(self.r.randint(2, 4)))
                            for _ in range(12_000)})
        self.surnames: list[str] = list(ris.SURNAMES) + [w.capitalize() for w in self.tail[:3000]]
        self.given: list[str] = list(ris.GIVEN)
        self.journals: list[str] = list(ris.JOURNALS)

    def word(self) -> str:
        if self.r.random() < 0.6:
            return self.r.choice(self.common)
        return self.tail[min(int(self.r.paretovariate(0.7)) - 1, len(self.tail) - 1) * 7 % len(self.tail)]

    def title(self) -> str:
        words = [self.word() for _ in range(self.r.randint(4, 14))]
        text = " ".join(words).capitalize()
        if self.r.random() < 0.3:
            text += ": " + " ".join(self.word() for _ in range(self.r.randint(2, 6)))
        return text

    def item(self, i: int) -> dict[str, Any]:
        r = self.r
        item_type = r.choice(self.TYPES)
        creators = [{"creatorType": "author", "firstName": r.choice(self.given), "lastName": r.choice(self.surnames)}
                    for _ in range(r.randint(1, 5))]
        data: dict[str, Any] = {"itemType": item_type, "title": self.title(), "creators": creators,
                                "date": str(r.randint(1950, 2024)), "tags": [], "collections": [], "relations": {}}
        if item_type == "journalArticle":
            data["publicationTitle"] = r.choice(self.journals)
            if r.random() < 0.6:
                data["DOI"] = f"10.{r.randint(1000, 9999)}/lib.{i}"
        if r.random() < 0.2:
            data["abstractNote"] = " ".join(self.word() for _ in range(r.randint(60, 200))).capitalize() + "."
        stamp = f"20{r.randint(10, 25)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:00:00Z"
        data.update({"dateAdded": stamp, "dateModified": stamp})
        return data


def hand_entered(work: Work) -> dict[str, Any]:
    """What a user typed for a work the documents also hold: initials, an upper-case DOI, a tag of their own."""
    item = work.item
    creators = [{**c, "firstName": c["firstName"][:1] + "."} if c.get("firstName") else dict(c)
                for c in item.get("creators", [])]
    data: dict[str, Any] = {"itemType": item["itemType"], "title": item.get("title", ""), "creators": creators,
                            "date": item.get("date", "")[:4], "tags": [{"tag": "added by hand"}],
                            "collections": [], "relations": {}, "dateAdded": "2019-05-01T10:00:00Z",
                            "dateModified": "2019-05-01T10:00:00Z"}
    if item.get("DOI"):
        data["DOI"] = item["DOI"].upper()
    return data


def seed_library(data_dir: Path, size: int, present: list[Work]) -> int:
    """``size`` items (about 1 in 10 with a child note) written straight into the sandbox's store.

    Returns the number of regular (top-level) items among them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "sandbox.sqlite")
    lib = store.library("user", USER)
    gen = LibraryItems()
    count = regular = 0
    while count < size:
        data = hand_entered(present[regular]) if regular < len(present) else gen.item(count)
        key = object_key(count)
        store.put(lib, "item", Obj(key, store.bump(lib), data))
        count += 1
        regular += 1
        if count < size and gen.r.random() < 0.1:
            note = {"itemType": "note", "parentItem": key, "note": f"<p>{gen.title()}</p>", "tags": [],
                    "relations": {}, "dateAdded": data["dateAdded"], "dateModified": data["dateModified"]}
            store.put(lib, "item", Obj(object_key(count), store.bump(lib), note))
            count += 1
    store.commit()
    store.close()
    return regular


# ---------------------------------------------------------------- the sandbox alone


def sandbox_figures(work: Path, size: int) -> None:
    """Page reads and 50-item POSTs against a ``size``-item library, in-process through the sandbox app.

    CPU milliseconds are the sandbox's own work (steady on a shared machine); wall milliseconds
    include waiting for the disk and for the CPU."""
    label = f"{size // 1000}k"
    seed_library(work / "sandbox-alone", size, [])
    started = time.process_time()
    store = Store(work / "sandbox-alone" / "sandbox.sqlite")
    record(f"sandbox: loading a library of {label} items, CPU", time.process_time() - started, "measured", True, " s")
    app = SandboxApp(store, Account(USER, KEY), "http://127.0.0.1:1", rate_limit=False)
    headers = {"Zotero-API-Key": KEY, "Content-Type": "application/json"}

    def call(method: str, target: str, body: object = None) -> tuple[float, float]:
        raw = json.dumps(body).encode() if body is not None else b""
        wall, cpu = time.perf_counter(), time.process_time()
        response = app(Request.build(method, f"/users/{USER}{target}", headers, raw))
        if response.status != 200:
            raise SystemExit(f"scale benchmark: the sandbox answered {response.status} to {method} {target}")
        return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000

    starts = [int(size * f / 20) // 100 * 100 for f in range(20)]
    pages = [call("GET", f"/items?includeTrashed=1&limit=100&start={s}") for s in starts]
    cpu, wall = statistics.median(p[0] for p in pages), statistics.median(p[1] for p in pages)
    record(f"sandbox: 100-item page of {label} items, CPU, median of 20", cpu, "<= 5 ms", cpu <= 5, " ms")
    record(f"sandbox: 100-item page of {label} items, wall, median of 20", wall, "measured", True, " ms")
    record(f"sandbox: first page after loading (sorts the library once), {label}, CPU", pages[0][0], "measured", True,
           " ms")
    gen = LibraryItems(seed=5)
    call("GET", "/items/top?limit=100"), call("GET", "/items?since=0&format=versions")  # their orders, once
    posts, after, changed = [], [], []
    for batch in range(5):
        body = [{**gen.item(batch * 50 + j), "version": 0, "key": object_key(10**9 + batch * 50 + j)}
                for j in range(50)]
        for obj in body:
            obj.pop("dateAdded"), obj.pop("dateModified")
        version = store.library("user", USER).version
        posts.append(call("POST", "/items", body))
        after.append(call("GET", "/items?includeTrashed=1&limit=100"))  # the next reads after each write
        call("GET", "/items/top?limit=100&start=200")
        changed.append(call("GET", f"/items?since={version}&format=versions&includeTrashed=1"))
    cpu, wall = statistics.median(p[0] for p in posts), statistics.median(p[1] for p in posts)
    record(f"sandbox: 50-item POST into {label} items, CPU, median of 5", cpu, "<= 50 ms", cpu <= 50, " ms")
    record(f"sandbox: 50-item POST into {label} items, wall, median of 5", wall, "<= 50 ms", wall <= 50, " ms")
    cpu = statistics.median(p[0] for p in after)
    record(f"sandbox: 100-item page right after a POST, {label}, CPU, median of 5", cpu, "<= 5 ms", cpu <= 5, " ms")
    cpu = statistics.median(p[0] for p in changed)
    record(f"sandbox: versions changed since before a POST, {label}, CPU, median of 5", cpu, "<= 5 ms", cpu <= 5,
           " ms")
    store.close()


# ---------------------------------------------------------------- sync runs, each in its own process




def run_sync(url: str, state: Path, docs: list[Path]) -> dict[str, Any]:
    return run_child_sync(url, USER, KEY, state, docs, "scale")


def title_year(data: dict[str, Any]) -> tuple[str, str]:
    return (str(data.get("title", "")).casefold(), str(data.get("date", ""))[:4])


def copies_of_works(data_dir: Path, works: list[Work]) -> tuple[int, int, int]:
    """(regular items, works found exactly once, works found more than once) in the library."""
    store = Store(data_dir / "sandbox.sqlite")
    lib = store.library("user", USER)
    wanted = {title_year(w.item) for w in works}
    seen: dict[tuple[str, str], int] = {}
    regular = 0
    for obj in lib.items.values():
        if obj.data.get("itemType") in {"note", "attachment"} or obj.data.get("deleted"):
            continue
        regular += 1
        key = title_year(obj.data)
        if key in wanted:
            seen[key] = seen.get(key, 0) + 1
    store.close()
    return regular, sum(1 for n in seen.values() if n == 1), sum(1 for n in seen.values() if n > 1)


def documents(work: Path, quick: bool) -> tuple[list[Path], list[Work]]:
    """1,000 records (600 BibTeX, 400 RIS; 200 in quick mode) and the works zotsync makes of them."""
    folder = work / "docs"
    folder.mkdir()
    n_bib, n_ris = (120, 80) if quick else (600, 400)
    docs = [generate("bib", n_bib, folder / "library.bib", 101), generate("ris", n_ris, folder / "export.ris", 202)]
    parsed = parse_paths([str(p) for p in docs])
    return docs, group(parsed.parsed)


def sync_figures(work: Path, sizes: list[int], quick: bool) -> None:
    docs, works = documents(work, quick)
    present = works[::3][:PRESENT]
    n_docs = len(works)
    previous: tuple[int, float] | None = None
    for size in sizes:
        label = f"{size // 1000}k"
        data_dir = work / f"sandbox-{label}"
        seeded = seed_library(data_dir, size, present)
        sandbox = SandboxProcess(data_dir, USER, KEY)
        state = work / f"state-{label}.sqlite"
        try:
            started = time.perf_counter()
            first = run_sync(sandbox.url, state, docs)
            wall = time.perf_counter() - started
            quiet = run_sync(sandbox.url, state, docs) if size == sizes[-1] else None
            third = run_sync(sandbox.url, state, docs) if size == sizes[-1] else None
        finally:
            sandbox.stop()
        regular, once, more = copies_of_works(data_dir, works)
        created = regular - seeded
        name = f"first sync of {n_docs} works into {label} items"
        full = size >= 100_000  # the targets are set at 100k; smaller libraries show the growth
        growth = f", {first['cpu'] / previous[1]:.1f}x for {size / previous[0]:.0f}x items" if previous else ""
        previous_cpu, previous = previous, (size, first["cpu"])
        linear = not previous_cpu or first["cpu"] / previous_cpu[1] <= 2 * size / previous_cpu[0]
        record(f"{name}, zotsync CPU{growth}", first["cpu"], "<= 5 s" if full else "linear",
               first["cpu"] <= 5 if full else linear, " s")
        record(f"{name}, peak memory", first["peak_mb"], "<= 250 MB" if full else "measured",
               first["peak_mb"] <= 250 or not full, " MB")
        most = -(-size // 100) + 25  # the pages of the library, then about 20 writes of 50
        record(f"{name}, requests", first["requests"], f"<= {most} (m/100 + 25)", first["requests"] <= most)
        record(f"{name}, created ({len(present)} already there)", created, str(n_docs - len(present)),
               created == n_docs - len(present))
        record(f"{name}, works in the library twice", more, "0", more == 0)
        record(f"{name}, works missing from the library", n_docs - once - more, "0", once + more == n_docs)
        record(f"{name}, failed writes", len(first["failures"]), "0", not first["failures"])
        for message in sorted(set(first["failures"]))[:5]:
            print(f"    failed: {message}")
        record(f"{name}, wall time (sandbox included)", wall, "measured", True, " s")
        if quiet is not None:
            record(f"quiet rerun with {label} items, zotsync CPU", quiet["cpu"], "<= 1 s", quiet["cpu"] <= 1.0, " s")
            record(f"quiet rerun with {label} items, requests", quiet["requests"], "<= 2", quiet["requests"] <= 2)
            record(f"quiet rerun with {label} items, state rows written", quiet["state_rows"],
                   "<= 2 (run metadata only)", quiet["state_rows"] <= 2)
        if quiet is not None and third is not None:
            updated = [run["tally"].get("updated", 0) for run in (quiet, third)]
            record(f"second and third run with {label} items, items updated", f"{updated[0]}, {updated[1]}", "0, 0",
                   updated == [0, 0])


# ---------------------------------------------------------------- start-up and grouping


def startup_figures(repeat: int) -> None:
    """Wall time of short commands, with the bytecode caches an installed zotsync has.

    Without them (a fresh checkout, or ``PYTHONDONTWRITEBYTECODE`` set) every run compiles each
    module again, about 90 ms for ``parse``: that is the checkout's cost, not the command's."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "zotsync")], check=True)
    script = Path(sys.executable).with_name("zotsync")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "zotsync"]
    small = ROOT / "tests" / "fixtures" / "ris" / "two_records.ris"

    def best(args: list[str]) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(args, capture_output=True, check=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
        return min(times)

    bare = best([sys.executable, "-c", "pass"])
    record(f"bare python start, best of {repeat}", bare, "baseline", True, " s")
    helped = best([*command, "--help"])
    record(f"zotsync --help, best of {repeat}", helped, "<= 0.12 s", helped <= 0.12, " s")
    parsed = best([*command, "parse", str(small)])
    record(f"zotsync parse of one small file, best of {repeat}", parsed, "<= 0.2 s", parsed <= 0.2, " s")


GROUP_CHILD = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from zotsync.documents import parse_paths
from zotsync.works import group
records = parse_paths([sys.argv[2]]).parsed
started = time.process_time()
works = group(records)
print(json.dumps({"cpu": time.process_time() - started, "works": len(works)}))
'''


def grouping_figures(work: Path, sizes: list[int]) -> None:
    """``works.group`` over n records, each size in its own process (only its own records live)."""
    previous: tuple[int, float] | None = None
    for n in sizes:
        path = generate("ris", n, work / f"records-{n}.ris", 303)
        out = subprocess.run([sys.executable, "-c", GROUP_CHILD, str(ROOT), str(path)], capture_output=True,
                             text=True, cwd=ROOT)
        if out.returncode != 0:
            raise SystemExit(f"scale benchmark: grouping failed:\n{out.stderr[-2000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        cpu = float(result["cpu"])
        growth, linear = "", True
        if previous and previous[1]:
            growth = f", {cpu / previous[1]:.1f}x for {n / previous[0]:.0f}x records"
            linear = cpu / previous[1] <= 2 * n / previous[0]  # linear, with room for noise
        record(f"works.group of {n // 1000}k records, CPU{growth}", cpu, "linear in records",
               linear and bool(result["works"]), " s")
        previous = (n, cpu)


# ---------------------------------------------------------------- main

SECTIONS = ("sandbox", "sync", "startup", "group")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller libraries and record sets")
    parser.add_argument("--only", choices=SECTIONS, action="append")
    args = parser.parse_args(argv)
    from run import machine  # benchmarks/run.py, beside this file

    print(f"machine: {machine()}")
    return run(args.quick, args.only or list(SECTIONS))


def run(quick: bool, sections: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "sandbox" in sections:
            sandbox_figures(work, 20_000 if quick else 100_000)
        if "sync" in sections:
            sync_figures(work, [2_000, 10_000] if quick else [10_000, 50_000, 100_000], quick)
        if "startup" in sections:
            startup_figures(3 if quick else 7)
        if "group" in sections:
            grouping_figures(work, [1_000, 5_000] if quick else [1_000, 10_000, 50_000])
    return FIGURES.table()


if __name__ == "__main__":
    sys.exit(main())
