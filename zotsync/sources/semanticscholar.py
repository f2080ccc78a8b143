"""Semantic Scholar paper pages: the paper, and each entry of its reference list.

A reference line follows S2's template ``[n]  First Author,et al.  Title , year, venue.``
The gaps may be non-breaking or ordinary spaces, single-author references have
no ``,et al.`` (and then only an ordinary space between author and title), and
the list may be cut off or absent. Each reference becomes an item of its own
whose ``cited_by`` names the paper, for the sync engine to relate the two.

A reference's type comes from its venue (``venues``): a conference is a
conferencePaper with the venue as proceedingsTitle, a journal a journalArticle with
the venue as publicationTitle, arXiv and other servers a preprint; a venue the
lexicon does not know is typed by its words (`Proceedings of`, `Workshop`, `Journal`,
`Press`) or, without such words, kept as a document that says nothing more. The venue
stays as printed. A reference without a venue is a book (Semantic Scholar prints
publishers' books that way). The last reference, when the page cut it off (it does
not end as the template ends), is reported and dropped, never emitted half-read.
"""

from __future__ import annotations

import re
from typing import Any

from zotsync import dates, names
from zotsync.errors import ParseError
from zotsync.model import Parsed
from zotsync.sources import common, venues
from zotsync.sources.base import Document
from zotsync.text import repair_caps, squash, strip_trailing_period

REF_START = re.compile(r"^\[(\d{1,4})\][\s\u00a0]+(.*)$")
ET_AL = re.compile(r",\s*et\s+al\.?[\s\u00a0]+")
YEAR_SPLIT = re.compile(r"\s+,\s*(?P<year>1[5-9]\d\d|20\d\d)\s*(?:,\s*(?P<venue>.*?))?\s*\.?\s*$")
NO_YEAR_SPLIT = re.compile(r"\s+,\s*(?P<venue>[^,]+?)\s*\.?\s*$")
PAGE_FURNITURE = re.compile(r"^(?:Corpus ID:? ?\d+|Skip to search form)", re.M)
PAGE_MARKERS = re.compile(r"semanticscholar\.org|Semantic Scholar|Corpus ID|Skip to search form", re.I)
PAPER_ID = re.compile(r"semanticscholar\.org/paper/(?:[^/\s]+/)?([0-9a-f]{40})")
PROCEEDINGS = re.compile(r"\b(?:proceedings|proc\.|conference|conf\.|workshops?|symposium|congress|meeting|colloquium|"
                         r"summit|convegno|congreso|tagung)\b", re.I)
JOURNAL_WORDS = re.compile(r"\b(?:journal|j\.|review|transactions|trans\.|letters|lett\.|annals|ann\.|bulletin|bull\.|"
                           r"magazine|quarterly|revue|revista|rivista|zeitschrift|acta|archives|research|studies|"
                           r"gazette|newsletter)\b", re.I)
REPORT_WORDS = re.compile(r"\b(?:technical report|tech\. rep\.|working paper|report)\b", re.I)
THESIS_WORDS = re.compile(r"\b(?:thesis|dissertation|ph\.? ?d\.?)\b", re.I)
PUBLISHER_WORDS = re.compile(r"\b(?:press|publishers?|publishing|verlag|editore|editorial|books)\b", re.I)
UI_LINE = re.compile(
    r"^(?:semantic scholar(?:'s logo|semantic scholar.*)?|search|sign in|sign up|create free account|menu|tldr|tl;dr|abstract|expand|"
    r"figures and tables|figures and topics|figures|save to library|save|create alert|alert|cite|share|"
    r"share this paper|view pdf|view pdf on .*|open pdf|view via publisher|view on publisher|publisher|references|citations|"
    r"related papers|topics|highly influenced|highly influential citations|background citations|methods citations|"
    r"results citations|citation type|has pdf|more filters|filters?|sort by.*|feed|semantic reader|"
    r"open in semantic reader|api|about|product|research|team|blog|contact|faq|careers|resources|"
    r"terms of service|privacy policy|api license agreement|stay connected with semantic scholar|"
    r"what is semantic scholar\??|skip to .*|search \d[\d,]* papers .*|semantic scholar is .*|"
    r"© ?\d{4} .*|\d[\d,]* (?:citations?|references?)|showing \d+ through \d+ of \d+ .*|"
    r"corpus id:? ?\d+)$", re.I)
