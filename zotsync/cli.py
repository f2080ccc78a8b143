"""Command line: thin click commands over the stages; one place maps errors to exit codes.

The options several commands share are defined once, at the top, as decorators. Heavy modules
(the parsers, pyzotero, the keyring, the sandbox) are imported inside the commands that use
them, so that ``zotsync --help`` stays quick.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zotsync import __version__, logs
from zotsync.config import Settings, api_url_from, resolve
from zotsync.errors import ConfigError, ZotsyncError
from zotsync.library.base import DEFAULT_API_URL

if TYPE_CHECKING:
    from zotsync.documents import ParseResult
    from zotsync.fetch.read import Fetch
    from zotsync.library.client import LibrarySpec, ZoteroClient
    from zotsync.model import RunResult
    from zotsync.state import State

F = TypeVar("F", bound=Callable[..., Any])


# ---------------------------------------------------------------- shared options


class SourceKind(click.ParamType):
    """A parser name, checked against the registry only when the option is given."""

    name = "kind"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from zotsync.sources import kinds

        if value not in kinds():
            self.fail(f"{value!r} is not one of {', '.join(kinds())}", param, ctx)
        return str(value)


def library_option(help_text: str = "user:ID, group:ID, or sandbox (the built-in local library).") -> Callable[[F], F]:
    return click.option("--library", help=help_text)


state_dir_option = click.option("--state-dir", type=click.Path(file_okay=False),
                                help="Where state lives [env ZOTSYNC_STATE_DIR].")
api_url_option = click.option("--api-url", help=f"Zotero API base URL [env ZOTSYNC_API_URL; default {DEFAULT_API_URL}].")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML config (for cron use).")
format_option = click.option("--format", "kind", type=SourceKind(), help="Force one source kind (a parser name).")
sentence_case_option = click.option("--sentence-case", is_flag=True,
                                    help="BibTeX titles in sentence case (braced text kept), as Better BibTeX imports them.")


def say(line: str) -> None:
    """Every line zotsync prints about trouble, in one style: ``zotsync: error: …``, ``zotsync: warning: …``."""
    click.echo(f"zotsync: {line}", err=True)


def handle_errors(func: F) -> F:
    """Turn a ZotsyncError into one line on stderr and its exit code; no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ZotsyncError as exc:
            logs.LOGGER.error("%s", exc)
            say(f"error: {exc}")
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            logs.LOGGER.warning("interrupted")
            say("interrupted; what landed is recorded, the next run finishes the job")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zotsync")
def main() -> None:
    """Get bibliographic records into Zotero and keep them there."""


def report_parse_problems(result: ParseResult, verbose: bool = False) -> None:
    for skipped in result.skipped if verbose else []:
        say(f"passed over: {skipped.path}: {skipped.reason}")
    for warning in result.warnings:
        say(f"warning: {warning}")
    for error in result.errors:
        say(f"error: {error}")


# ---------------------------------------------------------------- parse


verbose_option = click.option("-v", "--verbose", is_flag=True, help="Also say which files were passed over, and why.")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of Zotero item data.")
@format_option
@sentence_case_option
@verbose_option
@handle_errors
def parse(paths: tuple[str, ...], as_json: bool, kind: str | None, sentence_case: bool, verbose: bool) -> None:
    """Parse documents into Zotero items (no network)."""
    from zotsync.documents import parse_paths
    from zotsync.sources.base import Options

    result = parse_paths(list(paths), kind, options=Options(sentence_case=sentence_case))
    report_parse_problems(result, verbose)
    if as_json:
        click.echo(json.dumps([p.item for p in result.parsed], ensure_ascii=False, indent=2))
    else:
        for p in result.parsed:
            creators = p.item.get("creators") or [{}]
            who = creators[0].get("lastName") or creators[0].get("name") or ""
            click.echo(f"{p.item['itemType']:<16} {p.item.get('date', ''):<10} {who[:20]:<20} {p.item.get('title', '')[:70]}")
    if not result.parsed:
        if result.skipped and not result.errors:
            say(f"nothing to import: {len(result.skipped)} passed over (use --verbose to see why)")
            return
        if not result.errors:
            say("error: no documents found")
        sys.exit(2)


