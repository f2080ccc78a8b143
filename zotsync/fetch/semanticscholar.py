"""A Semantic Scholar paper and all its references, from the Graph API (paged by offset/next).

The answer is handed on as one Graph API paper object whose ``references`` hold the cited
papers, the shape the Semantic Scholar API parser reads.
"""

from __future__ import annotations

import json
from typing import Any

from zotsync.fetch.fetched import Fetched
from zotsync.fetch.http import Fetcher, FetchError
from zotsync.fetch.targets import S2Target

API = "https://api.semanticscholar.org/graph/v1"
PAPER_FIELDS = ("paperId,externalIds,url,title,abstract,venue,publicationVenue,year,publicationDate,"
                "publicationTypes,journal,authors")
PAGE = 1000


def fetch_paper(target: S2Target, fetcher: Fetcher, api: str = API) -> list[Fetched]:
    url = f"{api}/paper/{target.paper}"
    paper = _json(fetcher, url, {"fields": PAPER_FIELDS})
    if not isinstance(paper, dict) or not paper.get("paperId"):
        raise FetchError("the answer holds no paper", url)
    if target.references:
        paper["references"] = list(_references(fetcher, f"{url}/references"))
    return [Fetched(url, f"semanticscholar/{paper['paperId']}", json.dumps(paper, ensure_ascii=False), "s2-api")]


def _references(fetcher: Fetcher, url: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = _json(fetcher, url, {"fields": PAPER_FIELDS, "offset": str(offset), "limit": str(PAGE)})
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise FetchError("the reference list is not a Graph API page", url)
        out += [entry["citedPaper"] for entry in page["data"]
                if isinstance(entry, dict) and isinstance(entry.get("citedPaper"), dict)]
        nxt = page.get("next")
        offset = nxt if isinstance(nxt, int) and nxt > offset else None
    return out


def _json(fetcher: Fetcher, url: str, params: dict[str, str]) -> Any:
    response = fetcher.get(url, accept="application/json", params=params)
    try:
        return json.loads(response.text)
    except ValueError:
        raise FetchError("the answer is not JSON", url) from None
