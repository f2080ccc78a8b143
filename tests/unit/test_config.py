"""Settings: flags over environment over config file, read once, validated, frozen."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from zotsync.config import Environment, resolve
from zotsync.errors import ConfigError


def test_flags_win_over_the_environment_and_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('library = "group:5"\napi_url = "http://file"\n[[sources]]\npaths = ["a.bib"]\ntags = ["t"]\n')
    env = Environment.read({"ZOTSYNC_LIBRARY": "user:7", "ZOTSYNC_API_URL": "http://env", "ZOTSYNC_TIMEOUT": "2.5"})
    settings = resolve(str(config), None, "http://flag", str(tmp_path / "st"), (), None, None, env=env)
    assert (settings.library, settings.api_url, settings.timeout) == ("user:7", "http://flag", 2.5)
    assert settings.sources[0].tags == ["t"] and settings.state_dir == tmp_path / "st"
    assert settings.state_path("user", 7) == tmp_path / "st" / "flag-user-7.sqlite"
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.library = "user:8"  # type: ignore[misc]


@pytest.mark.parametrize("value", ["soon", "-1", "0", "inf"])
def test_a_bad_number_of_seconds_is_one_clear_error(value: str) -> None:
    with pytest.raises(ConfigError, match="ZOTSYNC_MAX_WAIT must be a"):
        Environment.read({"ZOTSYNC_MAX_WAIT": value})


def test_a_source_entry_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('library = "user:1"\nsources = ["a.bib"]\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]: must be a table"):
        resolve(str(config), None, None, None, (), None, None, env=Environment())


def test_sentence_case_is_read_per_source_and_the_flag_sets_it_for_all(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('library = "user:1"\n[[sources]]\npaths = ["a.bib"]\nsentence_case = true\n'
                      '[[sources]]\npaths = ["b.bib"]\n')
    settings = resolve(str(config), None, None, None, (), None, None, env=Environment())
    assert [s.sentence_case for s in settings.sources] == [True, False]
    flagged = resolve(str(config), None, None, None, (), None, None, env=Environment(), sentence_case=True)
    assert [s.sentence_case for s in flagged.sources] == [True, True]
    given = resolve(str(config), None, None, None, ("c.bib",), None, None, env=Environment(), sentence_case=True)
    assert [(s.paths, s.sentence_case) for s in given.sources] == [(["c.bib"], True)]


def test_sentence_case_must_be_true_or_false(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('library = "user:1"\n[[sources]]\npaths = ["a.bib"]\nsentence_case = "yes"\n')
    with pytest.raises(ConfigError, match=r"sources\[0\]\.sentence_case: must be true or false"):
        resolve(str(config), None, None, None, (), None, None, env=Environment())
