"""What a run tells people and scripts: the dry-run table, the summary, and the JSON report.

Reads only the model (``RunResult``, ``Plan``, ``Outcome``); the words it prints are the enums' values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zotsync.errors import StateError
from zotsync.model import Action, How, Outcome, Plan, PlanEntry, Result, RunResult
from zotsync.plan import UNKNOWN_BASE

DRY_WORDS = {Action.CREATE: "create", Action.UPDATE: "update", Action.UNCHANGED: "unchanged",
             Action.SKIP_DELETED: "skip"}


def _title(entry: PlanEntry) -> str:
    return str(entry.work.item.get("title") or entry.work.label)


def dry_run_table(plan: Plan) -> str:
    entries = plan.entries
    rows = [("ACTION", "TYPE", "TITLE", "FIELDS")]
    rows += [("create", "collection", c.name[:60], "-") for c in plan.collections if c.action == Action.CREATE]
    for e in entries:
        if e.action == Action.UNCHANGED and not e.conflicts:
            continue  # counted below, not listed: a quiet library gives a short plan
        action = DRY_WORDS[e.action] + ("+conflict" if e.conflicts else "")
        fields = "all" if e.action == Action.CREATE else ", ".join(sorted(e.changes)) or "-"
        if e.conflicts:
            fields += f" (kept yours: {', '.join(e.conflicts)})"
        rows.append((action, e.work.item.get("itemType", ""), _title(e)[:60], fields))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}" for r in rows] if len(rows) > 1 else []
    counts = {k: sum(1 for e in entries if e.action == k) for k in DRY_WORDS}
    if not counts[Action.CREATE] and not counts[Action.UPDATE]:
        lines.append("Everything up-to-date.")
    else:
        lines.append(f"Would create {counts[Action.CREATE]}, update {counts[Action.UPDATE]}; "
                     f"{counts[Action.UNCHANGED]} unchanged, {counts[Action.SKIP_DELETED]} left deleted.")
    return "\n".join(lines)


def counts(result: RunResult) -> dict[str, int]:
    outcomes = result.applied.outcomes if result.applied else []
    tally = {"created": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "failed": 0, "skipped": 0}
    for outcome in outcomes:
        key = str(Result.UNCHANGED if outcome.action == Result.CONFLICT else outcome.action)
        tally[key] = tally.get(key, 0) + 1
        tally["conflicts"] += bool(outcome.entry.conflicts)
    tally["failed"] += len(result.parsed.errors)
    tally["unchanged"] += result.parsed.unchanged  # items of documents not read again: unchanged
    return tally


def _item(outcome: Outcome) -> dict[str, Any]:
    entry = outcome.entry
    row: dict[str, Any] = {"source": entry.work.label, "key": entry.key, "action": str(outcome.action),
                           "title": _title(entry)}
    if len(entry.work.sources) > 1:
        row["sources"] = entry.work.sources
    if entry.changes and outcome.action == Result.UPDATED:
        row["fields"] = sorted(entry.changes)
    if entry.conflicts:
        row["conflicts"] = entry.conflicts
    if entry.note:
        row["note"] = entry.note
    if outcome.error:
        row["error"] = outcome.error
    return row


def json_report(result: RunResult, dry_run: bool = False) -> dict[str, Any]:
    if dry_run:
        planned = {k: sum(1 for e in result.entries if e.action == k) for k in DRY_WORDS}
        unchanged = planned[Action.UNCHANGED] + result.parsed.unchanged
        report: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": unchanged,
                                  "conflicts": sum(1 for e in result.entries if e.conflicts), "failed": len(result.parsed.errors),
                                  "requests": result.requests, "dry_run": True,
                                  "items": [{"source": e.work.label, "key": e.key, "action": DRY_WORDS[e.action],
                                             "title": _title(e), "fields": sorted(e.changes)} for e in result.entries],
                                  "collections": [{"name": c.name, "key": c.key, "action": str(c.action)}
                                                  for c in result.plan.collections]}
    else:
        report = {**counts(result), "requests": result.requests,
                  "items": [_item(o) for o in (result.applied.outcomes if result.applied else [])]}
    report["parse_errors"] = [{"source": e.origin, "line": e.line, "error": e.message} for e in result.parsed.errors]
    if notices(result):
        report["notices"] = notices(result)
    return report


def notices(result: RunResult) -> list[str]:
    """What the run found and repaired, said once: a library reset, a state rebuilt, a collection made again."""
    made_again = [f"collection {c.name!r} was {c.note}" for c in result.plan.collections if c.note]
    rebuilt = [e for e in result.entries if e.how == How.MARKER]
    differ = sum(1 for e in rebuilt if e.desired.get(UNKNOWN_BASE))
    one = differ == 1
    kept = (f"; {differ} differ{'s' if one else ''} from {'its source' if one else 'their sources'}, and there "
            "the library's values are kept until the source changes them") if differ else ""
    found = [f"state rebuilt: {len(rebuilt)} item{'s' if len(rebuilt) != 1 else ''} zotsync made found by the "
             f"zotsync lines in their Extra{kept}"] if rebuilt else []
    return list(result.notices) + found + made_again


def failure_report(error: str, exit_code: int) -> dict[str, Any]:
    """The report of a run that stopped before it could plan or finish: nothing counted, the reason given."""
    return {"created": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "failed": 0, "skipped": 0, "requests": 0,
            "items": [], "parse_errors": [], "error": error, "exit_code": exit_code}


def write_report(path: str, report: dict[str, Any]) -> None:
    try:
        Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise StateError(f"cannot write the report {path}: {exc.strerror or exc}") from None


def summary(tally: dict[str, int], requests: int) -> str:
    if not (tally["created"] or tally["updated"] or tally["failed"] or tally["conflicts"]):
        return (f"Everything up-to-date: nothing to do ({tally['unchanged']} unchanged, "
                f"{tally['skipped']} left deleted; {_requests(requests)})")
    return (f"{tally['created']} created, {tally['updated']} updated, {tally['unchanged']} unchanged, "
            f"{tally['conflicts']} conflicts, {tally['skipped']} left deleted, {tally['failed']} failed "
            f"({_requests(requests)})")


def _requests(n: int) -> str:
    return f"{n} request" if n == 1 else f"{n} requests"


def trouble_lines(result: RunResult) -> list[str]:
    lines = [f"notice: {n}" for n in notices(result)] + [f"error: {e}" for e in result.parsed.errors]
    for outcome in result.applied.outcomes if result.applied else []:
        if outcome.error:
            lines.append(f"failed: {outcome.entry.work.label} ({_title(outcome.entry)[:60]}): {outcome.error}")
        if outcome.entry.conflicts:
            lines.append(f"conflict: {outcome.entry.key} ({_title(outcome.entry)[:60]}): kept your edit of "
                         f"{', '.join(outcome.entry.conflicts)}; the source changed it too")
    return lines


def parse_warnings(result: RunResult) -> list[str]:
    return [f"warning: {w}" for w in result.parsed.warnings]