# ---------------------------------------------------------------- sync


@contextlib.contextmanager
def connect(cfg: Settings) -> Iterator[tuple[ZoteroClient, LibrarySpec, bool]]:
    """A client for the configured library; for ``sandbox``, a sandbox started in-process."""
    from zotsync.library.client import LibrarySpec, ZoteroClient
    from zotsync.library.transport import RetryPolicy
    from zotsync.secrets_store import get_api_key

    policy = RetryPolicy(max_wait=cfg.max_wait, budget=cfg.retry_budget)
    if cfg.sandbox:
        from zotsync.sandbox.local import SANDBOX_USER_ID, start_local

        server, key = start_local(cfg.state_dir)
        spec = LibrarySpec("user", SANDBOX_USER_ID)
        client = ZoteroClient(spec, key, server.url, policy, cfg.timeout)
        try:
            yield client, spec, True
        finally:
            client.close()
            server.stop()
        return
    spec = LibrarySpec.parse(cfg.library)
    client = ZoteroClient(spec, get_api_key(cfg.api_url), cfg.api_url, policy, cfg.timeout)
    try:
        yield client, spec, False
    finally:
        client.close()


class TerminalProgress:
    """A progress bar on stderr for long runs at a terminal; nothing under cron or --quiet."""

    MIN_WRITES = 100

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None

    def phase(self, text: str) -> None:
        """What the run is doing before it writes (reading, parsing, planning), at a terminal only."""
        if self.enabled:
            click.echo(f"zotsync: {text}…", err=True)

    def wait(self, wait: object) -> None:
        """A wait the server asked for (``waiting 30 s: the server asked (429)``), at a terminal only."""
        if self.enabled:
            click.echo(f"zotsync: {wait}", err=True)

    def start(self, total: int) -> None:
        if self.enabled and total >= self.MIN_WRITES:
            self.bar = click.progressbar(length=total, label="writing to Zotero", file=sys.stderr)
            self.bar.__enter__()

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _finish(result: RunResult, dry_run: bool, quiet: bool, json_path: str | None, verbose: bool = False) -> int:
    from zotsync import report

    for skipped in result.parsed.skipped if verbose else []:
        say(f"passed over: {skipped.path}: {skipped.reason}")
    data = report.json_report(result, dry_run)
    if json_path:
        report.write_report(json_path, data)
    trouble = report.trouble_lines(result)
    for line in trouble:
        logs.LOGGER.warning("%s", line)  # the log names each failed document and item
    if dry_run:
        click.echo(report.dry_run_table(result.plan))
        for line in trouble:
            say(line)
        return 2 if result.parsed.errors and result.parsed.no_records else 0
    tally = report.counts(result)
    logs.LOGGER.info("sync finished: %s", report.summary(tally, result.requests))
    for line in report.parse_warnings(result) if not quiet else []:
        say(line)
    for line in trouble:
        say(line)
    if not quiet:
        click.echo(report.summary(tally, result.requests))
    if result.parsed.errors and result.parsed.no_records:
        return 2
    return 1 if tally["failed"] else 0


@main.command(name="sync")
@click.argument("paths", nargs=-1, type=click.Path())
@library_option()
@click.option("--dry-run", is_flag=True, help="Print the plan and stop; nothing is written.")
@click.option("--full", is_flag=True, help="Read every document, also those unchanged since their records landed.")
@click.option("--json-report", "json_path", type=click.Path(dir_okay=False), help="Write counts and per-item outcomes.")
@click.option("--quiet", is_flag=True, help="Print nothing when all is well (for cron).")
@api_url_option
@state_dir_option
@click.option("--collection", help="File the items in this collection (created when missing).")
@config_option
@format_option
@sentence_case_option
@click.option("--offline", is_flag=True, help="Read live sources (DOIs, URLs, OAI-PMH) from the cache only.")
@verbose_option
@click.option("--retry-budget", type=click.FloatRange(min=0, min_open=True),
              help="Seconds a run may lose to an unavailable or rate-limiting server, waits included [env ZOTSYNC_RETRY_BUDGET; 300].")
