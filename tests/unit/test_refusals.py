"""Per-object refusals: fixed before they are sent where fit can (a partial accessDate), otherwise
reported per item with the server's reason, the rest of the batch landing; never dropped silently."""

from __future__ import annotations

from pathlib import Path

from zotsync.apply import Applier
from zotsync.documents import ParseResult
from zotsync.engine import Source, sync
from zotsync.keys import key_deriver
from zotsync.library.memory import MemoryLibrary
from zotsync.library.mirror import refresh_mirror, snapshot
from zotsync.match import LibraryIndex, assign_keys
from zotsync.model import Result, RunResult, Work
from zotsync.plan import plan, replan
from zotsync.report import trouble_lines
from zotsync.state import State

URI = "http://zotero.org/users/1"


def test_partial_access_dates_are_fitted_and_land(tmp_path: Path) -> None:
    (tmp_path / "u.bib").write_text("@misc{urlyear,\n author={Webber, Wanda},\n title={A web page},\n year={2021},\n"
                                    " url={https://example.org/p},\n urldate={2021-05}\n}\n")
    (tmp_path / "y.ris").write_text("TY  - ELEC\nAU  - Webber, Wanda\nTI  - Another web page\nUR  - https://example.org/q\n"
                                    "Y2  - 2020\nER  - \n")
    library, state = MemoryLibrary(), State(Path(":memory:"))
    result = sync([Source([str(tmp_path)])], library, state, URI)
    assert result.applied is not None
    assert [(o.action, o.error) for o in result.applied.outcomes] == [(Result.CREATED, "")] * 2
    landed = {o.data["title"]: (o.data.get("accessDate"), o.data["extra"].splitlines()[0]) for o in library.lib.items.values()}
    assert landed == {"A web page": (None, "Accessed: 2021-05"), "Another web page": (None, "Accessed: 2020")}


def test_a_value_past_the_apis_limits_fails_its_item_by_name_and_the_rest_lands() -> None:
    huge = Work(["src:huge"], {"itemType": "book", "title": "A huge abstract", "abstractNote": "x" * 70000}, ["doc"])
    fine = Work(["src:fine"], {"itemType": "book", "title": "A fine book"}, ["doc"])
    library, state = MemoryLibrary(), State(Path(":memory:"))
    refresh_mirror(library, state)
    snap, derive = snapshot(state, URI, {}), key_deriver(URI)
    the_plan = plan(assign_keys([huge, fine], snap, LibraryIndex.from_mirror(snap.mirror), derive), snap, derive)
    applied = Applier(library, state, replan).run(the_plan)
    assert sorted(o.action for o in applied.outcomes) == [Result.CREATED, Result.FAILED]
    (line,) = trouble_lines(RunResult(ParseResult(), the_plan, applied))
    assert line.startswith("failed: src:huge (A huge abstract): 413: Abstract field value") and "too long" in line
    assert [source for source, _, _ in state.failures()] == ["src:huge"]
