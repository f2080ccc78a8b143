"""Semantic Scholar Graph API responses to items.

Reads a paper (``/paper/{id}``, with or without its ``references``), a references or
citations list (``/paper/{id}/references``: ``data[].citedPaper``, paged by ``offset`` /
``next``), a single reference or citation object, a search page (``data[]`` of papers)
a batch answer (a list of papers) and an author's papers. Null entries are skipped; an
author list is not papers (an error), an empty page holds no items. A paper's
``citations`` are not items: they cite the paper, they are not in it.

Each item's identity is ``s2:<paperId>``, as for a saved S2 page; a reference S2 could
not resolve (``paperId`` null) is still an item, in list order, identified under the
paper that cites it. Every reference carries ``cited_by`` = the paper's identity (for a
bare references list the caller names the paper: ``records_from_s2api(body, doc,
paper_id=...)``). The type follows the venue: a conference venue (``publicationVenue.type``
or ``publicationTypes``) makes a conference paper even when S2 also says JournalArticle;
an arXiv-only venue a preprint; a journal an article, whose title is ``journal.name``.
arXiv's ``journal.volume`` ("abs/1312.6114") is never a volume. The TLDR is a child
note, never the abstract.
"""

from __future__ import annotations

import json
import re
from typing import Any

from zotsync.model import Parsed
from zotsync.sources import common
from zotsync.sources import record_fields as rf
from zotsync.sources.base import Document
from zotsync.text import normalise_title, squash

PROCEEDINGS = re.compile(r"\b(?:proceedings|proc\.|conference|workshop|symposium|congress)\b", re.I)
REPORT = re.compile(r"^(?:technical|tech\.?)\s+report\b[\s,.:]*(?P<number>.*?)[\s,.]*$", re.I)
ARXIV_NAMES = {"arxiv", "corr", "arxiv.org"}


class S2ApiParser:
    name = "s2-api"

    def sniff(self, text: str, filename: str) -> float:
        head = text.lstrip()[:5000]
        if head.startswith(("{", "[")) and re.search(r'"(?:paperId|citedPaper|citingPaper|authorId)"\s*:', head):
            return 0.96
        return 0.0

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        out = records_from_s2api(text, doc)
        if not out:
            raise doc.problems.pop() if doc.problems else doc.error("Semantic Scholar response without papers")
        return out


def next_offset(body: str | bytes | dict[str, Any]) -> int | None:
    """Where the next page of a paged list starts (``next``), or None on the last page."""
    data = json.loads(body) if isinstance(body, (str, bytes)) else body
    value = data.get("next") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def records_from_s2api(body: str | bytes | dict[str, Any] | list[Any], doc: Document, paper_id: str = "") -> list[Parsed]:
    """Items of a Graph API response; ``paper_id`` names the paper a bare references list belongs to."""
    if isinstance(body, (str, bytes)):
        try:
            data: Any = json.loads(body)
        except json.JSONDecodeError as exc:
            raise doc.error(f"invalid JSON: {exc.msg}", exc.lineno) from exc
        except RecursionError as exc:
            raise doc.error("JSON nests too deeply to read") from exc
    else:
        data = body
    if isinstance(data, dict) and ("error" in data or "message" in data) and "paperId" not in data and "data" not in data:
        raise doc.error(f"Semantic Scholar error: {squash(str(data.get('error') or data.get('message')))}")
    parent = f"s2:{paper_id.removeprefix('s2:')}" if paper_id else None
    if isinstance(data, list):  # batch: papers, null where an id was not found
        if any(_is_author(e) for e in data):
            raise doc.error("a Semantic Scholar author list, not papers")
        return [p for i, paper in enumerate(data) if isinstance(paper, dict) for p in _paper(paper, doc, f"[{i}]")]
    if not isinstance(data, dict):
        raise doc.error("expected a JSON object or list")
    if isinstance(data.get("data"), list):
        if any(_is_author(e) for e in data["data"]):
            raise doc.error("a Semantic Scholar author list, not papers")
        return _entries(data["data"], doc, parent)
    if "citedPaper" in data or "citingPaper" in data:
        return _entries([data], doc, parent)
    if "authorId" in data and "paperId" not in data:  # an author, with the papers asked for
        if not isinstance(data.get("papers"), list):
            raise doc.error("a Semantic Scholar author record, not papers")
        return _entries(data["papers"], doc, None)
    if "paperId" not in data and "title" not in data and ("offset" in data or "total" in data):
        return []  # an empty page of a paged list
    return _paper(data, doc, "")


def _is_author(entry: Any) -> bool:
    return isinstance(entry, dict) and "authorId" in entry and "paperId" not in entry and "title" not in entry


def _entries(entries: list[Any], doc: Document, parent: str | None) -> list[Parsed]:
    """A references / citations list (or a search page): one item per non-null paper, in order."""
    out: list[Parsed] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        cited = "citedPaper" in entry
        paper = entry.get("citedPaper") if cited else entry.get("citingPaper") if "citingPaper" in entry else entry
        if not isinstance(paper, dict):
            continue
        found = _one(paper, doc, f"data[{i}]", parent if cited else None)
        if found:
            out.append(found)
    return out


