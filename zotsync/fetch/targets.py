"""What a live source names: a DOI, a Semantic Scholar paper, a repository record, a catalogue
record, or an OAI-PMH set; read from a command-line argument or a config entry.

Pure: strings in, targets out. ``target_of`` returns None for a string that names no live
source (it is then a path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from zotsync import ids

S2_ID = re.compile(r"^(?:[0-9a-f]{40}|CorpusId:\d+|(?:DOI|ARXIV|PMID|PMCID|MAG|ACL|DBLP):\S+)$", re.I)
S2_PAGE = re.compile(r"semanticscholar\.org/paper/(?:[^/]+/)?([0-9a-f]{40})", re.I)
HANDLE_PATH = re.compile(r"/handle/(\d+(?:\.\d+)*/[^/?#\s]+)")
VUFIND_RECORD = re.compile(r"^(.*?)/(?:Record|Search2Record|EdsRecord)/([^/?#]+)")


@dataclass(frozen=True)
class DoiTarget:
    doi: str


@dataclass(frozen=True)
class S2Target:
    paper: str
    references: bool = True


@dataclass(frozen=True)
class RecordTarget:
    """A repository item page (IRIS, DSpace): fetched as an OAI-PMH GetRecord."""

    page: str
    handle: str
    endpoint: str = ""
    metadata_prefix: str = "oai_dc"


@dataclass(frozen=True)
class OaiTarget:
    endpoint: str
    set: str = ""
    since: str = ""  # the configured "from": the earliest date ever harvested
    metadata_prefix: str = "oai_dc"

    @property
    def harvest_key(self) -> str:
        return f"oai:{self.endpoint}|{self.set}|{self.metadata_prefix}"


@dataclass(frozen=True)
class VufindTarget:
    base: str
    record_id: str


Target = DoiTarget | S2Target | RecordTarget | OaiTarget | VufindTarget


def target_of(text: str) -> Target | None:
    """The live source a command-line argument names, or None (then it is a path)."""
    value = text.strip()
    if page := S2_PAGE.search(value):
        return S2Target(page.group(1).lower())
    if not value.startswith(("http://", "https://")):
        bare = ids.clean_doi(value) if re.match(r"^(?:doi:\s*)?10\.\d{4,9}/\S+$", value, re.I) else ""
        return DoiTarget(bare) if bare else None
    return _url_target(value)


def _url_target(url: str) -> Target | None:
    host = (urlsplit(url).hostname or "").lower()
    if host in {"doi.org", "dx.doi.org"}:
        doi = ids.clean_doi(url)
        return DoiTarget(doi) if doi else None
    if host == "hdl.handle.net":
        return None  # a bare handle names no repository to ask; its page URL does
    if handle := HANDLE_PATH.search(urlsplit(url).path):
        return RecordTarget(url, handle.group(1))
    if record := VUFIND_RECORD.match(url):
        return VufindTarget(record.group(1), record.group(2))
    return None


def s2_target(paper: str, references: bool = True) -> S2Target:
    """A Semantic Scholar paper named by id, CorpusId, DOI:…, ARXIV:…, or its page URL."""
    page = S2_PAGE.search(paper)
    if page:
        return S2Target(page.group(1).lower(), references)
    if not S2_ID.match(paper.strip()):
        raise ValueError(f"not a Semantic Scholar paper id: {paper!r}")
    return S2Target(paper.strip(), references)