META_LINE = re.compile(r"^(?:DOI:|Published(?: in)? |Corpus ID)", re.I)
DATE_TEXT = r"(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:1[5-9]\d\d|20\d\d)"
PUBLISHED = re.compile(rf"^Published(?: in (?P<venue>.+?))?\s+(?P<date>{DATE_TEXT})$")
PUBLISHED_VENUE = re.compile(r"^Published in (?P<venue>.+)$")
TLDR = ("TLDR", "TL;DR")
BULLETS = re.compile(r"\s+[•·]\s+")
NAME_PART = r"(?:[A-Z][\w'’.\-]*\.?|van|von|de|der|den|del|della|di|da|dos|du|le|la|ten|ter|y)\s?"
AUTHORS_LINE = re.compile(rf"^(?:{NAME_PART}){{1,6}}(?:,\s*(?:\+\s*\d+\s+authors?\s*)?(?:{NAME_PART}){{1,6}})*$")
INITIAL = re.compile(r"^[A-Z]\.?(?:-?[A-Z]\.?)?$")


class SemanticScholarParser:
    name = "semanticscholar"

    def sniff(self, text: str, filename: str) -> float:
        refs = sum(1 for line in text[:2_000_000].splitlines()[:5000] if REF_START.match(line.strip()))
        score = 0.5 if refs >= 3 else 0.2 if refs else 0.0
        markers = len(set(m.group(0).lower() for m in PAGE_MARKERS.finditer(text[:500_000])))
        if markers:
            score += 0.4
        if markers >= 2 and PAGE_FURNITURE.search(text[:500_000]):  # outranks the BibTeX of its "Cite" box
            score = max(score, 0.93)
        return min(score, 0.95)

    def parse(self, text: str, doc: Document) -> list[Parsed]:
        lines = [squash(line) for line in text.splitlines()]
        first_ref = next((i for i, line in enumerate(lines) if REF_START.match(line)), len(lines))
        paper = _paper(lines[:first_ref])
        if not paper.get("title"):
            raise ParseError("no paper title found on the Semantic Scholar page", doc.origin)
        match = PAPER_ID.search(text)
        paper_id = common.identity("s2", paper, doc, native=match.group(1) if match else "")
        out = [Parsed(source=paper_id, item=paper, origin=doc.origin, notes=_tldr(lines[:first_ref]))]
        refs = _reference_lines(lines[first_ref:])
        for position, (number, line) in enumerate(refs, 1):
            if position == len(refs) and is_cut_off(line):
                doc.warn(f"reference [{number}] is cut off by the page and was not read: {line[:80]!r}")
                continue
            ref = parse_reference(line)
            if ref is None:
                doc.report(doc.error(f"reference [{number}] has no title: {line[:80]!r}"))
            else:
                out.append(Parsed(source=f"{paper_id}#ref:{common.work_key(ref)}", item=ref,
                                  origin=f"{doc.origin}:[{number}]", cited_by=paper_id))
        return out