def _paper(paper: dict[str, Any], doc: Document, where: str) -> list[Parsed]:
    """The paper, then its references in order."""
    first = _one(paper, doc, where or "paper", None)
    if first is None:
        return []
    out = [first]
    references = paper.get("references")
    for i, reference in enumerate(references if isinstance(references, list) else []):
        if isinstance(reference, dict):
            found = _one(reference, doc, f"{where}references[{i}]", first.source)
            if found:
                out.append(found)
    return out


def _one(paper: dict[str, Any], doc: Document, where: str, parent: str | None) -> Parsed | None:
    item = paper_to_item(paper)
    if not item.get("title"):
        doc.report(doc.error(f"{where}: paper without a title ({paper.get('paperId') or 'no paperId'}), skipped"))
        return None
    paper_id = str(paper.get("paperId") or "")
    if paper_id:
        source = f"s2:{paper_id}"
    elif parent:
        source = f"{parent}#ref:{common.work_key(item)}"
    else:
        source = common.identity("s2", item, doc)
    tldr = paper.get("tldr")
    notes = [f"[TLDR] {squash(tldr['text'])}"] if isinstance(tldr, dict) and tldr.get("text") else []
    return Parsed(source=source, item=item, origin=f"{doc.origin}:{where}", cited_by=parent, notes=notes)


def _text(value: Any) -> str:
    return squash(str(value)) if isinstance(value, (str, int)) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def paper_to_item(paper: dict[str, Any]) -> dict[str, Any]:
    """One Graph API paper object to a Zotero item."""
    ext = _dict(paper.get("externalIds"))
    item = _typed(paper, ext)
    item["title"] = rf.strip_period(_text(paper.get("title")))
    authors = _list(paper.get("authors"))
    item["creators"] = [rf.heading(_text(a.get("name"))) for a in authors if isinstance(a, dict) and _text(a.get("name"))]
    item["date"] = _text(paper.get("publicationDate")) or _text(paper.get("year"))
    item["abstractNote"] = _text(paper.get("abstract"))
    item["DOI"] = _text(ext.get("DOI"))
    extra = []
    if ext.get("PubMed"):
        item["PMID"] = _text(ext.get("PubMed"))
    if ext.get("PubMedCentral"):
        item["PMCID"] = "PMC" + _text(ext.get("PubMedCentral")).removeprefix("PMC")
    if ext.get("ArXiv"):
        if item["itemType"] == "preprint":
            item["archiveID"] = f"arXiv:{_text(ext.get('ArXiv'))}"
        else:
            extra.append(f"arXiv: {_text(ext.get('ArXiv'))}")
    item["extra"] = "\n".join(extra)
    item["tags"] = []
    keep = {k: v for k, v in item.items() if v not in ("", None, [])}
    return keep | {"creators": item["creators"], "tags": []}


def _typed(paper: dict[str, Any], ext: dict[str, Any]) -> dict[str, Any]:
    venue_info = _dict(paper.get("publicationVenue"))
    journal = _dict(paper.get("journal"))
    types = [t for t in _list(paper.get("publicationTypes")) if isinstance(t, str)]
    venue = _text(paper.get("venue")).rstrip(" ,")
    if normalise_title(venue) == normalise_title(_text(paper.get("title"))):
        venue = ""  # S2's debris from footnotes repeats the "title" as venue
    name = _text(journal.get("name"))
    volume = _text(journal.get("volume"))
    arxiv_journal = name.lower() in ARXIV_NAMES or volume.startswith("abs/")
    pages = re.sub(r"\s*[-–]\s*", "-", _text(journal.get("pages")))
    is_journal = venue_info.get("type") == "journal"
    if venue_info.get("type") == "conference" or "Conference" in types or (PROCEEDINGS.search(venue) and not is_journal):
        title = venue or _text(venue_info.get("name")) or ("" if arxiv_journal else name)
        return {"itemType": "conferencePaper", "proceedingsTitle": title, "pages": pages}
    report = REPORT.match(venue)
    if report:
        return {"itemType": "report", "reportNumber": report.group("number")}
    if venue.lower() in ARXIV_NAMES or (not venue and arxiv_journal) or (ext.get("ArXiv") and not venue and not name):
        return {"itemType": "preprint", "repository": "arXiv"}
    if "Book" in types:
        return {"itemType": "book", "publisher": name if not arxiv_journal else ""}
    if "BookSection" in types:
        return {"itemType": "bookSection", "bookTitle": name or venue, "pages": pages}
    if is_journal or name or venue or {"JournalArticle", "Review"} & set(types):
        item = {"itemType": "journalArticle", "publicationTitle": name or venue, "pages": pages}
        parts = volume.split()
        if parts and not arxiv_journal:
            item["volume"] = parts[0]
            if len(parts) == 2 and parts[1].isdigit():
                item["issue"] = parts[1]
        return item
    return {"itemType": "document"}
