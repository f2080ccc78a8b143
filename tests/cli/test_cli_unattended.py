"""What a person or a cron job meets at the command line: one message style, a report on every exit,
a config checked before anything runs, keys kept out of `ps`, `show` and `status`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from tests.conftest import API_KEY, ROOT, USER_ID
from zotsync.sandbox.server import Fault

EXAMPLES = ROOT / "examples"


def test_h_is_help(cli):
    proc = cli.run("-h")
    assert proc.returncode == 0 and "Usage: " in proc.stdout and "sync" in proc.stdout


def test_a_config_that_names_a_string_for_a_list_is_refused_before_anything_runs(cli, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('library = "user:1"\nsources = "~/papers"\n')
    proc = cli.run("sync", "--config", str(config))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"zotsync: error: {config}: sources: must be a list, not str '~/papers'"


def test_an_unknown_key_is_named(cli, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'library = "user:1"\n[[sources]]\npaths = ["{EXAMPLES}"]\ncolection = "Inbox"\n')
    proc = cli.run("sync", "--config", str(config))
    assert proc.returncode == 2 and "sources[0]: unknown key 'colection'" in proc.stderr


def test_an_api_url_without_a_scheme_is_one_line_and_exit_2(cli):
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}", "--api-url", "api.zotero.org")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "must start with https://" in proc.stderr


def test_every_exit_path_writes_the_json_report(cli, sandbox, tmp_path):
    report = tmp_path / "r.json"
    proc = cli.run("sync", str(EXAMPLES), "--library", f"user:{USER_ID}", "--json-report", str(report),
                   env={"ZOTERO_API_KEY": "wrongkey42"})
    assert proc.returncode == 3
    data = json.loads(report.read_text())
    assert data["exit_code"] == 3 and data["created"] == 0 and data["error"]
    assert "wrongkey42" not in report.read_text()


def test_the_retry_budget_flag_is_honoured(cli, sandbox):
    sandbox.faults.add(Fault(status=503, retry_after="1", method="GET", times=1000))
    proc = cli.run("sync", str(EXAMPLES / "library.bib"), "--library", f"user:{USER_ID}", "--retry-budget", "2")
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("zotsync: error: ")


def test_show_lists_the_library_with_what_zotsync_manages(cli, sandbox):
    cli.sync(EXAMPLES / "library.bib")
    proc = cli.run("show", "--library", f"user:{USER_ID}")
    assert proc.returncode == 0, proc.stderr
    assert "Literate Programming" in proc.stdout and "bibtex:library.bib#knuth1984" in proc.stdout
    rows = json.loads(cli.run("show", "--library", f"user:{USER_ID}", "--json").stdout)
    assert all(row["sources"] for row in rows) and len(rows) == len({r["key"] for r in rows})


def test_status_counts_the_unreadable_documents_of_the_last_run(cli, sandbox, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.bib").write_text("@book{a, title={A book}, author={Doe, Jane}, year=2020}\n")
    (tmp_path / "docs" / "bad.bib").write_text('@article{b, title="unterminated}\n')
    cli.sync(tmp_path / "docs")
    proc = cli.run("status", "--library", f"user:{USER_ID}")
    assert "unreadable documents in the last run: 1" in proc.stdout and "bad.bib" in proc.stdout


def test_login_reads_the_key_from_stdin_never_from_an_argument(cli, sandbox, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring", "TEST_KEYRING_FILE": str(tmp_path / "kr.json"),
           "ZOTERO_API_KEY": "", "PYTHONPATH": str(ROOT)}
    assert cli.run("login", "--api-url", sandbox.url, "--key", API_KEY, env=env).returncode == 2  # no such option
    proc = cli.run("login", "--api-url", sandbox.url, env=env, input="\n")
    assert proc.returncode == 2 and "no API key given" in proc.stderr


def sandbox_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zotsync", "sandbox", *args], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", **(env or {})})


def test_the_sandbox_wants_a_key_and_a_free_port():
    assert "needs the key" in sandbox_command("--port", "0").stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = sandbox_command("--port", str(port), env={"ZOTSYNC_SANDBOX_KEY": "k" * 20})
    assert proc.returncode == 2 and f"127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr
    proc = sandbox_command("--port", "99999", "--api-key", "k" * 20)
    assert proc.returncode == 2 and "between 0 and 65535" in proc.stderr
