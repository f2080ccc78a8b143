"""Classify a printed venue ("SIGIR '02", "VLC@ACL", "Inf. Process. Manag.", "ArXiv") as conference, journal or preprint.

The lexicon (``zotsync/data/venues.tsv.gz``, built by ``zotsync/data/venues_build.py``
from ``../shared/venues``: CORE, CCF, ACL Anthology and deadline lists for conferences;
JabRef and NLM for journals; see ``zotsync/data/venues_SOURCES.md``) holds normalised
keys only, loaded once on first use. A venue is tried as printed, then without a
trailing period, a year (`'02`, `2003`, `, 2003. Proceedings.`), a DBLP volume
(`(1)`), a `Workshops`/`Companion` suffix, as `X@Y` (a workshop at host Y), `A/B`
and `A-B` halves, and the part before ` : `. A key known as both a conference and a
journal (`HCI`) is ambiguous: the venue is then typed by its words, like a venue the
lexicon does not know. Nothing is guessed: a venue without telling words stays unknown.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from importlib import resources

CONFERENCE, JOURNAL, PREPRINT, UNKNOWN = "conference", "journal", "preprint", ""
DATA = "data/venues.tsv.gz"
CLASSES = {"c": CONFERENCE, "j": JOURNAL, "p": PREPRINT}
ORG_PREFIX = re.compile(r"^(?:(?:acm|ieee|usenix|siam|ifip|aaai|acl|acm/ieee|ieee/acm|ieee/cvf|ieee computer society|the)\s+)+",
                        re.I)
ORDINAL_WORDS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
HOST_SUFFIX = re.compile(r"^(.*\S)\s+(?:Workshops?|Companion|Adjunct|Posters?|Demos?|Extended Abstracts|"
                         r"Adjunct Proceedings|Workshop Proceedings)$")
PREPRINT_WORDS = re.compile(r"\b(arxiv|corr|biorxiv|medrxiv|chemrxiv|ssrn|research square|preprints?)\b", re.I)
PREPRINT_SERVER = re.compile(r"^(?:arxiv|corr|biorxiv|medrxiv|chemrxiv|ssrn|research square)\b", re.I)
REPOSITORIES = {"arxiv": "arXiv", "corr": "arXiv", "biorxiv": "bioRxiv", "medrxiv": "medRxiv", "chemrxiv": "ChemRxiv",
                "ssrn": "SSRN", "research square": "Research Square"}


def key(text: str) -> str:
    """Case-, accent-, dot- and punctuation-free key; `&` is `and`, a leading `the` dropped."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[^0-9a-z]+", " ", plain.replace("&", " and ").replace(".", " ")).strip()
    return plain[4:] if plain.startswith("the ") else plain


def key_noparen(text: str) -> str:
    return key(re.sub(r"\([^)]*\)", " ", text or ""))


def key_nosubtitle(text: str) -> str:
    return key_noparen(re.split(r"\s+:\s+|:\s+", text or "", maxsplit=1)[0])


def nodots(abbreviation: str) -> str:
    """`Inf. Process. Manag.` -> `Inf Process Manag`; `J.Am.` -> `J Am`."""
    return " ".join(re.sub(r"\.(?=\S)", " ", abbreviation or "").replace(".", "").split())


def conf_name_key(text: str) -> str:
    """Looser key of a conference name: no years, ordinals, `Proceedings of the`, organisers, `International`."""
    s = re.sub(r"\([^)]*\)", " ", text or "")
    s = re.sub(r"\b(?:19|20)\d\d\b", " ", s)
    s = re.sub(r"\b\d+(?:st|nd|rd|th)\b", " ", s, flags=re.I)
    s = re.sub(rf"\b(?:{ORDINAL_WORDS})\b", " ", s, flags=re.I)
    s = re.sub(r"\bproceedings(?:\s+of(?:\s+the)?)?\b", " ", s, flags=re.I)
    s = re.sub(r"\bproc\.?(?:\s+of(?:\s+the)?)?\s", " ", s, flags=re.I)
    s = ORG_PREFIX.sub("", s.strip(" ,.;:-").strip())
    return " ".join(re.sub(r"\b(?:international|annual|intl|int)\b", " ", key(s)).split())