def _paper(lines: list[str]) -> dict[str, Any]:
    """The paper: the page's title, authors, "Published in" venue and date, DOI and abstract; interface text skipped."""
    text_lines = [line for line in _without_cite_block(lines) if line and not UI_LINE.match(line)]
    item: dict[str, Any] = {"itemType": "journalArticle", "creators": [], "tags": []}
    title_at = next((i for i, line in enumerate(text_lines) if not META_LINE.match(line)), None)
    if title_at is None:
        return item
    item["title"] = repair_caps(strip_trailing_period(text_lines[title_at]))
    rest = text_lines[title_at + 1:]
    for position, part in enumerate(_header(rest)):
        if re.fullmatch(DATE_TEXT, part):
            item["date"] = dates.to_iso(part)
        elif position == 0 and AUTHORS_LINE.match(part):
            item["creators"], more = _page_authors(part)
            if more:
                item["extra"] = "et al."
        else:
            _meta(item, part)
    for line in text_lines:
        _meta(item, line)
    venue = item.pop("venue", "")
    if venue:  # typed as a reference is: an unknown venue is not taken for a journal
        typed = _typed(venue)
        extra = "\n".join(filter(None, [item.get("extra", ""), typed.pop("extra", "")]))
        item.update(typed, **({"extra": extra} if extra else {}))
    summary = _tldr_sentence(lines)
    body = [line for line in rest if len(line) > 80 and not META_LINE.match(line) and line != summary]
    if body:
        item["abstractNote"] = max(body, key=len)
    return item


def _without_cite_block(lines: list[str]) -> list[str]:
    """The page without the BibTeX of its "Cite" box (`@article{…` up to the closing `}`)."""
    out: list[str] = []
    inside = False
    for line in lines:
        if re.match(r"^@\w+\s*\{", line):
            inside = True
        if not inside:
            out.append(line)
        elif line == "}":
            inside = False
    return out


def _header(rest: list[str]) -> list[str]:
    """The short lines under the title (authors, `Published in …`, date, fields), split at `•`, up to the abstract."""
    parts: list[str] = []
    for line in rest[:12]:
        if len(line) > 120 or line.upper() in TLDR:
            break
        parts.extend(p for p in (x.strip() for x in BULLETS.split(f" {line} ")) if p and p not in "•·")
    return parts


def _tldr_sentence(lines: list[str]) -> str:
    """S2's one-sentence summary: the line under the "TLDR" heading ("" when the page has none)."""
    for i, line in enumerate(lines[:-1]):
        if line.upper() in TLDR and lines[i + 1] and not UI_LINE.match(lines[i + 1]):
            return lines[i + 1]
    return ""


def _tldr(lines: list[str]) -> list[str]:
    """The summary as a child note "[TLDR] …", as Zotero's translator keeps it."""
    sentence = _tldr_sentence(lines)
    return [f"[TLDR] {sentence}"] if sentence else []


def _meta(item: dict[str, Any], line: str) -> None:
    """A header line: `Published in VENUE DATE`, `Published DATE`, `DOI: …`. A venue the page cut (`…`) is not kept."""
    published = PUBLISHED.match(line) or PUBLISHED_VENUE.match(line)
    if published and not item.get("venue"):
        venue = (published.group("venue") or "").strip()
        if venue and not venue.endswith(("…", "...")):
            item["venue"] = venue
        if "date" in published.groupdict() and published.group("date"):
            item["date"] = dates.to_iso(published.group("date"))
    doi = re.match(r"^DOI:\s*(\S+)", line)
    if doi:
        item["DOI"] = doi.group(1)


def _page_authors(line: str) -> tuple[list[dict[str, str]], bool]:
    """'A. Author, B. Author, +3 authors C. Last': the page lists a few authors and counts the rest."""
    more = bool(re.search(r"\+\s*\d+\s+authors?", line))
    parts = [p.strip() for p in re.split(r",|\+\s*\d+\s+authors?", line) if p.strip()]
    return [names.person(p) for p in parts], more


def _reference_lines(lines: list[str]) -> list[tuple[str, str]]:
    """Join wrapped lines onto their ``[n]`` entry."""
    refs: list[tuple[str, str]] = []
    for line in lines:
        match = REF_START.match(line)
        if match:
            refs.append((match.group(1), match.group(2)))
        elif UI_LINE.match(line) or re.match(r"^(?:Related Papers|Citations?|Show(?:ing)? |Load more|Page \d)", line):
            break  # the interface after the list (related papers, citing papers, paging)
        elif line and refs and is_cut_off(refs[-1][1]):  # a wrapped entry; a complete one takes no more lines
            refs[-1] = (refs[-1][0], f"{refs[-1][1]} {line}")
        elif line and refs:
            break  # text after the list that is not a reference
    return refs


