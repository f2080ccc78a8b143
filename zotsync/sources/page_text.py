"""The visible part of a saved record page, read only for what no embedded standard gives.

A record page shows its details as labelled rows (``<th>Label:</th><td>value</td>``,
``<dt>``/``<dd>``). Only a few labels are read, in the interface languages catalogues
use: the imprint (`Veröffentlicht: Salzburg: Residenz-Verl., 1993` -> place, publisher,
year), the extent (`Umfangsangaben: 301 S.` -> numPages) and the format; the summary
shown under the title (``.abstract``) gives the abstract. Rows of other tables
(holdings, similar items) have other labels and are not read. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from zotsync.sources import coins, partial
from zotsync.sources.embedded import label_type
from zotsync.sources.partial import Partial
from zotsync.text import squash

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

IMPRINT = {"published", "publisher", "publication", "imprint", "veröffentlicht", "erschienen", "verlag", "impressum",
           "publicado", "publicación", "editorial", "pubblicazione", "pubblicato", "editore", "publié", "édition",
           "publicação", "publicacao", "editora"}
EXTENT = {"physical description", "extent", "umfangsangaben", "umfang", "physische beschreibung", "kollation",
          "descripción física", "descripcion fisica", "descrizione fisica", "description physique",
          "descrição física"}
FORMAT = {"format", "medientyp", "medienart", "formato", "type", "tipo", "typ", "dokumenttyp"}
ISBD_IMPRINT = re.compile(
    r"^(?P<place>[^:;,\d]{2,60}?)\s*:\s*(?P<publisher>[^:;]{2,120}?)\s*(?:,\s*(?:c|©)?\[?(?P<year>1[5-9]\d\d|20\d\d)\]?)?"
    r"\s*[.,]?$")


def read(soup: BeautifulSoup) -> Partial:
    """Imprint, extent, format and summary from the page's labelled rows."""
    rows = _rows(soup)
    part = Partial("page")
    imprint = ISBD_IMPRINT.match(rows.get("imprint", ""))
    if imprint:
        part.set("place", imprint.group("place"))
        part.set("publisher", imprint.group("publisher").rstrip(" ,"))
        part.set("date", imprint.group("year") or "")
    part.set("numPages", partial.num_pages(rows.get("extent", "")))
    words = rows.get("format", "")
    if words and not coins.PERIODICAL.search(words):
        part.item_type = label_type(words)
        part.type_label = words
    summary = soup.select_one(".abstract, .summary, [itemprop=description], [property=description]")
    if summary is not None:
        part.set("abstractNote", _summary(summary))
    return part


def _rows(soup: BeautifulSoup) -> dict[str, str]:
    """The first value of each known label among the page's label/value rows."""
    out: dict[str, str] = {}
    for label in soup.find_all(["th", "dt"]):
        value = label.find_next_sibling(["td", "dd"])
        if value is None:
            continue
        key = squash(label.get_text(" ")).rstrip(": ").lower()
        kind = "imprint" if key in IMPRINT else "extent" if key in EXTENT else "format" if key in FORMAT else ""
        if kind and kind not in out:
            out[kind] = squash(value.get_text(" "))
    return out


def _summary(node: Tag) -> str:
    """The summary's first paragraph, without the link to the full description."""
    paragraph = node.find("p") or node
    text = squash(paragraph.get_text(" "))
    text = re.sub(r"\s*(?:\.\.\.|…)$", "", text)  # the catalogue's own cut: the marker is not text
    return text if len(text) > 40 else ""
