"""`zotsync sync` over folders as people have them, into the sandbox: a LaTeX project and a folder of
hostile files. What a user checks: one clear summary, the exit code, only bibliographic records
become items, no traceback anywhere, and a second run writes nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, USER_ID, library_items
from tests.robustness.test_bad_input_matrix import BIB, special_folder, step3_documents
from tests.robustness.test_latex_project import latex_project

SUMMARY = " created, "  # "N created, N updated, N unchanged, N conflicts, N left deleted, N failed (N requests)"


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr


def library_version(sandbox) -> int:
    return sandbox.store.library("user", USER_ID).version


def hostile_folder(tmp_path: Path) -> Path:
    """The bad-input corpus plus generated hostile files, beside one good `.bib`."""
    folder = special_folder(tmp_path)  # refs.bib, FIFO, socket, /dev/zero, /dev/urandom, symlink loops, broken link
    for path in sorted((FIXTURES / "bad").iterdir()):
        shutil.copy(path, folder / path.name)
    for name, data in step3_documents().items():  # string author, string date-parts, NUL, lone surrogates
        (folder / name).write_bytes(data)
    if os.path.exists("/proc/self/mem"):
        (folder / "mem.bib").symlink_to("/proc/self/mem")  # a regular file nobody (root included) can read
    if os.geteuid() != 0:
        (folder / "secret.bib").write_text(BIB)
        os.chmod(folder / "secret.bib", 0)
    return folder


def test_a_latex_project_syncs_its_bib_entries_only_and_then_nothing(cli, sandbox, tmp_path):
    project = latex_project(tmp_path)
    proc, report = cli.sync(project)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines() == [proc.stdout.strip()] and SUMMARY in proc.stdout
    assert proc.stderr == ""  # sources, build outputs, figures, tooling: passed over quietly
    assert (report["created"], report["failed"]) == (2, 0) and report["parse_errors"] == []
    assert sorted(i["title"] for i in library_items(sandbox)) == [
        "LaTeX: A Document Preparation System", "Literate Programming"]
    version = library_version(sandbox)
    proc, report = cli.sync(project)
    no_traceback(proc)
    assert proc.returncode == 0 and "Everything up-to-date" in proc.stdout
    assert (report["created"], report["updated"], report["failed"]) == (0, 0, 0)
    assert library_version(sandbox) == version  # nothing written


def test_the_bad_input_corpus_syncs_what_is_readable_names_the_rest_and_then_writes_nothing(cli, sandbox, tmp_path):
    folder = hostile_folder(tmp_path)
    proc, report = cli.sync(folder)
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr  # finished, some documents failed
    summary = proc.stdout.strip()
    assert SUMMARY in summary and summary.endswith(f"{report['failed']} failed ({report['requests']} requests)")
    failed = {Path(e["source"]).name for e in report["parse_errors"]}
    unreadable = {"mem.bib"} if os.path.exists("/proc/self/mem") else set()
    unreadable |= {"secret.bib"} if os.geteuid() != 0 else set()
    # a .json that is not JSON may be a broken CSL file: said; special files, loops, a PNG: passed over
    assert failed == {"broken.json"} | unreadable
    lines = proc.stderr.splitlines()
    for error in report["parse_errors"]:  # one line on stderr naming its file and the problem
        assert [line for line in lines if line.startswith(f"zotsync: error: {error['source']}:")
                and line.endswith(error["error"])], proc.stderr
    titles = sorted(i["title"] for i in library_items(sandbox))
    assert {"A good paper", "Author is a string", "Date parts as a string", "Nul in title",
            "Lone \ufffd surrogate", "Broken \ufffd title", "Late NUL"} <= set(titles)
    assert len(titles) == len(set(titles)) == report["created"]
    author = next(i for i in library_items(sandbox) if i["title"] == "Author is a string")
    assert author["creators"] == [{"creatorType": "author", "name": "Smith, John"}]

    version = library_version(sandbox)
    proc, again = cli.sync(folder)
    no_traceback(proc)
    assert proc.returncode == 1  # the same documents still fail, and say so
    assert (again["created"], again["updated"], again["conflicts"]) == (0, 0, 0)
    assert {Path(e["source"]).name for e in again["parse_errors"]} == failed
    assert library_version(sandbox) == version  # nothing written
