"""Properties: whatever any parser emits passes fit and is valid for the schema; no input crashes a parser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zotsync import schema
from zotsync.errors import ParseError
from zotsync.sources import registry
from zotsync.sources.base import Document
from zotsync.sources.bibtex import parse_names

printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
name_part = st.text(st.characters(whitelist_categories=("Lu", "Ll"), whitelist_characters=" .-'{}"), max_size=30)


def fragments() -> st.SearchStrategy[str]:
    bits = st.sampled_from([
        "@article{k,\n title={", "author = {", " and ", "}\n}\n", "TY  - JOUR\n", "AU  - Doe, J\n", "ER  - \n",
        "[1]  A. Author,et al.  Title , 2001, Venue.\n", "_version_ 1\n", "author Doe, Jane\n",
        "Titolo: ", "Autori: Rossi, Mario\n", "Settore M-PSI/06\n", "https://hdl.handle.net/1/2\n",
        '[{"type": "book", "title": "', '"}]', "<meta name=\"citation_title\" content=\"", "\">",
        " / A. B. - In: C / [a cura di] D. - [s.l] : E, 2001. - pp. 1-2", "\u00a0", "{\\\"a}", "$^{2}$",
    ])
    return st.lists(st.one_of(bits, printable), max_size=20).map("".join)


@given(fragments(), st.sampled_from(sorted(registry())))
def test_every_parser_either_parses_validly_or_says_why(text, kind):
    parser = registry()[kind]
    try:
        found = parser.parse(text, Document("fuzz.txt"))
    except ParseError as exc:
        assert exc.message
        return
    for parsed in found:
        fitted = schema.fit(parsed.item)
        assert schema.validate(fitted) == []
        assert schema.fit(fitted) == fitted  # fit is idempotent


@given(st.dictionaries(st.sampled_from(sorted(schema.all_fields())), printable, max_size=12),
       st.sampled_from(schema.item_types()))
def test_fit_makes_any_item_valid(fields, item_type):
    fitted = schema.fit({"itemType": item_type, **fields})
    assert schema.validate(fitted) == []


@given(st.lists(name_part, min_size=1, max_size=6))
def test_bibtex_names_never_crash_and_never_lose_a_person(parts):
    names = parse_names(" and ".join(p for p in parts), "author")
    assert len(names) <= len(parts)
    for creator in names:
        assert creator.get("name") or creator.get("lastName")
