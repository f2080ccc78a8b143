"""Documents that are not bibliographic records, recognised by their content.

A folder of papers also holds LaTeX sources, their build outputs, Markdown, package manifests
and logs. ``what_else(text, filename)`` names such a document's kind (e.g. "LaTeX source") so it
can be passed over with that reason, or returns None when it may be a record. Content decides;
the file name only confirms. Pure: no I/O.
"""

from __future__ import annotations

import re

from zotsync.sources.base import suffix

# A record saved under a markup name still starts like one: BibTeX, RIS, HTML/XML or JSON.
RECORD_START = re.compile(r"\s*(?:@\w+\s*[{(]|TY  - |<|\[|\{)")
BIBLIOGRAPHIC_SUFFIXES = {"bib", "bibtex", "biblatex", "ris", "nbib", "enw", "csl", "mrc", "marc", "xml", "html",
                          "htm", "xhtml", "json", "txt"}
MARKUP_SUFFIXES = {"md": "Markdown", "markdown": "Markdown", "mdown": "Markdown", "mkd": "Markdown",
                   "rmd": "R Markdown", "qmd": "Quarto Markdown", "rst": "reStructuredText", "org": "Org",
                   "adoc": "AsciiDoc", "ipynb": "Jupyter notebook"}

# (kind, pattern over the head of the text); the first that matches names the document.
SIGNATURES: list[tuple[str, re.Pattern[str]]] = [
    ("TeX log", re.compile(r"\AThis is (?:pdf|Xe|Lua|e-|e)?TeX|\AThis is BibTeX|\A\[0\] Config\.pm|"
                           r"\AThis is makeindex|\ALatexmk: ")),
    ("LaTeX auxiliary file (.aux)", re.compile(r"\A\s*\\relax\b|^\\(?:citation|bibdata|bibstyle|@writefile|"
                                               r"newlabel|abx@aux@)\{", re.M)),
    ("LaTeX bibliography output (.bbl)", re.compile(r"^\\begin\{thebibliography\}|^\s*\\(?:refsection|datalist)"
                                                    r"\b|\A% \$ biblatex auxiliary file", re.M)),
    ("LaTeX table of contents", re.compile(r"\A(?:\\babel@toc[^\n]*\n)?\\contentsline\b")),
    ("LaTeX source", re.compile(r"^\s*\\(?:documentclass|begin\{document\}|usepackage|ProvidesPackage|ProvidesClass|"
                                r"NeedsTeXFormat|section\*?\{|chapter\*?\{|input\{|include\{|newcommand|"
                                r"renewcommand|RequirePackage)", re.M)),
]
LATEX_SUFFIXES = {"tex": "LaTeX source", "ltx": "LaTeX source", "sty": "LaTeX package", "cls": "LaTeX class",
                  "dtx": "LaTeX source", "ins": "LaTeX installer", "aux": "LaTeX auxiliary file (.aux)",
                  "bbl": "LaTeX bibliography output (.bbl)", "bcf": "biber control file", "blg": "BibTeX log",
                  "bst": "BibTeX style (.bst)",
                  "log": "log", "toc": "LaTeX table of contents", "lof": "LaTeX list of figures",
                  "lot": "LaTeX list of tables", "out": "LaTeX outline", "fls": "LaTeX file list",
                  "fdb_latexmk": "latexmk database", "synctex": "SyncTeX data", "idx": "index data",
                  "ind": "index output", "ilg": "index log", "nav": "beamer navigation", "snm": "beamer data",
                  "vrb": "beamer data", "run.xml": "biber run file"}
PACKAGE_KEYS = {"dependencies", "devDependencies", "scripts", "main", "module", "license", "private",
                "workspaces", "engines", "peerDependencies"}


def what_else(text: str, filename: str) -> str | None:
    """The kind of a document that is not a bibliographic record, or None when it may be one."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    ext = suffix(name)
    head = text[:20_000]
    if ext in MARKUP_SUFFIXES and not RECORD_START.match(head):
        return MARKUP_SUFFIXES[ext]
    if name.endswith(".run.xml") and "<requests" in head:
        return LATEX_SUFFIXES["run.xml"]
    if ext in BIBLIOGRAPHIC_SUFFIXES - {"txt"}:
        return None
    for kind, pattern in SIGNATURES:
        if pattern.search(head):
            return kind
    if ext in LATEX_SUFFIXES:
        return LATEX_SUFFIXES[ext]
    return None


def json_kind(data: object, filename: str) -> str:
    """Words for a JSON document that is not CSL-JSON."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name in {"package.json", "package-lock.json", "composer.json", "tsconfig.json", "manifest.json"}:
        return f"{name}, not CSL-JSON"
    if isinstance(data, dict) and ("name" in data and ("version" in data or PACKAGE_KEYS & set(data))):
        return "a package manifest (package.json-like), not CSL-JSON"
    return "JSON that is not CSL-JSON"
