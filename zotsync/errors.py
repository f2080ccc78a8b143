"""Exceptions; each carries what the CLI needs for one clear line and an exit code."""

from __future__ import annotations


class ZotsyncError(Exception):
    exit_code = 1


class ParseError(ZotsyncError):
    """A document (or one entry of it) could not be parsed; the run goes on."""

    exit_code = 2

    def __init__(self, message: str, origin: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.line = line

    def __str__(self) -> str:
        where = self.origin + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message


class ConfigError(ZotsyncError):
    exit_code = 2


class AuthError(ZotsyncError):
    exit_code = 3


class ServiceUnavailable(ZotsyncError):
    """The server stayed unavailable or rate-limited past the retry budget."""

    exit_code = 4


class LockHeld(ZotsyncError):
    exit_code = 5


class StateError(ZotsyncError):
    """The state directory cannot be written (read-only, full)."""

    exit_code = 2


class ServerAnswerError(ZotsyncError):
    """The server's answer is not what the Zotero API sends (not JSON, cut short, an HTML page, the
    wrong shape); the message names the request (method and path) and the problem, never the key."""

    exit_code = 4
