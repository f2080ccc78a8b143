"""Settings, in one place: flags > environment > config file > defaults, read once, validated, frozen.

Every ``ZOTSYNC_*`` variable is read here and nowhere else (the API key is the secrets store's).
``resolve`` gives the frozen ``Settings`` a command runs with; the TOML config file lists the
sources for cron use. Light imports only: ``zotsync --help`` must stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zotsync.config_schema import check
from zotsync.errors import ConfigError
from zotsync.library.base import DEFAULT_API_URL

if TYPE_CHECKING:
    from zotsync.fetch.targets import Target

APP = "zotsync"


def default_config_path() -> Path:
    import platformdirs  # imported when a default is needed: not every command pays for it

    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


@dataclass(frozen=True)
class Source:
    """One configured source: paths and live targets, and what to do with their items."""

    paths: list[str]
    collection: str | None = None
    tags: list[str] = field(default_factory=list)
    kind: str | None = None
    targets: tuple[Target, ...] = ()  # live sources: DOIs, papers, OAI-PMH sets, record pages
    sentence_case: bool = False  # BibTeX titles in sentence case (as Better BibTeX imports them)


@dataclass(frozen=True)
class Environment:
    """The ``ZOTSYNC_*`` variables, read once; empty strings count as unset."""

    library: str = ""
    api_url: str = ""
    state_dir: str = ""
    max_wait: float = 60.0  # ZOTSYNC_MAX_WAIT: cap on one wait for the server, seconds
    retry_budget: float = 300.0  # ZOTSYNC_RETRY_BUDGET: cap on all waiting for one request
    timeout: float = 30.0  # ZOTSYNC_TIMEOUT: per request
    doi_resolver: str = ""  # ZOTSYNC_DOI_RESOLVER: another doi.org (a mirror, or a test server)
    s2_api: str = ""  # ZOTSYNC_S2_API: another Semantic Scholar Graph API base
    sandbox_key: str = ""  # ZOTSYNC_SANDBOX_KEY: the key `zotsync sandbox` expects (kept out of `ps`)

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Environment:
        env = os.environ if environ is None else environ
        return cls(env.get("ZOTSYNC_LIBRARY", ""), env.get("ZOTSYNC_API_URL", ""), env.get("ZOTSYNC_STATE_DIR", ""),
                   _seconds(env, "ZOTSYNC_MAX_WAIT", cls.max_wait), _seconds(env, "ZOTSYNC_RETRY_BUDGET", cls.retry_budget),
                   _seconds(env, "ZOTSYNC_TIMEOUT", cls.timeout), _url(env, "ZOTSYNC_DOI_RESOLVER"), _url(env, "ZOTSYNC_S2_API"),
                   env.get("ZOTSYNC_SANDBOX_KEY", "").strip())


def _url(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip().rstrip("/")
    if raw and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http(s) URL, not {raw!r}")
    return raw


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    library: str = ""
    api_url: str = DEFAULT_API_URL
    state_dir: Path = field(default_factory=default_state_dir)
    sources: tuple[Source, ...] = ()
    collection: str | None = None
    max_wait: float = Environment.max_wait
    retry_budget: float = Environment.retry_budget
    timeout: float = Environment.timeout
    contact: str = ""  # an e-mail address for the services that ask for one (Crossref's polite pool)
    offline: bool = False  # live sources from the cache only
    doi_resolver: str = "https://doi.org"
    s2_api: str = "https://api.semanticscholar.org/graph/v1"

    @property
    def sandbox(self) -> bool:
        return self.library == "sandbox"

    def state_path(self, library_kind: str, library_id: int) -> Path:
        """One state database per (server, library)."""
        host = "sandbox" if self.sandbox else self.api_url.split("://", 1)[-1].split("/", 1)[0]
        return self.state_dir / f"{host}-{library_kind}-{library_id}.sqlite"


Config = Settings  # the earlier name


def load_config(path: Path | None, explicit: bool) -> dict[str, Any]:
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return {}
    import tomllib  # only commands that read a config file pay for the TOML parser

    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    check(raw, str(path))
    return raw


def sources_from(raw: dict[str, Any], origin: str) -> list[Source]:
    """The config's [[sources]] (already checked against the schema)."""
    out = []
    for i, entry in enumerate(raw.get("sources", [])):
        paths = entry.get("paths") or ([entry["path"]] if "path" in entry else [])
        # patterns stay patterns: the walk expands them, scoping each file by the pattern's folder
        out.append(Source([str(p) for p in paths], entry.get("collection"),
                          [str(t) for t in entry.get("tags", [])], entry.get("format"),
                          live_targets(entry, f"{origin}: sources[{i}]"), bool(entry.get("sentence_case", False))))
    return out


