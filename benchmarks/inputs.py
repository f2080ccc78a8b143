"""Realistic inputs for the benchmarks: BibTeX and RIS files from ``../shared/bench``'s generators."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"


def generate(kind: str, n: int, out: Path, seed: int, benchmark: str) -> Path:
    """A BibTeX (``gen_bib``) or RIS (``gen_ris``) file of ``n`` entries at ``out``; ``benchmark`` names
    the one that stops when ../shared/bench is missing."""
    script = BENCH / f"gen_{kind}.py"
    if not script.exists():
        raise SystemExit(f"{benchmark} benchmark: {script} is missing (it needs ../shared/bench)")
    subprocess.run([sys.executable, str(script), str(n), str(out), str(seed)], check=True)
    return out
