"""Bad input for every parser: truncated, binary, empty, wrongly encoded, very large and adversarial
documents give a clear error or a correct parse, never a crash or a hang."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED, needs_shared
from zotsync import documents
from zotsync import walk as walk_module
from zotsync.documents import decode, iter_files, parse_paths
from zotsync.errors import ParseError
from zotsync.sources import registry
from zotsync.sources.base import Document

SAMPLES = {
    "iris": FIXTURES / "iris/unito_article_en.txt",
    "html": FIXTURES / "html/dspace_item.html",
    "vufind": FIXTURES / "vufind/solr_book.txt",
    "semanticscholar": FIXTURES / "s2/arxiv_and_cutoff.txt",
    "bibtex": FIXTURES / "bibtex/mixed.bib",
    "ris": FIXTURES / "ris/two_records.ris",
    "csljson": FIXTURES / "csl/items.json",
    "oai": FIXTURES / "oai/list_records_oai_dc.xml",
    "marc": FIXTURES / "marc/books_and_article.mrc",
    "solr": FIXTURES / "solr/select_two_schemas.json",
    "vufind-api": FIXTURES / "vufind-api/record_and_search.json",
    "s2-api": FIXTURES / "s2-api/paper_with_references.json",
}
KINDS = sorted(registry())


def attempt(kind: str, text: str) -> list:
    """Parse; a ParseError is a fine answer, any other exception is a bug."""
    try:
        return registry()[kind].parse(text, Document(f"doc.{kind}"))
    except ParseError as exc:
        assert exc.message and exc.origin == f"doc.{kind}"
        return []


def test_samples_cover_every_parser():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated(kind, fraction):
    text = SAMPLES[kind].read_text()
    attempt(kind, text[: int(len(text) * fraction)])


@pytest.mark.parametrize("kind", KINDS)
def test_empty_and_binary(kind):
    assert attempt(kind, "") == [] and attempt(kind, "   \n\n") == []
    attempt(kind, "\x00\x01\x02\xff" * 100)


@pytest.mark.parametrize("data, message", [
    (b"", "empty document"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file")])
def test_unreadable_bytes_are_named(data, message):
    with pytest.raises(ParseError, match=message):
        decode(data, "x")


def test_wrong_encodings_are_read_with_a_warning():
    text, warning = decode("Titolo: Perché\n".encode("cp1252"), "it.txt")
    assert "Perché" in text and "not valid UTF-8" in warning
    text, warning = decode("\ufeffTY  - JOUR\n".encode("utf-16"), "x.ris")
    assert text.startswith("\ufeffTY") or text.startswith("TY")


@pytest.mark.parametrize("kind", KINDS)
def test_adversarial_shapes_do_not_hang(kind):
    payloads = [
        "{" * 20000 + "}" * 20000,
        "@article{x, title = " + "{" * 5000 + "a" + "}" * 5000 + "}",
        "x" * 1_000_000,
        "Autori: " + "; ".join(f"Rossi{i}, Mario" for i in range(3000)),
        "[1]  " + "A. " * 50000 + ", 2001, V.",
    ]
    for payload in payloads:
        started = time.process_time()
        attempt(kind, payload)
        assert time.process_time() - started < 60


def test_thousands_of_authors_are_all_kept():
    authors = " and ".join(f"Author{i}, A." for i in range(3000))
    (parsed,) = registry()["bibtex"].parse(f"@article{{big, author = {{{authors}}}, title = {{Big}}}}", Document("big.bib"))
    assert len(parsed.item["creators"]) == 3000


def test_a_50_megabyte_document_parses(tmp_path: Path):
    entry = (FIXTURES / "ris/two_records.ris").read_text()
    big = tmp_path / "big.ris"
    with big.open("w") as handle:
        while handle.tell() < 50 * 2**20:
            handle.write(entry)
    result = parse_paths([str(big)])
    assert not result.errors and len(result.parsed) > 100_000


# ---------------------------------------------------------------- folders that are not all bibliography

BIB = "@article{good2020,\n author = {Good, Gina},\n title = {A good paper},\n journal = {J}, year = {2020}\n}\n"
PACKAGE_JSON = '{"name": "thesis-tools", "version": "1.0.0", "type": "module", "description": "build",\n' \
               ' "scripts": {"build": "latexmk"}, "dependencies": {"left-pad": "^1.3.0"}, "author": "Someone"}\n'
NOT_BIBLIOGRAPHY = {
    "package.json": (PACKAGE_JSON, "package.json, not CSL-JSON"),
    "settings.json": ('{"type": "article", "id": 3, "title": 5, "theme": "dark"}', "JSON that is not CSL-JSON"),
    "README.md": ("# My thesis\n\nBuild with `latexmk`. Cite as:\n\n```bibtex\n" + BIB + "```\n", "Markdown"),
    "main.tex": ("\\documentclass{article}\n\\begin{document}\nAs shown by \\cite{good2020}.\n"
                 "\\bibliography{refs}\n\\end{document}\n", "LaTeX source"),
    "chapter1.tex": ("Plain prose with a citation \\cite{good2020} and nothing else.\n", "LaTeX source"),
    "thesis.sty": ("\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesPackage{thesis}\n", "LaTeX"),
    "thesis.cls": ("\\ProvidesClass{thesis}\n\\LoadClass{report}\n", "LaTeX"),
    "main.aux": ("\\relax \n\\citation{good2020}\n\\bibstyle{plain}\n\\bibdata{refs}\n", "auxiliary"),
    "main.bbl": ("\\begin{thebibliography}{1}\n\\bibitem{good2020}\nG.~Good.\n\\newblock A good paper.\n"
                 "\\newblock {\\em J}, 2020.\n\\end{thebibliography}\n", "bibliography output"),
    "main.log": ("This is pdfTeX, Version 3.141592653-2.6-1.40.25 (TeX Live 2023)\n entering extended mode\n", "TeX log"),
    "main.blg": ("This is BibTeX, Version 0.99d (TeX Live 2023)\nThe top-level auxiliary file: main.aux\n", "TeX log"),
    "main.toc": ("\\contentsline {section}{\\numberline {1}Introduction}{1}{}%\n", "table of contents"),
    "notes.txt": ("Papers for my thesis\n\nIn: chapter 2 I cite Rossi (2020), pp. 10-12.\n"
                  "Universita di Bologna - Tesi di dottorato\n", "unrecognised document kind"),
}
BINARY = {"figure.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
          "paper.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50, "PDF"),
          "photo.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(500), "JPEG image"),
          "logo.svg": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><title>x</title></svg>\n',
                       "SVG image"),
          "blob.dat": (bytes(range(256)) * 16, "binary")}


def skipped_reason(result, name: str) -> str:
    reasons = [s.reason for s in result.skipped if s.path.endswith("/" + name)]
    assert reasons, f"{name} was not passed over: skipped={result.skipped} errors={result.errors}"
    return reasons[0]


@pytest.mark.parametrize("name", sorted(NOT_BIBLIOGRAPHY))
def test_a_text_document_that_is_not_bibliography_is_passed_over_in_a_folder(tmp_path: Path, name: str):
    content, reason = NOT_BIBLIOGRAPHY[name]
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / name).write_text(content)
    result = parse_paths([str(tmp_path)])
    assert [p.item["title"] for p in result.parsed] == ["A good paper"]
    assert not result.errors, [str(e) for e in result.errors]
    assert reason in skipped_reason(result, name)


@pytest.mark.parametrize("name", sorted(NOT_BIBLIOGRAPHY))
def test_a_document_that_is_not_bibliography_is_an_error_when_named(tmp_path: Path, name: str):
    content, reason = NOT_BIBLIOGRAPHY[name]
    (tmp_path / name).write_text(content)
    result = parse_paths([str(tmp_path / name)])
    assert not result.parsed and not result.skipped
    (error,) = result.errors
    assert error.origin == str(tmp_path / name) and reason in error.message


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_documents_are_passed_over_in_a_folder(tmp_path: Path, name: str):
    data, kind = BINARY[name]
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / name).write_bytes(data)
    result = parse_paths([str(tmp_path)])
    assert len(result.parsed) == 1 and not result.errors
    assert kind in skipped_reason(result, name)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(NOT_BIBLIOGRAPHY))
def test_every_parser_survives_documents_that_are_not_bibliography(kind: str, name: str):
    attempt(kind, NOT_BIBLIOGRAPHY[name][0])


def test_content_decides_not_the_suffix(tmp_path: Path):
    (tmp_path / "record.txt").write_text((FIXTURES / "iris/unito_article_en.txt").read_text())
    (tmp_path / "export.json").write_text((FIXTURES / "csl/items.json").read_text())
    (tmp_path / "deps.json").write_text(PACKAGE_JSON)
    (tmp_path / "build.txt").write_text("This is pdfTeX, Version 3.14 (TeX Live 2023)\n")
    result = parse_paths([str(tmp_path)])
    assert sorted(p.origin.rsplit("/", 1)[1] for p in result.parsed) == ["export.json", "export.json", "record.txt"]
    assert {s.path.rsplit("/", 1)[1] for s in result.skipped} == {"deps.json", "build.txt"}


def test_a_backup_file_is_passed_over_in_a_folder_but_read_when_named(tmp_path: Path):
    (tmp_path / "refs.bib~").write_text(BIB)
    (tmp_path / "#refs.bib#").write_text(BIB)
    result = parse_paths([str(tmp_path)])
    assert not result.parsed and not result.errors
    assert skipped_reason(result, "refs.bib~") == "backup file"
    assert [p.item["title"] for p in parse_paths([str(tmp_path / "refs.bib~")]).parsed] == ["A good paper"]


def test_hidden_and_version_control_folders_are_passed_over_with_a_reason(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/packed.bib").write_text(BIB)
    (tmp_path / "refs.bib").write_text(BIB)
    result = parse_paths([str(tmp_path)])
    assert len(result.parsed) == 1 and skipped_reason(result, ".git") == "version-control folder"


# ---------------------------------------------------------------- special files: never opened, never a hang


def run_parse(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in a child, so a regression that blocks on a FIFO fails the test instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "zotsync", "parse", "--json", *args], capture_output=True,
                          text=True, timeout=timeout)


def special_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "refs.bib").write_text(BIB)
    os.mkfifo(folder / "pipe.bib")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.bib"))
    sock.close()
    (folder / "zero.bib").symlink_to("/dev/zero")
    (folder / "random.ris").symlink_to("/dev/urandom")
    (folder / "loop-a.bib").symlink_to(folder / "loop-b.bib")
    (folder / "loop-b.bib").symlink_to(folder / "loop-a.bib")
    (folder / "sub").mkdir()
    (folder / "sub/again").symlink_to(folder)  # a folder loop
    (folder / "gone.bib").symlink_to(folder / "missing.bib")
    return folder


def test_special_files_and_loops_in_a_folder_are_passed_over_without_hanging(tmp_path: Path):
    folder = special_folder(tmp_path)
    proc = run_parse(str(folder))
    assert proc.returncode == 0, proc.stderr
    assert [i["title"] for i in json.loads(proc.stdout)] == ["A good paper"]
    assert "Traceback" not in proc.stderr and "error" not in proc.stderr
    result = parse_paths([str(folder)])
    assert "FIFO" in skipped_reason(result, "pipe.bib") and "socket" in skipped_reason(result, "sock.bib")
    assert "character device" in skipped_reason(result, "zero.bib")
    assert "character device" in skipped_reason(result, "random.ris")
    assert "symlink loop" in skipped_reason(result, "loop-a.bib")
    assert "already walked" in skipped_reason(result, "again")
    assert "broken symlink" in skipped_reason(result, "gone.bib")


@pytest.mark.parametrize("name, message", [
    ("pipe.bib", "a named pipe (FIFO), not a document"), ("sock.bib", "a socket, not a document"),
    ("zero.bib", "a character device, not a document"), ("random.ris", "a character device, not a document"),
    ("loop-a.bib", "cannot read: symlink loop"), ("missing.bib", "cannot read: No such file")])
def test_a_special_file_named_explicitly_is_an_error_never_opened(tmp_path: Path, name: str, message: str):
    folder = special_folder(tmp_path)
    proc = run_parse(str(folder / name), str(folder / "refs.bib"))
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 1
    assert f"{folder / name}: {message}" in proc.stderr and "Traceback" not in proc.stderr
    assert run_parse(str(folder / name)).returncode == 2


def test_reading_is_bounded_by_bytes_read_not_by_the_size_reported(tmp_path: Path, monkeypatch):
    proc_file = Path("/proc/self/status")  # a regular file that reports size 0
    if not proc_file.exists() or proc_file.stat().st_size:
        pytest.skip("no /proc")
    assert len(documents.read_bytes(proc_file)) > 0
    with pytest.raises(ParseError, match="file too large"):
        documents.read_bytes(proc_file, limit=16)
    big = tmp_path / "big.bib"
    big.write_text(BIB * 100)
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    (error,) = parse_paths([str(big)]).errors
    assert "file too large" in error.message


def test_a_file_that_cannot_be_read_is_named_in_one_line(tmp_path: Path):
    if not os.path.exists("/proc/self/mem"):
        pytest.skip("no /proc")
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / "mem.bib").symlink_to("/proc/self/mem")  # a regular file nobody, root included, can read at 0
    result = parse_paths([str(tmp_path)])
    assert len(result.parsed) == 1
    assert [str(e) for e in result.errors] == [f"{tmp_path / 'mem.bib'}: cannot read: Input/output error"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file and folder; see the scandir test below")
def test_unreadable_file_and_folder_by_permission(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / "secret.bib").write_text(BIB)
    (tmp_path / "locked").mkdir()
    os.chmod(tmp_path / "secret.bib", 0)
    os.chmod(tmp_path / "locked", 0)
    try:
        result = parse_paths([str(tmp_path)])
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert len(result.parsed) == 1
    assert sorted(str(e) for e in result.errors) == [
        f"{tmp_path / 'locked'}: cannot read folder: Permission denied",
        f"{tmp_path / 'secret.bib'}: cannot read: Permission denied"]


def test_unreadable_folder_is_named_and_the_walk_goes_on(tmp_path: Path, monkeypatch):
    """Works as root too: the folder listing fails the way a chmod 000 folder fails for a user."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b/refs.bib").write_text(BIB)
    real = os.scandir

    def scandir(path):
        if Path(path) == tmp_path / "a":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(walk_module.os, "scandir", scandir)
    result = parse_paths([str(tmp_path)])
    assert [str(e) for e in result.errors] == [f"{tmp_path / 'a'}: cannot read folder: Permission denied"]
    assert len(result.parsed) == 1


