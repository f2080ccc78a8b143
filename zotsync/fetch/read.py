"""Fetched documents through the parsers, exactly as files go: one error line per bad document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from zotsync import schema
from zotsync.documents import ParseResult
from zotsync.errors import ParseError
from zotsync.fetch.fetched import Fetched, HarvestLog
from zotsync.fetch.http import Fetcher
from zotsync.fetch.run import LIVE_SERVICES, Services, fetch_all
from zotsync.fetch.targets import Target
from zotsync.sources import parse_text
from zotsync.sources.base import Document


@dataclass
class LiveRead:
    parsed: ParseResult
    harvests: dict[str, str] = field(default_factory=dict)  # to record once the run has landed
    fetched: list[str] = field(default_factory=list)  # what was asked, for the dry run and the log


Fetch = Callable[[Sequence[Target]], LiveRead]


def live_reader(fetcher: Fetcher, log: HarvestLog, services: Services = LIVE_SERVICES) -> Fetch:
    def read(targets: Sequence[Target]) -> LiveRead:
        result = fetch_all(targets, fetcher, log, services)
        parsed = parse_fetched(result.documents)
        parsed.errors += [ParseError(str(exc)) for exc in result.errors]
        return LiveRead(parsed, result.harvests, [d.origin for d in result.documents])

    return read


def parse_fetched(documents: Sequence[Fetched]) -> ParseResult:
    result = ParseResult()
    for fetched in documents:
        result.files += 1
        doc = Document(fetched.origin, fetched.scope)
        try:
            found = parse_text(fetched.text, doc, fetched.kind)
            for parsed in found:
                parsed.item = schema.fit(parsed.item)
        except ParseError as exc:
            result.errors += [*doc.problems, exc]
            continue
        result.errors += doc.problems
        result.warnings += doc.warnings
        result.parsed += found
    return result