def parse_reference(text: str) -> dict[str, Any] | None:
    """One reference body (after ``[n]``) to an item; None when it holds no title.

    >>> ref = parse_reference("E. Ostrom Crossing the great divide: Coproduction, synergy, and development , 1996 .")
    >>> ref["creators"][0]["lastName"], ref["title"], ref["date"], ref["itemType"]
    ('Ostrom', 'Crossing the great divide: Coproduction, synergy, and development', '1996', 'book')
    """
    raw = text.replace("\u00a0", " ")
    et_al = ET_AL.search(raw)
    if et_al:
        author, rest = raw[: et_al.start()], raw[et_al.end():]
    else:
        author, rest = _split_single_author(raw)
    match = YEAR_SPLIT.search(rest) or NO_YEAR_SPLIT.search(rest)
    title = rest[: match.start()] if match else rest
    title = repair_caps(strip_trailing_period(squash(title).strip(' "')))
    if not title:
        return None
    venue = _venue(match.group("venue") if match else "")
    item = _typed(venue)
    item.update({"title": title, "tags": [],
                 "creators": [names.person(author)] if author.strip() else []})
    if match and "year" in match.groupdict() and match.group("year"):
        item["date"] = match.group("year")
    if et_al:
        item["extra"] = "\n".join(filter(None, ["et al.", item.get("extra", "")]))
    return item


def _split_single_author(text: str) -> tuple[str, str]:
    """'H. Garn Models for ...' -> ('H. Garn', 'Models for ...'): initials/given names, then one surname."""
    gap = re.match(r"^(.{3,60}?)\s{2,}(.+)$", text)
    if gap:
        return gap.group(1), gap.group(2)
    tokens = text.split(" ")
    i = 0
    while i < len(tokens) - 1 and (INITIAL.match(tokens[i]) or (i == 0 and tokens[i][:1].isupper())):
        i += 1
        if i >= 1 and not INITIAL.match(tokens[i - 1]) and i > 1:
            break
    while i < len(tokens) - 1 and tokens[i].lower() in names.PARTICLES:
        i += 1
    return " ".join(tokens[: i + 1]), " ".join(tokens[i + 1:])


def _venue(venue: str) -> str:
    """The venue as printed; the template's own closing period is already gone (`Inf. Sci..` -> `Inf. Sci.`)."""
    return squash(venue).strip(" ,")


def is_cut_off(body: str) -> bool:
    """A reference the page stopped inside: it does not end as the template does (`Title , year[, venue].`)."""
    text = body.replace("\u00a0", " ").rstrip()
    if not text.endswith("."):
        return True
    return not re.search(r"\s,\s*\S.*\.$", text) and not text.endswith(" .")


def _typed(venue: str) -> dict[str, Any]:
    """Type and container from the venue: the lexicon first, then the venue's own words."""
    if not venue:
        return {"itemType": "book"}
    kind = venues.classify(venue)
    if kind == venues.PREPRINT:
        return {"itemType": "preprint", "repository": venues.repository(venue) or venue}
    if kind == venues.CONFERENCE or (not kind and PROCEEDINGS.search(venue)):
        return {"itemType": "conferencePaper", "proceedingsTitle": venue}
    if kind == venues.JOURNAL or JOURNAL_WORDS.search(venue):
        return {"itemType": "journalArticle", "publicationTitle": venue}
    if THESIS_WORDS.search(venue):
        return {"itemType": "thesis", "university": venue}
    if REPORT_WORDS.search(venue):
        return {"itemType": "report", "institution": venue}
    if PUBLISHER_WORDS.search(venue):
        return {"itemType": "book", "publisher": venue}
    return {"itemType": "document", "extra": f"Venue: {venue}"}