# ---------------------------------------------------------------- glob patterns


def test_glob_patterns_are_walked_with_scope_relative_to_their_static_prefix(tmp_path: Path):
    for project in ("a", "b/deep"):
        (tmp_path / project).mkdir(parents=True)
        (tmp_path / project / "refs.bib").write_text(BIB)
        (tmp_path / project / "notes.md").write_text("# notes\n")
    (tmp_path / "top.ris").write_text((FIXTURES / "ris/two_records.ris").read_text())
    result = parse_paths([f"{tmp_path}/**/*.bib"])
    assert sorted(p.source for p in result.parsed) == ["bibtex:a/refs.bib#good2020", "bibtex:b/deep/refs.bib#good2020"]
    assert not result.errors and not result.skipped  # notes.md does not match: not even mentioned
    assert sorted(f for _, f in iter_files([f"{tmp_path}/*/refs.bib"])) == ["a/refs.bib"]
    assert sorted(f for _, f in iter_files([f"{tmp_path}/b"])) == ["deep/notes.md", "deep/refs.bib"]


def test_a_home_relative_pattern_is_expanded(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "papers/x").mkdir(parents=True)
    (tmp_path / "papers/x/refs.bib").write_text(BIB)
    assert [s for _, s in iter_files(["~/papers/**/*.bib"])] == ["x/refs.bib"]
    result = parse_paths(["~/nowhere/**/*.bib"])
    assert "no folder" in result.errors[0].message
    result = parse_paths(["~/papers/**/*.ris"])
    assert not result.errors and result.warnings == ["~/papers/**/*.ris: the pattern matches no document".replace(
        "~", str(tmp_path))]


