"""Identifiers: DOI, ISBN, ISSN, PMID, PMCID, handles; cleaned the way Zotero does.

Checksums come from python-stdnum; these functions return the normalised form
or ``""`` when the value holds no valid identifier.

>>> clean_doi("https://doi.org/10.1136/BMJQS-2015-004315.")
'10.1136/BMJQS-2015-004315'
>>> clean_isbns("ISBN 978-3-319-30558-5")
'9783319305585'
>>> clean_issn("0028-0836")
'0028-0836'
>>> clean_pmcid("PMC4941163")
'PMC4941163'
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from stdnum import isbn as _isbn
from stdnum import issn as _issn
from stdnum.exceptions import ValidationError

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
ISBN_CANDIDATE_RE = re.compile(r"(?:97[89][\s\-‐–]?)?(?:\d[\s\-‐–]?){9}[\dXx]")
ISSN_CANDIDATE_RE = re.compile(r"\b\d{4}[\s\-‐–]?\d{3}[\dXx]\b")
NOT_ISSN_CHARS = re.compile(r"[^\dXx]")  # what compacting an ISBN or ISSN candidate drops
HANDLE_RE = re.compile(r"https?://hdl\.handle\.net/\d+(?:\.\d+)*/[\w.\-]+")


def find_doi(text: str) -> str:
    """The first DOI in ``text``, bare, without trailing punctuation."""
    if text.lower().startswith("http"):
        text = unquote(text)
    match = DOI_RE.search(text)
    if not match:
        return ""
    doi = match.group(1).rstrip(".,;:")
    for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
        if doi.endswith(close) and doi.count(close) > doi.count(open_):
            doi = doi[:-1]
    return doi


def clean_doi(value: str) -> str:
    return find_doi(str(value))


def _valid_isbn(candidate: str) -> str:
    compact = NOT_ISSN_CHARS.sub("", candidate).upper()
    try:
        return str(_isbn.validate(compact))
    except ValidationError:
        return ""


def find_isbns(text: str) -> list[str]:
    found: list[str] = []
    for match in ISBN_CANDIDATE_RE.finditer(str(text)):
        valid = _valid_isbn(match.group(0))
        if valid and valid not in found:
            found.append(valid)
    return found


def clean_isbns(value: str) -> str:
    """All valid ISBNs in ``value``, compact, space separated (Zotero's ISBN field convention)."""
    return " ".join(find_isbns(value))


def _valid_issn(candidate: str) -> str:
    compact = NOT_ISSN_CHARS.sub("", candidate).upper()
    try:
        valid = _issn.validate(compact)
    except ValidationError:
        return ""
    return f"{valid[:4]}-{valid[4:]}"  # stdnum's format, without compacting the valid number again


def clean_issn(value: str) -> str:
    return next((issn for match in ISSN_CANDIDATE_RE.finditer(str(value)) if (issn := _valid_issn(match.group(0)))), "")


def clean_issns(value: str) -> str:
    found: list[str] = []
    for match in ISSN_CANDIDATE_RE.finditer(str(value)):
        issn = _valid_issn(match.group(0))
        if issn and issn not in found:
            found.append(issn)
    return ", ".join(found)


def clean_pmid(value: str) -> str:
    match = re.search(r"\b(\d{1,9})\b", str(value))
    return match.group(1) if match else ""


def clean_pmcid(value: str) -> str:
    match = re.search(r"(?:PMC)?\s*(\d{3,9})", str(value), re.I)
    return f"PMC{match.group(1)}" if match else ""


def find_handle(text: str) -> str:
    match = HANDLE_RE.search(text)
    return match.group(0) if match else ""