@handle_errors
def sync_command(paths: tuple[str, ...], library: str | None, dry_run: bool, full: bool, json_path: str | None, quiet: bool,
                 api_url: str | None, state_dir: str | None, collection: str | None, config_path: str | None,
                 kind: str | None, sentence_case: bool, offline: bool, verbose: bool, retry_budget: float | None) -> None:
    """Bring a Zotero library in step with the documents under PATHS (or the configured sources).

    A PATH may also be a live source: a DOI, a repository item page (IRIS, DSpace: read by
    OAI-PMH), a VuFind record page, or a Semantic Scholar paper page (with its references).
    """
    from zotsync.lock import RunLock
    from zotsync.state import State

    with report_on_failure(json_path):
        cfg = resolve(config_path, library, api_url, state_dir, paths, collection, kind, offline=offline,
                      retry_budget=retry_budget, sentence_case=sentence_case)
        logs.setup(cfg.state_dir)
        with connect(cfg) as (client, spec, _):
            path = cfg.state_path(spec.kind, spec.id)
            with RunLock(path.with_suffix(".lock")):
                state = State(path)
                try:
                    result = _run(cfg, client, spec, state, dry_run, quiet, full)
                finally:
                    state.close()
    sys.exit(_finish(result, dry_run, quiet, json_path, verbose))


@contextlib.contextmanager
def report_on_failure(json_path: str | None) -> Iterator[None]:
    """A run that stops early still writes its --json-report: what stopped it and with which exit code."""
    try:
        yield
    except ZotsyncError as exc:
        _write_failure(json_path, str(exc), exc.exit_code)
        raise
    except KeyboardInterrupt:
        _write_failure(json_path, "interrupted", 130)
        raise


def _write_failure(json_path: str | None, error: str, exit_code: int) -> None:
    if json_path:
        from zotsync import report

        with contextlib.suppress(ZotsyncError):  # the error being reported is the one that matters
            report.write_report(json_path, report.failure_report(error, exit_code))


def _run(cfg: Settings, client: ZoteroClient, spec: LibrarySpec, state: State, dry_run: bool, quiet: bool,
         full: bool = False) -> RunResult:
    from zotsync.engine import sync

    logs.LOGGER.info("sync of %s started", spec)
    progress = TerminalProgress(quiet)
    client.transport.on_wait = progress.wait
    with live_sources(cfg, state) as fetch:
        try:
            return sync(list(cfg.sources), client, state, spec.uri, dry_run, progress, cfg.collection, fetch, full)
        finally:
            progress.close()


@contextlib.contextmanager
def live_sources(cfg: Settings, state: State) -> Iterator[Fetch | None]:
    """What fetches the live sources, when any source names one; its cache lives under the state dir."""
    if not any(source.targets for source in cfg.sources):
        yield None
        return
    from zotsync.engine import StateHarvestLog
    from zotsync.fetch.http import Fetcher
    from zotsync.fetch.read import live_reader
    from zotsync.fetch.run import Services
    from zotsync.library.transport import RetryPolicy

    fetcher = Fetcher(cfg.state_dir / "http-cache", RetryPolicy(max_wait=cfg.max_wait, budget=cfg.retry_budget),
                      cfg.contact, cfg.offline)
    try:
        yield live_reader(fetcher, StateHarvestLog(state), Services(cfg.doi_resolver, cfg.s2_api))
    finally:
        fetcher.close()


# ---------------------------------------------------------------- login / logout / status


