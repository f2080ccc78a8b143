"""Repository type values (``dc.type``, ``oaire:resourceType``, OpenAIRE instance types) to Zotero item types.

The vocabularies are the ones DSpace and OpenAIRE records use: DSpace's submission
types ("Article", "Book chapter", "Working Paper"), the info:eu-repo semantics and
eprint type URIs, the COAR resource types (ids and labels, as in
../shared/labels/dspace.json ``types``) and the OpenAIRE stored values. A record often
carries a generic value ("Article", "Text") beside a specific one; ``best_type``
lets the specific one win.

>>> best_type(["Article", "http://purl.org/eprint/type/ConferencePaper"])
('conferencePaper', '')
>>> best_type(["info:eu-repo/semantics/book", "info:eu-repo/semantics/publishedVersion"])
('book', '')
>>> best_type(["Working Paper"]), best_type(["dizertační práce"])
(('report', 'Working Paper'), ('thesis', 'dizertační práce'))
"""

from __future__ import annotations

import re

from zotsync.sources.repository_types import type_from_label

GENERIC = 1
SPECIFIC = 2
# label (lower case, as stored or displayed) -> (itemType, how specific, whether the label is a type-field value)
LABELS: dict[str, tuple[str, int, bool]] = {}
for _type, _strength, _keep, _labels in [
    ("journalArticle", GENERIC, False, "article|text|contribution to journal|contributiontoperiodical|scholarlytext"),
    ("journalArticle", SPECIFIC, False, "journal article|journalarticle|submittedjournalarticle|research article|"
                                        "review article|data paper|software paper|editorial|corrigendum|letter to the editor|"
                                        "review|book review|article in journal|articolo in rivista"),
    ("bookSection", SPECIFIC, False, "book chapter|book part|bookpart|bookitem|part of book or chapter of book|chapter|"
                                     "book section|contributo in volume|capitolo di libro"),
    ("book", SPECIFIC, False, "book|monograph|monografia|libro|edited book"),
    ("conferencePaper", SPECIFIC, False, "conference paper|conferencepaper|conference object|conferenceobject|"
                                         "conference output|conference contribution|conferenceitem|conference proceedings|"
                                         "conferenceproceedings|conference paper not in proceedings|contributo in atti di convegno"),
    ("presentation", SPECIFIC, True, "lecture|conference poster|conferenceposter|conference poster not in proceedings|"
                                     "presentation|poster"),
    ("thesis", SPECIFIC, False, "thesis|bachelor thesis|bachelorthesis|master thesis|masterthesis|doctoral thesis|"
                                "doctoralthesis|dissertation|phd thesis"),
    ("report", SPECIFIC, True, "technical report|working paper|workingpaper|research report|policy report|"
                               "project deliverable|memorandum|technical documentation|report"),
    ("preprint", SPECIFIC, False, "preprint"),
    ("dataset", SPECIFIC, False, "dataset"),
    ("computerProgram", SPECIFIC, False, "software|research software"),
    ("map", SPECIFIC, False, "map|cartographic material"),
    ("videoRecording", SPECIFIC, False, "video|moving image"),
    ("audioRecording", SPECIFIC, False, "sound|recording, acoustical|recording, musical|recording, oral"),
    ("patent", SPECIFIC, False, "patent"),
    ("letter", SPECIFIC, False, "letter"),
    ("manuscript", SPECIFIC, False, "manuscript"),
    ("newspaperArticle", SPECIFIC, False, "newspaper article"),
    ("magazineArticle", SPECIFIC, False, "magazine article"),
    ("artwork", SPECIFIC, False, "image|still image|image, 3-d|plan or blueprint"),
]:
    for _label in _labels.split("|"):
        LABELS[_label] = (_type, _strength, _keep)
# COAR resource type ids (http://purl.org/coar/resource_type/<id>) -> label above
COAR = {
    "c_18cf": "text", "c_2f33": "book", "c_3248": "book part", "c_c94f": "conference output",
    "c_18cp": "conference paper not in proceedings", "c_18co": "conference poster not in proceedings",
    "c_f744": "conference proceedings", "c_5794": "conference paper", "c_6670": "conference poster",
    "c_6501": "journal article", "c_b239": "editorial", "c_7acd": "corrigendum", "c_beb9": "data paper",
    "c_2df8fbb1": "research article", "c_dcae04bc": "review article", "c_7bab": "software paper",
    "c_545b": "letter to the editor", "c_8544": "lecture", "c_0857": "letter", "c_0040": "manuscript",
    "c_998f": "newspaper article", "c_816b": "preprint", "c_93fc": "report", "c_186u": "policy report",
    "c_18op": "project deliverable", "c_18ws": "research report", "c_18gh": "technical report",
    "c_71bd": "technical documentation", "c_46ec": "thesis", "c_7a1f": "bachelor thesis", "c_db06": "doctoral thesis",
    "c_bdcc": "master thesis", "c_8042": "working paper", "c_efa0": "review", "c_ba08": "book review",
    "c_ddb1": "dataset", "c_5ce6": "software", "c_12cc": "cartographic material", "c_12cd": "map",
    "c_12ce": "video", "c_18cc": "sound", "c_15cd": "patent", "c_18wz": "memorandum",
}
# a Czech/Slovak/Polish thesis label ("diplomová práce", "praca magisterska"), Portuguese/Spanish/Italian/German ones
THESIS_WORDS = re.compile(r"\b(?:bakalářsk|diplomov|dizertačn|disertačn|rigorózn|habilitačn|závěrečn)\w*\s+práce\b|"
                          r"\bpraca\s+(?:magisterska|doktorska|licencjacka|dyplomowa)\b|\bdissertação\b|\btese\b|"
                          r"\btesis\b|\btesi\b|\bhochschulschrift\b|\bdissertation\b|\bdoktorarbeit\b|\bmasterarbeit\b",
                          re.I)
VERSION_VALUE = re.compile(r"version$|^info:eu-repo/semantics/(?:draft|submitted|accepted|published|updated)", re.I)


def classify(value: str) -> tuple[str, int, str] | None:
    """(itemType, specificity, type-field label) for one type value, or None when it names no type."""
    raw = " ".join(value.split())
    if not raw or VERSION_VALUE.search(raw):
        return None
    coar = re.search(r"coar/resource_type/(c_[0-9a-f]+)", raw)
    key = COAR.get(coar.group(1), "") if coar else re.sub(r"^.*[/#]", "", raw) if "/" in raw else raw
    key = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key).lower() if key.isalpha() and not key.islower() else key.lower()
    hit = LABELS.get(key) or LABELS.get(key.replace(" ", ""))
    if hit:
        item_type, strength, keep = hit
        return item_type, strength, raw if keep and "/" not in raw else ""
    if THESIS_WORDS.search(raw):
        return "thesis", SPECIFIC, raw
    found = type_from_label(raw)
    if found:
        return found[0], GENERIC, ""
    return None


def best_type(values: list[str]) -> tuple[str, str] | None:
    """The most specific (itemType, label) among a record's type values; the first wins a tie."""
    best: tuple[str, int, str] | None = None
    for value in values:
        hit = classify(value)
        if hit and (best is None or hit[1] > best[1]):
            best = hit
    return (best[0], best[2]) if best else None
