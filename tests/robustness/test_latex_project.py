"""`zotsync parse` over a real LaTeX project folder: only the `.bib` entries, exit 0, no hang."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

BIB = """@article{knuth1984,
  author = {Knuth, Donald E.},
  title = {Literate Programming},
  journal = {The Computer Journal},
  volume = {27}, number = {2}, pages = {97--111}, year = {1984},
  doi = {10.1093/comjnl/27.2.97}
}

@book{lamport1994,
  author = {Lamport, Leslie},
  title = {{LaTeX}: A Document Preparation System},
  publisher = {Addison-Wesley}, year = {1994}, edition = {2}
}
"""


def latex_project(root: Path) -> Path:
    """A thesis folder as people keep it: sources, a .bib, build outputs, docs, tooling, images, oddities."""
    project = root / "thesis"
    (project / "chapters").mkdir(parents=True)
    (project / "figures").mkdir()
    (project / "build").mkdir()
    (project / ".git/objects").mkdir(parents=True)
    (project / "refs.bib").write_text(BIB)
    (project / "refs.bib~").write_text(BIB.replace("Literate", "Old Literate"))
    (project / "main.tex").write_text("\\documentclass{report}\n\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n"
                                      "\\begin{document}\n\\input{chapters/intro}\n\\printbibliography\n\\end{document}\n")
    (project / "chapters/intro.tex").write_text("\\chapter{Introduction}\nAs \\textcite{knuth1984} argued, "
                                                "programs are literature. See also Lamport (1994), pp. 1-10.\n")
    (project / "thesis.sty").write_text("\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesPackage{thesis}[2024/01/01]\n")
    (project / "thesis.cls").write_text("\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{thesis}[2024/01/01]\n"
                                        "\\LoadClass[12pt]{report}\n\\RequirePackage{biblatex}\n")
    (project / "plainnat-it.bst").write_text("ENTRY\n  { address author booktitle title journal year }\n  {}\n"
                                             "  { label extra.label }\nFUNCTION {article}\n{ output.bibitem\n"
                                             "  format.authors \"author\" output.check\n  format.title "
                                             "\"title\" output.check\n}\nREAD\nITERATE {call.type$}\n")
    (project / "main.aux").write_text("\\relax\n\\abx@aux@refcontext{nty/global//global/global}\n"
                                      "\\abx@aux@cite{0}{knuth1984}\n\\@writefile{toc}{\\contentsline {chapter}{1}}\n")
    (project / "build/main.bbl").write_text("% $ biblatex auxiliary file $\n\\begingroup\n\\refsection{0}\n"
                                            "\\datalist[entry]{nty/global//global/global}\n"
                                            "\\entry{knuth1984}{article}{}\n\\field{title}{Literate Programming}\n"
                                            "\\endentry\n\\enddatalist\n\\endrefsection\n\\endgroup\n")
    (project / "build/main.log").write_text("This is pdfTeX, Version 3.141592653-2.6-1.40.25 (TeX Live 2023)\n")
    (project / "build/main.blg").write_text("[0] Config.pm:307> INFO - This is Biber 2.19\n")
    (project / "build/main.toc").write_text("\\contentsline {chapter}{\\numberline {1}Introduction}{1}{}%\n")
    (project / "README.md").write_text("# Thesis\n\nBuild with `latexmk -pdf main`.\n\nCite as:\n\n```bibtex\n"
                                       + BIB + "```\n")
    (project / "package.json").write_text(json.dumps({"name": "thesis", "version": "1.0.0", "type": "module",
                                                      "scripts": {"build": "latexmk -pdf"},
                                                      "devDependencies": {"prettier": "^3.0.0"}}))
    (project / "figures/plot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (project / "figures/diagram.pdf").write_bytes(b"%PDF-1.5\n%\xd0\xd4\xc5\xd8\n" + bytes(range(256)) * 8)
    (project / "main.pdf").write_bytes(b"%PDF-1.5\n" + b"stream\n" + bytes(2000) + b"endstream\n")
    (project / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (project / "Makefile").write_text("all:\n\tlatexmk -pdf main\n")
    os.mkfifo(project / "build/pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(project / "build/agent.sock"))
    sock.close()
    (project / "build/self").symlink_to(project)  # a folder symlink loop
    (project / "build/loop.bib").symlink_to(project / "build/loop.bib")  # a file symlink loop
    return project


def zotsync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zotsync", *args], capture_output=True, text=True, timeout=120)


def test_a_latex_project_gives_only_its_bib_entries(tmp_path: Path):
    project = latex_project(tmp_path)
    proc = zotsync("parse", str(project), "--json")
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)
    assert [(i["itemType"], i["title"]) for i in items] == [
        ("journalArticle", "Literate Programming"), ("book", "LaTeX: A Document Preparation System")]
    assert items[0]["DOI"] == "10.1093/comjnl/27.2.97"
    assert proc.stderr == ""  # nothing here is an error: all the rest is passed over quietly


def test_a_latex_project_says_why_each_file_was_passed_over(tmp_path: Path):
    from zotsync.documents import parse_paths

    project = latex_project(tmp_path)
    result = parse_paths([str(project)])
    assert not result.errors
    reasons = {Path(s.path).relative_to(project).as_posix(): s.reason for s in result.skipped}
    assert reasons["main.tex"].startswith("LaTeX source") and "not a bibliographic record" in reasons["main.tex"]
    assert reasons["chapters/intro.tex"].startswith("LaTeX source")
    assert reasons["README.md"].startswith("Markdown") and "CSL" in reasons["package.json"]
    assert "auxiliary" in reasons["main.aux"] and "bibliography output" in reasons["build/main.bbl"]
    assert "log" in reasons["build/main.log"] and "log" in reasons["build/main.blg"]
    assert "PNG" in reasons["figures/plot.png"] and "PDF" in reasons["main.pdf"]
    assert reasons["refs.bib~"] == "backup file" and reasons[".git"] == "version-control folder"
    assert "FIFO" in reasons["build/pipe"] and "socket" in reasons["build/agent.sock"]
    assert "loop" in reasons["build/self"] and "loop" in reasons["build/loop.bib"]
    assert reasons["thesis.cls"].startswith("LaTeX source") and reasons["plainnat-it.bst"].startswith("BibTeX style")
    assert "unrecognised" in reasons["Makefile"]
    assert [p.item["title"] for p in result.parsed] == ["Literate Programming", "LaTeX: A Document Preparation System"]