# ---------------------------------------------------------------- one bad document never aborts the run


def step3_documents() -> dict[str, bytes]:
    csl = '[{{"id": "{id}", "type": "book", "title": {title}, "author": {author}, "issued": {issued}}}]'
    utf16 = "TY  - BOOK\nTI  - Broken \ud800 title\nAU  - Bianchi, Carla\nPY  - 2019\nER  - \n"
    return {
        "string-author.json": csl.format(id="t1", title='"Author is a string"', author='"Smith, John"',
                                         issued='{"date-parts": [[2019]]}').encode(),
        "string-date.json": csl.format(id="t2", title='"Date parts as a string"', author='[{"family": "Rossi"}]',
                                       issued='{"date-parts": "2020"}').encode(),
        "nul.json": csl.format(id="t3", title='"Nul\\u0000 in title"', author="[]", issued="{}").encode(),
        "surrogate.json": csl.format(id="t4", title='"Lone \\ud800 surrogate"', author="[]", issued="{}").encode(),
        "utf16.ris": b"\xff\xfe" + utf16.encode("utf-16-le", errors="surrogatepass"),
        "late-nul.bib": (BIB.replace("good2020", "late").replace("A good paper", "Late NUL")
                         + "%" * 70_000 + "\n\x00\n").encode(),
    }


