"""The systemd units in contrib/: a hung run is stopped, the timer (not the service) is enabled, units verify."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CONTRIB = Path(__file__).resolve().parents[2] / "contrib"


def units(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(CONTRIB / name)
    return parser


def test_the_service_is_bounded_and_started_only_by_the_timer():
    service = units("zotsync.service")
    assert service["Service"]["Type"] == "oneshot" and service["Service"]["TimeoutStartSec"] == "2h"
    assert "RuntimeMaxSec" not in service["Service"]  # ignored for Type=oneshot
    assert not service.has_section("Install")
    assert units("zotsync.timer")["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_units_verify_clean(tmp_path):
    home = tmp_path / "home"
    user_units = home / ".config" / "systemd" / "user"
    user_units.mkdir(parents=True)
    for name in ("zotsync.service", "zotsync.timer"):
        shutil.copy(CONTRIB / name, user_units / name)
    program = home / "zotsync" / ".venv" / "bin" / "zotsync"  # where the README's install puts it
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_RUNTIME_DIR": str(runtime)}
    proc = subprocess.run(["systemd-analyze", "--user", "verify", *(str(user_units / n) for n in
                                                                    ("zotsync.service", "zotsync.timer"))],
                          capture_output=True, text=True, env=env, timeout=60)
    if "Failed to initialize manager" in proc.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {proc.stderr.strip()}")
    assert proc.returncode == 0 and proc.stderr.strip() == "", proc.stderr
