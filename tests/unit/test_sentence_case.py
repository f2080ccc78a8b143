"""Sentence case of BibTeX titles (opt-in): braced text kept, acronyms and names with inner capitals kept,
the first word of the title and of each sentence kept, every other title-case word lowercased."""

from __future__ import annotations

import pytest

from zotsync import latex
from zotsync.sentence_case import is_english, sentence_case, title_cased


def cased(value: str) -> str:
    marked = latex.to_text(value, protect=True, marks=True)
    return sentence_case(marked) if title_cased(marked) else latex.to_text(value, protect=True)


@pytest.mark.parametrize(("value", "expected"), [
    ("Design of a Carbon Fiber Grid Structure for the GLAST Spacecraft",
     "Design of a carbon fiber grid structure for the GLAST spacecraft"),
    ("The {Cambridge} Companion to {Newton}", "The Cambridge companion to Newton"),  # braces protect
    ("Accumulation: {L}and as a Medium of Domination", "Accumulation: Land as a medium of domination"),
    ("Ecology and Power: Struggles over Land", "Ecology and power: Struggles over land"),  # after a colon
    ("Jihad and Death. The Global Appeal", "Jihad and death. The global appeal"),  # after a sentence end
    ("Essays in Honor of John M. Riddle", "Essays in honor of john M. Riddle"),  # an initial ends one too
    ("Coral Gardens; Vol. 2, The Language of Magic", "Coral gardens; vol. 2, the language of magic"),
    ("High-Speed Digital-to-RF Converter", "High-speed digital-to-RF converter"),  # hyphens split words
    ("Z-Log: Applying System-Z", "Z-log: Applying system-Z"),
    ("The iPhone and the InGaN Wells of Cu$_2$O Films", "The iPhone and the InGaN wells of Cu₂O films"),
    ("Electron Tomography of (In,Ga)N Insertions", "Electron tomography of (In,Ga)N insertions"),
    ("Lucretius II: An Ethics of Motion", "Lucretius II: An ethics of motion"),
    ("Intel Atom E3826 Specifications", "Intel atom E3826 specifications"),
    ("One Flew over the Cuckoo's Nest", "One flew over the cuckoo's nest"),
    ("Are Countries Deterred? - Participation in the Years", "Are countries deterred? - Participation in the years"),
    (r"{\"U}ber die {\"U}bung der {\'E}lite", "Über die übung der élite"),  # an accent group is no protection
    ("Über Die Übung Der Élite", "Über die übung der élite"),
    ("Byzantium between East and West in the \\emph{Alexiad} of Anna",
     "Byzantium between east and west in the <i>Alexiad</i> of anna"),
    ("Growth on the <Sub>Surface</Sub>", "Growth on the <Sub>surface</Sub>"),
    ("{Software Framework for Topic Modelling}", "Software framework for topic modelling"),  # braces round all
])
def test_title_case_becomes_sentence_case(value, expected):
    assert cased(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Driven $t$-$J$ Models", 'Driven <span class="nocase">t</span>-J models'),
    (r"Blah \emph{emph} and \enquote{Quoted Words}", 'Blah <span class="nocase"><i>emph</i></span> and “Quoted Words”'),
    (r"The Case of \enquote{small} Things", 'The case of “<span class="nocase">small</span>” things'),
    ("Trees of Height and Arity $\\leq\\omega$", 'Trees of height and arity <span class="nocase">≤ω</span>'),
    ("Measuring the {pH} of the Sea", 'Measuring the <span class="nocase">pH</span> of the sea'),
])
def test_protected_text_that_starts_lower_case_is_marked_nocase(value, expected):
    assert cased(value) == expected


@pytest.mark.parametrize("value", [
    "Xenonika: medical texts associated with xenones in the late Byzantine period",
    "Why not a political Coase theorem? Social conflict, commitment, and politics",
    r"Mitochondrial DNA sequences of grass snakes (\textit{Natrix cetti}) and \textbf{do not} support",
])
def test_a_title_already_in_sentence_case_is_kept_as_read_without_the_option(value):
    assert cased(value) == latex.to_text(value, protect=True)


def test_a_title_of_capitals_only_is_left_alone():
    assert cased("PPPJ '09") == "PPPJ '09"


@pytest.mark.parametrize(("language", "english"), [
    ("", True), ("english", True), ("English", True), ("american", True), ("en-GB", True), ("eng", True),
    ("USenglish", True), ("german", False), ("de", False), ("portuguese", False), ("Italiano", False),
])
def test_english_or_no_language_is_sentence_cased(language, english):
    assert is_english(language) is english