@main.command()
@api_url_option
@handle_errors
def login(api_url: str | None) -> None:
    """Store a Zotero API key in the system keyring, after checking it with /keys/current.

    The key is asked for (hidden), or read from standard input when it is not a terminal
    (``pass show zotero | zotsync login``), or taken from ZOTERO_API_KEY: never from an
    argument, which every user of the machine could see in ``ps``.
    """
    from zotsync.library.client import LibrarySpec, ZoteroClient
    from zotsync.secrets_store import env_api_key, store_api_key

    api_url = api_url_from(api_url)
    key = env_api_key() or read_key()
    client = ZoteroClient(LibrarySpec("user", 0), key, api_url)
    try:
        info = client.key_info()
    finally:
        client.close()
    store_api_key(api_url, key)
    access = info.get("access", {})
    user = access.get("user", {})
    rights = ", ".join(k for k in ("library", "write", "notes", "files") if user.get(k)) or "none"
    click.echo(f"Logged in as {info.get('username')} (user:{info.get('userID')}); user library: {rights}")
    if "groups" in access:
        click.echo(f"Group access: {', '.join(sorted(access['groups']))}")
    if not user.get("write"):
        click.echo("warning: this key cannot write to your library; sync will fail with exit code 3", err=True)


def read_key() -> str:
    typed = str(click.prompt("Zotero API key", hide_input=True)) if sys.stdin.isatty() else sys.stdin.readline()
    key = typed.strip()
    if not key:
        raise ConfigError("no API key given (type it at the prompt, or pipe it to zotsync login)")
    return key


@main.command()
@api_url_option
@handle_errors
def logout(api_url: str | None) -> None:
    """Remove the stored API key from the system keyring."""
    from zotsync.secrets_store import delete_api_key

    click.echo("Key removed." if delete_api_key(api_url_from(api_url)) else "No key was stored.")


@main.command()
@library_option("user:ID, group:ID, or sandbox.")
@state_dir_option
@api_url_option
@config_option
@handle_errors
def status(library: str | None, state_dir: str | None, api_url: str | None, config_path: str | None) -> None:
    """Show the library, last sync, items tracked and failures pending (no network)."""
    from zotsync.library.client import LibrarySpec
    from zotsync.model import Status
    from zotsync.state import State

    cfg = resolve(config_path, library, api_url, state_dir, (), None, None, need_sources=False)
    spec = LibrarySpec("user", 1) if cfg.sandbox else LibrarySpec.parse(cfg.library)
    path = cfg.state_path(spec.kind, spec.id)
    if not path.exists():
        click.echo(f"library {cfg.library}: never synced (no state at {path})")
        return
    state = State(path)
    try:
        managed = state.managed()
        failures = list(state.failures())
        click.echo(f"library:        {cfg.library}")
        click.echo(f"last sync:      {state.get_meta('last_sync', 'never')}")
        click.echo(f"library version {state.library_version}")
        click.echo(f"items tracked:  {sum(1 for m in managed.values() if m.status == Status.SYNCED)}"
                   f" ({sum(1 for m in managed.values() if m.status == Status.DELETED)} deleted in Zotero)")
        click.echo(f"failures:       {len(failures)}")
        for source, message, at in failures:
            click.echo(f"  {at} {source}: {message}")
        problems = json.loads(state.get_meta("last_parse_errors", "[]"))
        click.echo(f"unreadable documents in the last run: {len({origin for origin, _ in problems})}")
        for _, line in problems:
            click.echo(f"  {line}")
    finally:
        state.close()


