"""Command line: thin click commands over the stages; one place maps errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from zotsync import __version__
from zotsync.documents import ParseResult, parse_paths
from zotsync.errors import ZotsyncError
from zotsync.sources import kinds

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a ZotsyncError into one line on stderr and its exit code; no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ZotsyncError as exc:
            click.echo(f"zotsync: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="zotsync")
def main() -> None:
    """Get bibliographic records into Zotero and keep them there."""


def report_parse_problems(result: ParseResult) -> None:
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of Zotero item data.")
@click.option("--format", "kind", type=click.Choice(kinds()), help="Force one source kind.")
@handle_errors
def parse(paths: tuple[str, ...], as_json: bool, kind: str | None) -> None:
    """Parse documents into Zotero items (no network)."""
    result = parse_paths(list(paths), kind)
    report_parse_problems(result)
    if as_json:
        click.echo(json.dumps([p.item for p in result.parsed], ensure_ascii=False, indent=2))
    else:
        for p in result.parsed:
            creators = p.item.get("creators") or [{}]
            who = creators[0].get("lastName") or creators[0].get("name") or ""
            click.echo(f"{p.item['itemType']:<16} {p.item.get('date', ''):<10} {who[:20]:<20} {p.item.get('title', '')[:70]}")
    if not result.parsed:
        if not result.errors:
            click.echo("error: no documents found", err=True)
        sys.exit(2)