def live_targets(entry: dict[str, Any], where: str) -> tuple[Target, ...]:
    from zotsync.fetch.targets import DoiTarget, OaiTarget, s2_target, target_of

    targets: list[Target] = []
    for url in [*([entry["url"]] if "url" in entry else []), *entry.get("urls", [])]:
        target = target_of(url)
        if target is None:
            raise ConfigError(f"{where}: {url!r} is not a page zotsync can fetch (a DOI, a repository handle page, "
                              "a VuFind record, a Semantic Scholar paper)")
        targets.append(target)
    dois = entry.get("doi", [])
    targets += [DoiTarget(_doi(d, where)) for d in ([dois] if isinstance(dois, str) else dois)]
    if oai := entry.get("oai"):
        targets.append(OaiTarget(oai["endpoint"], oai.get("set", ""), oai.get("from", ""), oai.get("metadata_prefix", "oai_dc")))
    if s2 := entry.get("semanticscholar"):
        try:
            targets.append(s2_target(s2["paper"], s2.get("references", True)))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return tuple(targets)


def _doi(value: str, where: str) -> str:
    from zotsync.ids import clean_doi

    doi = clean_doi(value)
    if not doi:
        raise ConfigError(f"{where}: {value!r} is not a DOI")
    return doi


def command_line_source(args: tuple[str, ...], kind: str | None, sentence_case: bool = False) -> Source:
    """PATHs, URLs and DOIs given on the command line: each argument is a live source or a path."""
    from zotsync.fetch.targets import target_of

    targets = [(arg, target_of(arg)) for arg in args]
    return Source([arg for arg, t in targets if t is None], None, [], kind, tuple(t for _, t in targets if t is not None),
                  sentence_case)


def _cased(sources: tuple[Source, ...], sentence_case: bool) -> tuple[Source, ...]:
    if not sentence_case:
        return sources
    from dataclasses import replace

    return tuple(replace(source, sentence_case=True) for source in sources)


def api_url_from(flag: str | None, env: Environment | None = None) -> str:
    """The API base URL for commands without a config file (login, logout)."""
    return checked_url(flag or (env or Environment.read()).api_url or DEFAULT_API_URL)


def checked_url(url: str) -> str:
    """An http(s) URL with a host, else ConfigError: pyzotero would take a bare host for a local path."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"the API URL must start with https:// (or http://) and name a host, not {url!r}")
    return url.rstrip("/")


def resolve(config_path: str | None, library: str | None, api_url: str | None, state_dir: str | None,
            paths: tuple[str, ...], collection: str | None, kind: str | None, need_sources: bool = True,
            env: Environment | None = None, offline: bool = False, retry_budget: float | None = None,
            sentence_case: bool = False) -> Settings:
    """The settings of one command, from its flags, the environment and the config file.

    ``sentence_case`` (the flag) turns sentence case on for every source, configured or given."""
    env = env or Environment.read()
    raw = load_config(Path(config_path) if config_path else None, explicit=bool(config_path))
    origin = config_path or str(default_config_path())
    chosen_library = library or env.library or str(raw.get("library", ""))
    chosen_dir = state_dir or env.state_dir or raw.get("state_dir")
    settings = Settings(
        library=chosen_library,
        api_url=checked_url(api_url or env.api_url or str(raw.get("api_url", DEFAULT_API_URL))),
        state_dir=Path(os.path.expanduser(str(chosen_dir))) if chosen_dir else default_state_dir(),
        sources=_cased((command_line_source(paths, kind),) if paths else tuple(sources_from(raw, origin)), sentence_case),
        collection=collection, max_wait=env.max_wait, retry_budget=retry_budget or env.retry_budget, timeout=env.timeout,
        contact=str(raw.get("contact", "")), offline=offline,
        doi_resolver=env.doi_resolver or Settings.doi_resolver, s2_api=env.s2_api or Settings.s2_api)
    if not settings.library:
        raise ConfigError("no library: pass --library user:ID|group:ID|sandbox or set 'library' in the config file")
    if need_sources and not settings.sources:
        raise ConfigError(f"nothing to sync: pass PATHS or list [[sources]] in {origin}")
    return settings
