"""Fetch every live target: documents for the parsers, and one error line per target that failed.

A target that fails (a DOI that does not exist, a repository that is down) costs only itself:
the others are still fetched and synced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from zotsync.fetch.doi import RESOLVER, fetch_doi
from zotsync.fetch.fetched import Fetched, HarvestLog
from zotsync.fetch.http import Fetcher, FetchError
from zotsync.fetch.oai import HarvestCut, get_record, harvest
from zotsync.fetch.semanticscholar import API, fetch_paper
from zotsync.fetch.targets import DoiTarget, OaiTarget, RecordTarget, S2Target, Target, VufindTarget
from zotsync.fetch.vufind import fetch_record


@dataclass(frozen=True)
class Services:
    """Where the services that have one fixed address live (changed only by tests)."""

    doi: str = RESOLVER
    semanticscholar: str = API


LIVE_SERVICES = Services()


@dataclass
class FetchResult:
    documents: list[Fetched] = field(default_factory=list)
    errors: list[FetchError] = field(default_factory=list)
    harvests: dict[str, str] = field(default_factory=dict)  # complete harvests, to record once the run lands


def fetch_all(targets: Iterable[Target], fetcher: Fetcher, log: HarvestLog,
              services: Services = LIVE_SERVICES) -> FetchResult:
    result = FetchResult()
    for target in targets:
        try:
            if isinstance(target, OaiTarget):
                pages, result.harvests[target.harvest_key] = harvest(target, fetcher, log)
                result.documents += pages
            else:
                result.documents += fetch_one(target, fetcher, services)
        except HarvestCut as cut:
            result.documents += cut.pages  # synced now; the whole harvest is asked for again next time
            result.errors.append(cut)
        except FetchError as exc:
            result.errors.append(exc)
    return result


def fetch_one(target: Target, fetcher: Fetcher, services: Services = LIVE_SERVICES) -> list[Fetched]:
    """The documents of one target that is not a harvest."""
    if isinstance(target, DoiTarget):
        return fetch_doi(target, fetcher, services.doi)
    if isinstance(target, S2Target):
        return fetch_paper(target, fetcher, services.semanticscholar)
    if isinstance(target, RecordTarget):
        return get_record(target, fetcher)
    if isinstance(target, VufindTarget):
        return fetch_record(target, fetcher)
    raise TypeError(f"unknown target {target!r}")


def describe(target: Target) -> str:
    """One line for the dry run: what would be fetched."""
    if isinstance(target, DoiTarget):
        return f"DOI {target.doi} (doi.org, CSL-JSON)"
    if isinstance(target, S2Target):
        return f"Semantic Scholar paper {target.paper}" + (" with its references" if target.references else "")
    if isinstance(target, OaiTarget):
        scope = f" set {target.set}" if target.set else ""
        return f"OAI-PMH {target.endpoint}{scope} ({target.metadata_prefix})"
    if isinstance(target, RecordTarget):
        return f"repository record {target.handle} (OAI-PMH GetRecord)"
    return f"VuFind record {target.record_id} ({target.base}/api/v1/record)"
