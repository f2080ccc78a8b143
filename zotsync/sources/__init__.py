"""Parser registry (entry point group ``zotsync.parsers``) and detection by content.

``recognise`` decides what a document is: the kind of a parser to read it with, or (raising
``NotBibliographic`` with the reason) not a bibliographic record at all: LaTeX, Markdown, JSON
that is not CSL, a document no parser claims. A single weak hint is not enough to read a
document (``MIN_SCORE``): a README that mentions a thesis is not an IRIS page.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources.base import Document, Parser, suffix
from zotsync.sources.other_kinds import json_kind, what_else
from zotsync.sources.vet import vet

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

# A single weak hint (a type label somewhere) is 0.1; prose in a README scores that. The thinnest real
# page (a cut-off IRIS page with only its citation line) scores 0.2.
MIN_SCORE = 0.2


class NotBibliographic(ParseError):
    """The document is not a bibliographic record: passed over in a folder, an error when named."""


BUILTIN = {
    "iris": "zotsync.sources.iris:IrisTextParser",
    "html": "zotsync.sources.html_meta:HtmlMetaParser",
    "vufind": "zotsync.sources.vufind:VufindParser",
    "semanticscholar": "zotsync.sources.semanticscholar:SemanticScholarParser",
    "bibtex": "zotsync.sources.bibtex:BibtexParser",
    "ris": "zotsync.sources.ris:RisParser",
    "csljson": "zotsync.sources.csljson:CslJsonParser",
    "oai": "zotsync.sources.oai:OaiParser",
    "marc": "zotsync.sources.marc:MarcParser",
    "solr": "zotsync.sources.vufind_json:VufindSolrParser",
    "vufind-api": "zotsync.sources.vufind_json:VufindApiParser",
    "s2-api": "zotsync.sources.s2api:S2ApiParser",
}


def _load(target: str) -> Parser:
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    parser: Parser = getattr(module, attr)()
    return parser


@cache
def _plugins() -> dict[str, EntryPoint]:
    """Parsers other packages register under ``zotsync.parsers`` (a built-in name wins)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group="zotsync.parsers") if ep.name not in BUILTIN}


@cache
def parser(kind: str) -> Parser | None:
    """The parser named ``kind``, its module imported on first use (None for an unknown name)."""
    if kind in BUILTIN:
        return _load(BUILTIN[kind])
    plugin = _plugins().get(kind)
    return plugin.load()() if plugin else None


def registry() -> dict[str, Parser]:
    """Every parser, built-in or registered, by name: detection asks each one (all are imported)."""
    return {name: found for name in kinds() if (found := parser(name)) is not None}


def kinds() -> list[str]:
    """The parser names, without importing any parser."""
    return sorted({*BUILTIN, *_plugins()})


def best(text: str, filename: str) -> tuple[float, str]:
    """The parser most sure of ``text`` and how sure it is."""
    return max((p.sniff(text, filename), name) for name, p in registry().items())


def detect(text: str, filename: str) -> Parser | None:
    score, name = best(text, filename)
    return parser(name) if score > 0 else None


def recognise(text: str, origin: str, in_folder: bool, kind: str | None = None) -> str:
    """The parser kind for a document, or NotBibliographic saying what the document is instead.

    A forced ``kind`` reads a named document whatever it looks like; in a folder, documents that
    are plainly something else (LaTeX, Markdown, ...) are still passed over.
    """
    if kind and not in_folder:
        return kind
    other = what_else(text, origin)
    if other:
        raise NotBibliographic(f"{other}, not a bibliographic record", origin)
    if kind:
        return kind
    score, name = best(text, origin)
    if score >= MIN_SCORE:
        return name
    raise NotBibliographic(_json_reason(text, origin) or "unrecognised document kind (use --format to force one)",
                           origin)


def _json_reason(text: str, origin: str) -> str:
    """What a JSON document no parser takes is ("" when the text is not JSON)."""
    if suffix(origin) != "json" and text.lstrip()[:1] not in {"[", "{"}:
        return ""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return "invalid JSON, not a bibliographic record" if suffix(origin) == "json" else ""
    return json_kind(data, origin)


def parse_text(text: str, doc: Document, kind: str | None = None) -> list[Parsed]:
    """Parse one document's text with the parser ``kind`` or the one detection picks."""
    if kind:
        chosen = parser(kind)
        if chosen is None:
            raise doc.error(f"unknown format {kind!r} (known: {', '.join(kinds())})")
    else:
        chosen = registry()[recognise(text, doc.origin, in_folder=False)]  # detection imported them all
    return vet(chosen.parse(text, doc), doc, chosen.name)
