"""Parser registry (entry point group ``zotsync.parsers``) and detection by content."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from zotsync.model import Parsed
from zotsync.sources.base import Document, Parser
from zotsync.sources.vet import vet

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
def registry() -> dict[str, Parser]:
    """Built-in parsers plus any another package registers under ``zotsync.parsers``."""
    parsers = {name: _load(target) for name, target in BUILTIN.items()}
    for ep in entry_points(group="zotsync.parsers"):
        if ep.name not in parsers:
            parsers[ep.name] = ep.load()()
    return parsers


def kinds() -> list[str]:
    return sorted(registry())


def detect(text: str, filename: str) -> Parser | None:
    scored = [(p.sniff(text, filename), name) for name, p in registry().items()]
    score, name = max(scored)
    return registry()[name] if score > 0 else None


def parse_text(text: str, doc: Document, kind: str | None = None) -> list[Parsed]:
    """Parse one document's text with the parser ``kind`` or the one detection picks."""
    if kind:
        parser = registry().get(kind)
        if parser is None:
            raise doc.error(f"unknown format {kind!r} (known: {', '.join(kinds())})")
    else:
        parser = detect(text, doc.origin)
        if parser is None:
            raise doc.error("unrecognised document kind (use --format to force one)")
    return vet(parser.parse(text, doc), doc, parser.name)