@cache
def lexicon() -> dict[str, str]:
    """Normalised key -> class ("conference", "journal", "preprint", or "ambiguous" for both)."""
    raw = resources.files("zotsync").joinpath(DATA).read_bytes()
    out: dict[str, str] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        mark, _, name = line.partition("\t")
        out[name] = CLASSES.get(mark, "ambiguous")
    return out


def forms(venue: str) -> list[tuple[str, str]]:
    """(form, role) candidates of a printed venue; role is venue, host, part or workshop."""
    out: list[tuple[str, str]] = []

    def add(form: str, role: str) -> None:
        form = form.strip(" ,")
        if form and (form, role) not in out:
            out.append((form, role))

    text = " ".join(venue.split())
    add(text, "venue")
    text = text.rstrip(". ")
    add(text, "venue")
    text = re.sub(r"\s*['’‘]\d{2}$", "", text)
    text = re.sub(r"[\s,]*\b(?:19|20)\d{2}$", "", text)
    text = re.sub(r"^(?:19|20)\d{2}\s+", "", text)
    text = re.sub(r",?\s*(?:19|20)\d{2}\.?\s*(?:Proceedings)?\.?$", "", text).strip(" ,.")
    add(text, "venue")
    text = re.sub(r"\s*\(\d+\)$", "", text)
    add(text, "venue")
    host = HOST_SUFFIX.match(text)
    if host:
        add(host.group(1), "host")
    if "@" in text:
        workshop, _, conference = text.partition("@")
        add(conference, "host")
        add(workshop, "workshop")
    if " " not in text:
        for part in re.split(r"[/\-]", text) if re.search(r"[/\-]", text) else []:
            if len(part) >= 2:
                add(part, "part")
    halves = re.split(r"\s+:\s+|:\s+", text, maxsplit=1)
    if len(halves) == 2:
        add(halves[0], "venue")
    return out


def _classes(form: str) -> set[str]:
    lex = lexicon()
    keys = {key(form), key_noparen(form), key(nodots(form)), key(nodots(form).replace("-", "")), conf_name_key(form)}
    return {lex[k] for k in keys if k and k in lex}


STOP = frozenset("of the and for in on de la le der und des du et a an to at fur fuer y e di".split())


@cache
def _journal_words() -> dict[tuple[int, str], list[tuple[str, ...]]]:
    """Significant words of every journal key, indexed by word count and first letter (built on first use)."""
    index: dict[tuple[int, str], list[tuple[str, ...]]] = {}
    for name, kind in lexicon().items():
        if kind == JOURNAL:
            words = tuple(w for w in name.split() if w not in STOP)
            if words:
                index.setdefault((len(words), words[0][0]), []).append(words)
    return index


def iso_prefix(venue: str) -> bool:
    """An ISO 4 abbreviation of one to three journal titles: each token a prefix of the title's word in turn.

    Only for a dotted venue of at least two tokens (`Found. Trends Inf. Retr.`, `Inf. Retr.`).
    """
    if "." not in venue:
        return False
    tokens = tuple(t for t in key(venue).split() if t not in STOP)
    if len(tokens) < 2:
        return False
    titles = {words for words in _journal_words().get((len(tokens), tokens[0][0]), [])
              if all(w.startswith(t) for t, w in zip(tokens, words, strict=True))}
    return 0 < len(titles) <= 3


def classify(venue: str) -> str:
    """"conference", "journal", "preprint" or "" (unknown or ambiguous) for a printed venue."""
    found: set[str] = set()
    for form, role in forms(venue):
        if role == "workshop":
            continue
        hits = _classes(form)
        found |= hits
        if hits and role == "venue":
            break
    if "ambiguous" in found or (CONFERENCE in found and JOURNAL in found):
        return UNKNOWN
    if not found and PREPRINT_SERVER.match(venue):  # `arXiv: Computation and Language`, `SSRN Electronic Journal`
        return PREPRINT
    if not found and iso_prefix(venue):
        return JOURNAL
    return next((c for c in (CONFERENCE, JOURNAL, PREPRINT) if c in found), UNKNOWN)


def repository(venue: str) -> str:
    """The preprint server a venue names (`ArXiv`, `CoRR` -> arXiv), else ""."""
    match = PREPRINT_WORDS.search(venue)
    return REPOSITORIES.get(match.group(1).lower(), "") if match else ""
