"""Settings from flags > environment > config file > defaults, and the TOML config for cron use."""

from __future__ import annotations

import glob
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from zotsync.errors import ConfigError
from zotsync.library.client import DEFAULT_API_URL

APP = "zotsync"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


@dataclass
class Source:
    """One configured source: paths, and what to do with its items."""

    paths: list[str]
    collection: str | None = None
    tags: list[str] = field(default_factory=list)
    kind: str | None = None


@dataclass
class Config:
    library: str = ""
    api_url: str = DEFAULT_API_URL
    state_dir: Path = field(default_factory=default_state_dir)
    sources: list[Source] = field(default_factory=list)
    collection: str | None = None


def load_config(path: Path | None, explicit: bool) -> dict[str, Any]:
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def expand(pattern: str) -> list[str]:
    expanded = os.path.expanduser(os.path.expandvars(pattern))
    matches = sorted(glob.glob(expanded, recursive=True))
    return matches or [expanded]


def sources_from(raw: dict[str, Any], origin: str) -> list[Source]:
    out = []
    for i, entry in enumerate(raw.get("sources", [])):
        paths = entry.get("paths") or ([entry["path"]] if "path" in entry else [])
        if not paths:
            raise ConfigError(f"{origin}: sources[{i}] has no 'paths'")
        out.append(Source([p for pattern in paths for p in expand(str(pattern))],
                          entry.get("collection"), list(entry.get("tags", [])), entry.get("format")))
    return out


def resolve(config_path: str | None, library: str | None, api_url: str | None, state_dir: str | None,
            paths: tuple[str, ...], collection: str | None, kind: str | None, need_sources: bool = True) -> Config:
    raw = load_config(Path(config_path) if config_path else None, explicit=bool(config_path))
    origin = config_path or str(default_config_path())
    cfg = Config()
    cfg.library = library or os.environ.get("ZOTSYNC_LIBRARY") or str(raw.get("library", ""))
    cfg.api_url = api_url or os.environ.get("ZOTSYNC_API_URL") or str(raw.get("api_url", DEFAULT_API_URL))
    chosen_dir = state_dir or os.environ.get("ZOTSYNC_STATE_DIR") or raw.get("state_dir")
    cfg.state_dir = Path(os.path.expanduser(str(chosen_dir))) if chosen_dir else default_state_dir()
    cfg.collection = collection
    cfg.sources = [Source(list(paths), None, [], kind)] if paths else sources_from(raw, origin)
    if not cfg.library:
        raise ConfigError("no library: pass --library user:ID|group:ID|sandbox or set 'library' in the config file")
    if need_sources and not cfg.sources:
        raise ConfigError(f"nothing to sync: pass PATHS or list [[sources]] in {origin}")
    return cfg
