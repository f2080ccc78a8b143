"""What short commands import: only the modules the command uses (start-up time is measured by
benchmarks/scale.py; here the modules are counted)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import FIXTURES
from zotsync.sources import BUILTIN

PARSER_MODULES = sorted({target.partition(":")[0] for target in BUILTIN.values()})
HEAVY = ["pyzotero", "httpx", "keyring", "bs4", "lxml", "logging.handlers", "platformdirs", "tomllib"]


def imported_by(*args: str) -> tuple[list[str], str]:
    """The parser and heavy modules loaded by running ``zotsync ARGS`` in a fresh interpreter, and its output."""
    code = ("import json, sys; from click.testing import CliRunner; from zotsync.cli import main; "
            f"r = CliRunner().invoke(main, {list(args)!r}); "
            f"print(json.dumps(sorted(m for m in {PARSER_MODULES + HEAVY!r} if m in sys.modules))); print(r.output)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    first, _, output = proc.stdout.partition("\n")
    return json.loads(first), output


def test_a_forced_format_imports_its_own_parser_only():
    modules, output = imported_by("parse", "--format", "ris", "--json", str(FIXTURES / "ris/two_records.ris"))
    assert modules == ["zotsync.sources.ris"]
    assert [item["title"] for item in json.loads(output)][1] == "Archives in the digital age"


def test_an_unknown_format_is_refused_without_importing_any_parser():
    modules, output = imported_by("parse", "--format", "nope", "x.ris")
    assert modules == [] and "'nope' is not one of bibtex, csljson, html" in output


def test_parse_by_detection_imports_the_parsers_but_not_the_library_client_or_the_log():
    modules, _ = imported_by("parse", str(FIXTURES / "ris/two_records.ris"))
    assert set(PARSER_MODULES) <= set(modules)  # detection asks every parser
    assert not set(modules) & set(HEAVY)


def test_help_imports_no_parser_and_nothing_heavy():
    modules, output = imported_by("--help")
    assert modules == [] and "Usage:" in output
