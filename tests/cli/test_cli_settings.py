"""The CLI's settings as a user meets them: a bad environment is one line and exit 2; --help stays light."""

from __future__ import annotations

import os
import subprocess
import sys


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_a_bad_timeout_in_the_environment_is_one_line_and_exit_2(tmp_path) -> None:
    proc = run("-m", "zotsync", "sync", str(tmp_path), "--library", "user:1", "--state-dir", str(tmp_path / "s"),
               env={"ZOTSYNC_TIMEOUT": "soon"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == "zotsync: error: ZOTSYNC_TIMEOUT must be a number of seconds, not 'soon'"


def test_help_does_not_load_pyzotero_the_parsers_or_the_keyring() -> None:
    code = ("import sys; from click.testing import CliRunner; from zotsync.cli import main; "
            "r = CliRunner().invoke(main, ['sync', '--help']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('pyzotero', 'bs4', 'keyring', 'zotsync.sources') if m in sys.modules))")
    proc = run("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
