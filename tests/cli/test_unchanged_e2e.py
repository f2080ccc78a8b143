"""A rerun over unchanged documents reads none of them; ``--full`` reads them all (issue 11)."""

from __future__ import annotations

from tests.conftest import library_items

BIB = """@article{kept,
  title = {Glaciers of the Alps},
  author = {Verdi, Anna},
  journal = nosuchmacro,
  year = {2019}
}
"""


def test_an_unchanged_document_is_not_read_again_unless_full(cli, sandbox, tmp_path):
    doc = tmp_path / "refs.bib"
    doc.write_text(BIB)
    proc, first = cli.sync(doc)
    assert proc.returncode == 0, proc.stderr
    assert first["created"] == 1 and "undefined macro 'nosuchmacro'" in proc.stderr
    proc, again = cli.sync(doc)
    assert proc.returncode == 0, proc.stderr
    assert "Everything up-to-date: nothing to do (1 unchanged" in proc.stdout
    assert "undefined macro" not in proc.stderr  # not read: nothing to warn about
    assert (again["created"], again["updated"], again["unchanged"], again["requests"]) == (0, 0, 1, 1)
    proc, full = cli.sync(doc, extra=("--full",))
    assert proc.returncode == 0, proc.stderr
    assert "undefined macro 'nosuchmacro'" in proc.stderr and "Everything up-to-date" in proc.stdout
    assert (full["created"], full["updated"], full["unchanged"]) == (0, 0, 1)
    doc.write_text(BIB.replace("2019", "2020"))
    proc, changed = cli.sync(doc)
    assert (changed["updated"], changed["unchanged"]) == (1, 0)
    assert [i["date"] for i in library_items(sandbox)] == ["2020"]