def test_one_bad_document_never_aborts_the_run(tmp_path: Path):
    (tmp_path / "refs.bib").write_text(BIB)
    for name, data in step3_documents().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "zero.bib").symlink_to("/dev/zero")
    proc = run_parse(str(tmp_path))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    items = {i["title"]: i for i in json.loads(proc.stdout)}
    assert items["Author is a string"]["creators"] == [{"creatorType": "author", "name": "Smith, John"}]
    assert items["Date parts as a string"]["date"] == "2020"
    assert "Nul in title" in items and "Lone \ufffd surrogate" in items
    assert items["Broken \ufffd title"]["creators"][0]["lastName"] == "Bianchi"
    assert "A good paper" in items and "Late NUL" in items
    assert "utf16.ris:2: invalid UTF-16-LE (an unpaired surrogate)" in proc.stderr
    assert "late-nul.bib:" in proc.stderr and "NUL bytes in the text; removed" in proc.stderr


@pytest.mark.parametrize("where", ["parse", "sniff", "fit"])
def test_any_exception_of_a_parser_or_of_fit_is_that_documents_error_line(tmp_path: Path, monkeypatch, where):
    (tmp_path / "a.bib").write_text(BIB)
    (tmp_path / "b.ris").write_text((FIXTURES / "ris/two_records.ris").read_text())
    ris = registry()["ris"]

    def boom(*args, **kwargs):
        raise ValueError("something odd")

    if where == "fit":
        real_fit = documents.schema.fit
        monkeypatch.setattr(documents.schema, "fit",
                            lambda item: boom() if item.get("itemType") != "journalArticle" else real_fit(item))
    else:
        monkeypatch.setattr(type(ris), where, boom)
    result = parse_paths([str(tmp_path)])
    assert result.errors and all("ValueError: something odd" in e.message for e in result.errors)
    if where == "sniff":  # detection asks every parser: each document gets the line, none ends the run
        assert sorted(e.origin for e in result.errors) == [str(tmp_path / "a.bib"), str(tmp_path / "b.ris")]
        return
    assert "A good paper" in [p.item["title"] for p in result.parsed]
    if where == "parse":
        assert [e.origin for e in result.errors] == [str(tmp_path / "b.ris")]
    else:
        assert {e.origin for e in result.errors} == {str(tmp_path / "b.ris")}
        assert all(e.message.startswith("record ") for e in result.errors)


