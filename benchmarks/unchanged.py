"""Unchanged documents cost nothing (issue 11): a quiet rerun and a one-entry change after a full sync.

    python benchmarks/unchanged.py

A 10,000-entry ``.bib`` (``../shared/bench/gen_bib.py``: macros, crossref, LaTeX, abstracts) and
1,000 small RIS files are synced into the sandbox (its own process, no rate limit); then, each in a
process of its own, the CPU of ``zotsync.engine.sync`` is measured for a rerun where nothing changed
and for one where one entry of the ``.bib`` changed. Each line reads ``name: measured (target)``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.figures import Figures  # noqa: E402
from benchmarks.inputs import generate as generate_input  # noqa: E402
from benchmarks.processes import SandboxProcess  # noqa: E402
from benchmarks.processes import run_sync as run_child_sync  # noqa: E402
from zotsync.sources import bibscan  # noqa: E402

USER, KEY = 901, "unchangedkey0123456789"
ENTRIES, SMALL = 10_000, 1_000
FIGURES = Figures(digits=3)




def generate(kind: str, n: int, out: Path, seed: int) -> Path:
    return generate_input(kind, n, out, seed, "unchanged")


def small_files(folder: Path, work: Path) -> None:
    """``SMALL`` RIS files of one record each."""
    big = generate("ris", SMALL, work / "all.ris", 303).read_text("utf-8")
    records = [r.strip() + "\n" for r in big.split("\nER  - ") if r.strip()]
    for n, record in enumerate(records[:SMALL]):
        body = record if record.rstrip().endswith("ER  -") else record.rstrip() + "\nER  - \n"
        (folder / f"record-{n:04d}.ris").write_text(body, "utf-8")


def change_one_entry(bib: Path) -> str:
    """Edit the title of one entry in the middle of the file that no other entry depends on; its key."""
    text = bib.read_text("utf-8")
    chunks = [c for c in bibscan.split(text) if c.kind not in bibscan.SPECIAL]
    for chunk in chunks[len(chunks) // 2:]:
        if "crossref" not in chunk.text.lower() and chunk.key.lower() not in text.lower().replace(chunk.text.lower(), ""):
            for opener in ("title={", "title = {", 'title = "', "title={"):
                if opener in chunk.text:
                    edited = chunk.text.replace(opener, opener + "Revised ", 1)
                    bib.write_text(text.replace(chunk.text, edited, 1), "utf-8")
                    return chunk.key
    raise SystemExit("unchanged benchmark: no entry to edit")


def run_sync(url: str, state: Path, docs: list[Path]) -> dict[str, Any]:
    return run_child_sync(url, USER, KEY, state, docs, "unchanged")


def main() -> int:
    record = FIGURES.record
    with tempfile.TemporaryDirectory(prefix="zotsync-unchanged-") as tmp:
        work = Path(tmp)
        docs = work / "docs"
        (docs / "small").mkdir(parents=True)
        bib = generate("bib", ENTRIES, docs / "library.bib", 42)
        small_files(docs / "small", work)
        sandbox = SandboxProcess(work / "sandbox", USER, KEY)
        try:
            state = work / "state.sqlite"
            first = run_sync(sandbox.url, state, [docs])
            record(f"first sync of {ENTRIES:,} entries + {SMALL:,} files, CPU", first["cpu"], "measured", True, " s")
            quiet = run_sync(sandbox.url, state, [docs])
            record("quiet rerun, CPU", quiet["cpu"], "<= 1 s", quiet["cpu"] <= 1.0, " s")
            record("quiet rerun, records parsed", quiet["parsed"], "0", quiet["parsed"] == 0)
            record("quiet rerun, items counted unchanged", quiet["unchanged"], "all", quiet["unchanged"] > 0)
            record("quiet rerun, requests", quiet["requests"], "1", quiet["requests"] == 1)
            record("quiet rerun, state rows written", quiet["state_rows"], "1 (last_sync)", quiet["state_rows"] == 1)
            key = change_one_entry(bib)
            one = run_sync(sandbox.url, state, [docs])
            record(f"one entry changed ({key}), CPU", one["cpu"], "<= 2 s", one["cpu"] <= 2.0, " s")
            record("one entry changed, records parsed", one["parsed"], "1", one["parsed"] == 1)
            record("one entry changed, items updated", one["tally"].get("updated", 0), "1",
                   one["tally"].get("updated", 0) == 1 and one["planned"] == 1)
        finally:
            sandbox.stop()
    return FIGURES.table()


if __name__ == "__main__":
    sys.exit(main())
