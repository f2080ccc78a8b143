"""Benchmark (e): BibTeX and RIS parse + fit beside the peer parsers, on realistic generated files.

    python benchmarks/parsers.py          # alone, about three minutes
    python benchmarks/run.py --only e     # the same, as part of the benchmark run

The inputs come from ``../shared/bench`` (gen_bib.py: abstracts, LaTeX, @string,
crossref; gen_ris.py). Every figure is measured in its own child process, so CPU
seconds and peak memory belong to that parser alone; the peers (pybtex 0.26,
bibtexparser 1.4, rispy) are measured in the same run. pybtex is a benchmark-only
dependency (``pip install pybtex``); a peer that is not installed is reported, not faked.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
Record = Callable[..., None]

CHILD = r'''
import resource, sys, time
sys.path.insert(0, sys.argv[3])
mode, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
started = time.process_time()
if mode == "pybtex":
    from pybtex.database import parse_string
    n = len(parse_string(text, "bibtex").entries)
elif mode == "bibtexparser":
    import bibtexparser
    from bibtexparser.bparser import BibTexParser
    n = len(bibtexparser.loads(text, BibTexParser(common_strings=True, ignore_nonstandard_types=False)).entries)
elif mode == "zotsync-html":
    from zotsync import schema
    from zotsync.sources.base import Document
    from zotsync.sources.html_meta import HtmlMetaParser
    n = len([schema.fit(p.item) for p in HtmlMetaParser().parse(text, Document(path))])
elif mode == "rispy":
    import rispy
    n = len(rispy.loads(text))
else:
    from zotsync import schema
    from zotsync.sources.base import Document
    from zotsync.sources.bibtex import BibtexParser
    from zotsync.sources.ris import RisParser
    parser = BibtexParser() if mode == "zotsync-bibtex" else RisParser()
    n = len([schema.fit(p.item) for p in parser.parse(text, Document(path))])
cpu = time.process_time() - started
print(n, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
'''


def measure(mode: str, path: Path) -> tuple[int, float, float] | None:
    """(items, CPU seconds, peak MB) of one parser on one file, or None when it cannot run here."""
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(ROOT)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{mode}: not measured ({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'})")
        return None
    n, cpu, rss = done.stdout.split()
    return int(n), float(cpu), float(rss)


def generate(script: str, n: int, out: Path) -> bool:
    generator = BENCH / script
    if not generator.exists():
        print(f"(e) skipped: {generator} not found")
        return False
    subprocess.run([sys.executable, str(generator), str(n), str(out)], check=True, capture_output=True)
    return True


def scenario(work: Path, record: Record) -> None:
    bib10, bib50, ris20 = work / "bench-10k.bib", work / "bench-50k.bib", work / "bench-20k.ris"
    if not (generate("gen_bib.py", 10_000, bib10) and generate("gen_bib.py", 50_000, bib50)
            and generate("gen_ris.py", 20_000, ris20)):
        return
    bibtex(bib10, bib50, record)
    ris(ris20, record)
    sizes(work, record)


def sizes(work: Path, record: Record) -> None:
    """Issue 10 "Size": a 1,000,000-line RIS file and a page with 100,000 citation_author tags, each beside
    one of half the size: the time must grow linearly (twice the size, at most 2.2x the CPU)."""
    small, large = work / "lines-500k.ris", work / "lines-1m.ris"
    # gen_ris writes about 20 lines a record: 25,000 and 50,000 records are about 0.5 and 1 million lines
    if not (generate("gen_ris.py", 25_000, small) and generate("gen_ris.py", 50_000, large)):
        return
    lines = sum(1 for _ in large.open(encoding="utf-8"))
    pair(f"(e) zotsync RIS parse + fit, {lines:,} lines", measure("zotsync-ris", small), measure("zotsync-ris", large),
         record)
    pages = []
    for n in (50_000, 100_000):
        page = work / f"authors-{n}.html"
        page.write_text(author_page(n), encoding="utf-8")
        pages.append(measure("zotsync-html", page))
    pair("(e) zotsync HTML page with 100,000 citation_author tags", pages[0], pages[1], record)


def author_page(n: int) -> str:
    metas = "\n".join(f'<meta name="citation_author" content="Author{i:06d}, Given {i % 97}">' for i in range(n))
    return (f'<!doctype html><html lang="en"><head><title>Big collaboration</title>\n'
            f'<meta name="citation_title" content="A paper by a very large collaboration">\n{metas}\n'
            f'<meta name="citation_journal_title" content="Physics Letters B">\n'
            f'<meta name="citation_publication_date" content="2012/09/17">\n</head><body><p>x</p></body></html>\n')


def pair(name: str, half: tuple[int, float, float] | None, whole: tuple[int, float, float] | None,
         record: Record) -> None:
    if not (half and whole):
        return
    growth = whole[1] / max(half[1], 1e-9)
    record(f"{name}, CPU", whole[1], "measured", whole[0] >= 1, " s")
    record(f"{name}, CPU growth from half the size", growth, "<= 2.2 (linear)", growth <= 2.2, "x")


def bibtex(bib10: Path, bib50: Path, record: Record) -> None:
    pybtex = measure("pybtex", bib10)
    legacy = measure("bibtexparser", bib10)
    ours = measure("zotsync-bibtex", bib10)
    big = measure("zotsync-bibtex", bib50)
    if pybtex:
        record("(e) pybtex 0.26 parse alone, 10,000 entries, CPU", pybtex[1], "peer", pybtex[0] == 10_000, " s")
    if legacy:
        record("(e) bibtexparser 1.4 alone, 10,000 entries, CPU", legacy[1], "peer", legacy[0] == 10_000, " s")
    if ours:
        record("(e) zotsync BibTeX parse + fit, 10,000 entries, CPU", ours[1], "measured", ours[0] == 10_000, " s")
        record("(e) zotsync BibTeX peak memory, 10,000 entries", ours[2], "<= 200 MB", ours[2] <= 200, " MB")
    if ours and pybtex:
        ratio = ours[1] / pybtex[1]
        record("(e) BibTeX CPU ratio to pybtex parse", ratio, "<= 2.0", ratio <= 2.0, "x")
    if ours and big:
        record("(e) zotsync BibTeX parse + fit, 50,000 entries, CPU", big[1], "measured", big[0] == 50_000, " s")
        growth = big[1] / ours[1]
        record("(e) BibTeX 50,000 / 10,000 CPU", growth, "<= 5.5", growth <= 5.5, "x")
        record("(e) zotsync BibTeX peak memory, 50,000 entries", big[2], "measured", True, " MB")


def ris(ris20: Path, record: Record) -> None:
    peer = measure("rispy", ris20)
    ours = measure("zotsync-ris", ris20)
    if peer:
        record("(e) rispy alone, 20,000 records, CPU", peer[1], "peer", peer[0] == 20_000, " s")
    if ours:
        record("(e) zotsync RIS parse + fit, 20,000 records, CPU", ours[1], "measured", ours[0] == 20_000, " s")
        record("(e) zotsync RIS peak memory, 20,000 records", ours[2], "measured", True, " MB")
    if ours and peer:
        ratio = ours[1] / peer[1]
        record("(e) RIS CPU ratio to rispy", ratio, "<= 2.0", ratio <= 2.0, "x")


def _print_record(name: str, measured: float | int, target: str, ok: bool, unit: str = "") -> None:
    text = f"{measured:.2f}{unit}" if isinstance(measured, float) else f"{measured}{unit}"
    print(f"{name}: {text} ({target}){'' if ok else '  <-- MISSED'}", flush=True)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        scenario(Path(tmp), _print_record)