@main.command()
@library_option("user:ID, group:ID, or sandbox.")
@click.option("--rebuild", is_flag=True, help="Make the state again from the library's zotsync marker lines.")
@state_dir_option
@api_url_option
@config_option
@handle_errors
def check(library: str | None, rebuild: bool, state_dir: str | None, api_url: str | None, config_path: str | None) -> None:
    """Re-read the library and compare it with the state (exit 1 on a mismatch); --rebuild makes the state again."""
    from zotsync import check as checking
    from zotsync.lock import RunLock

    cfg = resolve(config_path, library, api_url, state_dir, (), None, None, need_sources=False)
    logs.setup(cfg.state_dir)
    with connect(cfg) as (client, spec, _):
        path = cfg.state_path(spec.kind, spec.id)
        if not path.exists() and not rebuild:
            click.echo(f"library {cfg.library}: never synced (no state at {path}); --rebuild makes one from the library")
            return
        with RunLock(path.with_suffix(".lock")):
            state = _open_state(path, rebuild)
            try:
                if rebuild:
                    links = checking.rebuild(client, state)
                    click.echo(f"state rebuilt from the library: {links} marker line(s) linked; the next sync "
                               "fills in the rest and keeps every edit made in Zotero")
                    return
                findings = checking.check(client, state)
            finally:
                state.close()
    for line in findings.lines():
        click.echo(line)
    for problem in findings.problems:
        say(f"warning: {problem}")
    if findings.problems:
        say("the next sync repairs this by itself; `zotsync check --rebuild` makes the state again from the library")
        sys.exit(1)
    click.echo("the state agrees with the library")


def _open_state(path: Path, rebuild: bool) -> State:
    """The state; for a rebuild, a damaged file is moved aside (``….damaged``) and a new one made."""
    from zotsync.errors import StateError
    from zotsync.state import State

    try:
        return State(path)
    except StateError:
        if not rebuild or not path.exists():
            raise
        aside = path.with_name(path.name + ".damaged")
        path.replace(aside)
        say(f"warning: the damaged state was moved to {aside}")
        return State(path)


@main.command()
@library_option("user:ID, group:ID, or sandbox.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@state_dir_option
@api_url_option
@config_option
@handle_errors
def show(library: str | None, as_json: bool, state_dir: str | None, api_url: str | None, config_path: str | None) -> None:
    """List what is in a library (the sandbox included), with what zotsync manages."""
    from zotsync import show as shown
    from zotsync.state import State

    cfg = resolve(config_path, library, api_url, state_dir, (), None, None, need_sources=False)
    with connect(cfg) as (client, spec, _):
        objects = client.all_items()
        path = cfg.state_path(spec.kind, spec.id)
        sources: dict[str, str] = {}
        if path.exists():
            state = State(path)
            try:
                sources = state.sources()
            finally:
                state.close()
    table = shown.rows(objects, sources)
    click.echo(shown.as_json(table) if as_json else shown.as_table(table))


# ---------------------------------------------------------------- sandbox


@main.command()
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
@click.option("--user-id", default=1, show_default=True, type=int)
@click.option("--api-key", help="The key clients must send (visible in ps: prefer ZOTSYNC_SANDBOX_KEY or --api-key-file).")
@click.option("--api-key-file", type=click.File("r"), help="A file whose first line is the key clients must send.")
@click.option("--group-id", "group_ids", multiple=True, type=int, help="A group library the key can use.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Keep the library here (default: in memory).")
@click.option("--no-rate-limit", is_flag=True, help="Turn off the real server's 100-burst, 10/s limit.")
@handle_errors
def sandbox(port: int, user_id: int, api_key: str | None, api_key_file: Any, group_ids: tuple[int, ...],
            data_dir: str | None, no_rate_limit: bool) -> None:
    """Serve the sandbox Zotero Web API on 127.0.0.1 until stopped."""
    from zotsync.config import Environment
    from zotsync.sandbox.app import Account
    from zotsync.sandbox.server import SandboxServer

    key = (api_key or (api_key_file.readline() if api_key_file else "") or Environment.read().sandbox_key).strip()
    if not key:
        raise ConfigError("the sandbox needs the key its clients will send: ZOTSYNC_SANDBOX_KEY, --api-key-file or --api-key")
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port must be between 0 and 65535, not {port}")
    try:
        server = SandboxServer(Account(user_id, key, groups=group_ids), Path(data_dir) if data_dir else None,
                               port, rate_limit=not no_rate_limit)
    except OSError as exc:
        where = f"the data dir {data_dir}" if data_dir and exc.filename else f"127.0.0.1:{port}"
        raise ConfigError(f"cannot serve the sandbox on {where}: {exc.strerror or exc}") from None
    click.echo(f"listening {server.url}")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.httpd.server_close()
        server.store.close()