def test_iso2709_marc_is_decoded_byte_for_byte():
    leader_and_fields = "00000nam a2200000 a 4500" + "001001000000\x1e" + "0123456789\x1e" + "caf\xe9 \x1f\x1e\x1d"
    data = leader_and_fields.encode("latin-1")
    data = f"{len(data):05d}".encode() + data[5:]
    text, warning = decode(data, "rec.mrc")
    assert text.encode("latin-1") == data and not warning
    with pytest.raises(ParseError, match="binary"):
        decode(b"01234" + data[5:-1] + b"\x01" * 40, "not-marc.mrc")


@needs_shared(SHARED / "records/cases/marc-001.mrc")
def test_real_marc_records_are_not_rejected_as_binary():
    for path in sorted((SHARED / "records/cases").glob("*.mrc")):
        data = path.read_bytes()
        text, _ = decode(data, str(path))
        assert text.encode("latin-1") == data


def test_utf16_without_a_byte_order_mark_is_read():
    text, warning = decode("TY  - BOOK\nTI  - Senza BOM\nER  - \n".encode("utf-16-le"), "x.ris")
    assert text.startswith("TY  - BOOK") and not warning


@pytest.mark.parametrize("kind", KINDS)
def test_every_parser_survives_the_step3_documents(kind: str):
    for name, data in step3_documents().items():
        text, _ = decode(data, name)
        attempt(kind, text)
        attempt(kind, text.replace("\ufffd", "\ud800"))  # a lone surrogate reaching a parser as is
