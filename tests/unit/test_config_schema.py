"""The config file is checked against its schema: one line naming the wrong key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from zotsync.config_schema import check
from zotsync.errors import ConfigError


@pytest.mark.parametrize(("toml", "message"), [
    ('sources = "~/papers"', "sources: must be a list, not str '~/papers'"),
    ('[sources]\npaths = ["a"]', "sources: must be a list, not dict"),
    ('[[sources]]\npaths = "~/papers"', "sources[0].paths: must be a list, not str '~/papers'"),
    ('[[sources]]\npaths = ["a"]\ntags = "mine"', "sources[0].tags: must be a list, not str 'mine'"),
    ('[[sources]]\npaths = ["a"]\ncolection = "x"', "sources[0]: unknown key 'colection' (known: collection,"),
    ('[[sources]]\ncollection = "x"', "sources[0]: says nothing to sync"),
    ('state_dir = ["a"]', "state_dir: must be a string, not list"),
    ('library = "user:abc"', "library: 'user:abc' does not match"),
    ('api_url = "api.zotero.org"', "api_url: 'api.zotero.org' does not match"),
    ('[[sources]]\noai = {set = "x"}', "sources[0].oai: 'endpoint' is a required property"),
    ('libary = "user:1"', "top level: unknown key 'libary'"),
])
def test_a_wrong_key_is_named(toml, message):
    with pytest.raises(ConfigError) as caught:
        check(tomllib.loads(toml), "config.toml")
    assert str(caught.value).startswith("config.toml: ") and message in str(caught.value)


def test_a_full_config_passes():
    check(tomllib.loads('''
library = "user:1234567"
contact = "me@example.org"
[[sources]]
paths = ["~/papers/**/*.bib"]
collection = "LaTeX projects"
tags = ["from-bibtex"]
[[sources]]
oai = {endpoint = "https://air.unimi.it/oai/request", set = "col_2434_1", from = "2020-01-01"}
[[sources]]
doi = ["10.1126/science.169.3946.635"]
[[sources]]
semanticscholar = {paper = "2d5673caa9e6af3a7b82a43f19ee920992db07ad", references = true}
[[sources]]
url = "https://air.unimi.it/handle/2434/421906"
'''), "config.toml")


def test_the_shipped_example_config_is_valid():
    example = Path(__file__).resolve().parents[2] / "contrib" / "config.example.toml"
    check(tomllib.loads(example.read_text()), str(example))
