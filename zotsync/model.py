"""Named values that travel between the stages. Items themselves are plain Zotero `data` dicts.

parse → ``Parsed``; group → ``Work``; match → ``Matched``; plan reads a frozen ``Snapshot`` and
returns a ``Plan`` (``PlanEntry`` per item, ``CollectionEntry`` per collection); apply returns
``Applied`` (an ``Outcome`` per entry); the engine returns a ``RunResult``. The enums carry the
spellings that the JSON report, the dry run and the state database use, so they stay stable.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zotsync.documents import ParseResult
    from zotsync.match import LibraryIndex


class Action(StrEnum):
    """What the plan decided for one item or collection."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP_DELETED = "skip_deleted"


class How(StrEnum):
    """How a work was tied to its Zotero key."""

    STATE = "state"  # the state database knows the source identity
    MARKER = "marker"  # a ``zotsync: <source>`` line in the item's Extra
    MATCH = "match"  # an item already in the library, found by identifier or title (adopted)
    MERGED = "merged"  # the user merged the item in Zotero: followed to the survivor
    NEW = "new"


class Status(StrEnum):
    """What the state database records for an item zotsync manages."""

    PENDING = "pending"  # a create was sent; its answer not yet seen
    SYNCED = "synced"
    DELETED = "deleted"  # deleted or trashed in Zotero: never recreated


class Result(StrEnum):
    """What apply did with one plan entry: the ``action`` of the JSON report's items."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Parsed:
    """One item found in a document, before schema fit.

    ``source`` is the stable source identity (``iris:hdl.handle.net/2434/421906``,
    ``vufind:pubmed-4941163``, ...). ``cited_by`` names the source identity of
    the paper whose reference list this item came from: the sync engine turns
    it into a ``dc:relation``, so it never enters the Zotero fields.
    """

    source: str
    item: dict[str, Any]
    origin: str
    cited_by: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Work:
    """One work, from one or more parsed records (``sources`` in document order)."""

    sources: list[str]
    item: dict[str, Any]
    origins: list[str]
    cited_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)  # names of the collections to file the item in

    @property
    def label(self) -> str:
        return self.sources[0]


@dataclass(frozen=True)
class Matched:
    """A work and the Zotero key it will live under."""

    work: Work
    key: str
    how: How


@dataclass
class Managed:
    """An item zotsync manages, as the state database records it."""

    key: str
    status: Status
    version: int | None
    pristine: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """Everything the plan reads: the state and the mirrored library, as of the start of the run."""

    sources: Mapping[str, str]
    managed: Mapping[str, Managed]
    mirror: Mapping[str, dict[str, Any]]
    library_uri: str
    collections: Mapping[str, str] = field(default_factory=dict)  # collection name -> key, known to exist
    filed: Mapping[str, str] = field(default_factory=dict)  # collection name -> key zotsync last filed into
    deleted: Set[str] = field(default_factory=frozenset)  # keys the library reports as permanently deleted
    # item URI -> key of the item that replaces it (dc:replaces), from the stored match keys;
    # None: found in ``mirror`` when asked (a snapshot made by hand)
    survivors: Mapping[str, str] | None = None
    # the library's match index, loaded when first asked; None: built from ``mirror`` when needed
    index: LibraryIndex | None = None


@dataclass
class PlanEntry:
    action: Action
    work: Work
    key: str
    version: int
    desired: dict[str, Any]
    changes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    how: How = How.STATE
    note: str = ""
    children: list[dict[str, Any]] = field(default_factory=list)  # child notes created with the item
    pristine: dict[str, Any] | None = None  # the copy last pushed, when the decision was three-way

    @property
    def payload(self) -> dict[str, Any]:
        if self.action == Action.CREATE:
            return {**self.desired, "key": self.key, "version": 0}
        return {**self.changes, "key": self.key, "version": self.version}


@dataclass(frozen=True)
class CollectionEntry:
    """A collection the plan files items in: created (``CREATE``) or already there (``UNCHANGED``)."""

    name: str
    key: str
    action: Action
    note: str = ""  # said in the report (a collection the user deleted, made again)


@dataclass
class Plan:
    entries: list[PlanEntry] = field(default_factory=list)
    collections: list[CollectionEntry] = field(default_factory=list)

    @property
    def writes(self) -> int:
        """Plan entries that need a write (for progress)."""
        return sum(1 for e in self.entries if e.action in {Action.CREATE, Action.UPDATE})


@dataclass
class Outcome:
    entry: PlanEntry
    action: Result
    error: str = ""


@dataclass
class Applied:
    outcomes: list[Outcome] = field(default_factory=list)
    library_version: int | None = None


@dataclass
class RunResult:
    parsed: ParseResult
    plan: Plan
    applied: Applied | None
    requests: int = 0
    notices: list[str] = field(default_factory=list)  # said once in the report (a library reset, a state rebuilt)

    @property
    def entries(self) -> list[PlanEntry]:
        return self.plan.entries
