"""The mirror's JSON: orjson's speed, the standard library's results."""

from __future__ import annotations

import json

import pytest

from zotsync import jsontext

ITEM = {"key": "ABCD2345", "title": "Storia della lingua — ů ñ 漢字", "creators": [{"lastName": "De Luca"}],
        "version": 12, "deleted": False, "relations": {}}


def test_what_it_writes_reads_back_as_the_standard_library_reads_it() -> None:
    text = jsontext.dumps(ITEM)
    assert "漢字" in text and "\\u" not in text  # non-ASCII kept as is
    assert json.loads(text) == jsontext.loads(text) == ITEM


def test_what_orjson_refuses_gives_what_json_gives() -> None:
    lone = '{"title": "broken \\ud800 text", "n": 123456789012345678901234567890}'
    assert jsontext.loads(lone) == json.loads(lone)  # a lone surrogate escape, an integer past 64 bits
    value = json.loads(lone)
    assert json.loads(jsontext.dumps(value)) == value


def test_text_that_is_not_json_fails_with_the_position_json_names() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        jsontext.loads(b'{"a": "unterminated')
    assert caught.value.pos == 6
