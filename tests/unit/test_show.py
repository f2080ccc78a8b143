"""`zotsync show`'s rows: top-level items by title, with the sources zotsync manages them for."""

from __future__ import annotations

import json

from zotsync.show import as_json, as_table, rows

LIBRARY = [
    {"key": "AAAA2222", "version": 3, "data": {"itemType": "book", "title": "The LaTeX Companion", "date": "1993",
                                               "creators": [{"lastName": "Goossens"}, {"lastName": "Mittelbach"}]}},
    {"key": "BBBB3333", "version": 4, "data": {"itemType": "journalArticle", "title": "Literate programming",
                                               "date": "1984-05", "creators": [{"lastName": "Knuth"}]}},
    {"key": "CCCC4444", "version": 5, "data": {"itemType": "note", "note": "<p>x</p>", "parentItem": "BBBB3333"}},
    {"key": "DDDD5555", "version": 6, "data": {"itemType": "webpage", "title": "A page", "deleted": 1}},
]


def test_rows_are_top_level_items_by_title_with_their_sources():
    table = rows(LIBRARY, {"bibtex:library.bib#knuth1984": "BBBB3333"})
    assert [(r.key, r.creator, r.year, r.sources) for r in table] == [
        ("DDDD5555", "", "", []),
        ("BBBB3333", "Knuth", "1984", ["bibtex:library.bib#knuth1984"]),
        ("AAAA2222", "Goossens et al.", "1993", []),
    ]


def test_table_and_json_say_what_zotsync_manages():
    table = rows(LIBRARY, {"bibtex:library.bib#knuth1984": "BBBB3333"})
    text = as_table(table)
    assert "bibtex:library.bib#knuth1984" in text and "(in the trash)" in text
    assert text.endswith("3 items, 1 managed by zotsync")
    assert json.loads(as_json(table))[1]["sources"] == ["bibtex:library.bib#knuth1984"]
    assert as_table([]) == "The library is empty."
