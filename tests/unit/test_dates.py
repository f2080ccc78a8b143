"""Dates as the sources write them, to the ISO forms Zotero stores."""

from __future__ import annotations

import pytest

from zotsync import dates, schema


@pytest.mark.parametrize(("text", "iso"), [
    ("July 13, 2016", "2016-07-13"), ("2016/7/13", "2016-07-13"), ("13 luglio 2016", "2016-07-13"),
    ("2016/07/13/", "2016-07-13"), ("2016///Summer", "2016"), ("2016/05//", "2016-05"), ("Spring 2016", "Spring 2016"),
])
def test_to_iso(text, iso):
    assert dates.to_iso(text) == iso


def test_a_ris_access_date_is_one_the_api_takes():
    item = schema.fit({"itemType": "webpage", "title": "A page", "accessDate": "2020/05/03/", "creators": [], "tags": []})
    assert item["accessDate"] == "2020-05-03" and "extra" not in item
