"""`zotsync parse` as users and scripts run it: the seeds end to end, bad input, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, SEEDS, needs_shared


def parse(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zotsync", "parse", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@needs_shared(SEEDS)
def test_the_four_seeds_parse_end_to_end():
    proc = parse(str(SEEDS), "--json")
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)
    assert len(items) == 65  # IRIS chapter, IRIS page, VuFind record, S2 paper + its 61 references
    chapter, article, record, paper, *refs = items
    assert chapter["itemType"] == "bookSection" and chapter["ISBN"] == "9783319305585"
    assert (chapter["pages"], chapter["edition"], chapter["publisher"], chapter["date"]) == ("77-95", "1", "Springer", "2016")
    assert "place" not in chapter  # "[s.l]": no place is known
    assert chapter["series"].lower() == "springerbriefs in applied sciences and technology"
    assert chapter["url"] == "https://hdl.handle.net/2434/421906"
    assert [t["tag"] for t in chapter["tags"]][:2] == ["healthcare", "engagement"]
    assert chapter["abstractNote"].count("The pressure toward") == 1
    assert article["creators"] == [{"creatorType": "author", "firstName": "Cecilia", "lastName": "Rossignoli"}]
    assert article["date"] == "2016" and "I documenti in IRIS" not in article["abstractNote"]
    assert len(record["creators"]) == 7 and record["creators"][5]["lastName"] == "Opipari-Arrigan"
    assert (record["PMID"], record["PMCID"], record["language"]) == ("26376674", "PMC4941163", "en")
    assert paper["title"] == "Coproduction of healthcare service" and len(refs) == 61
    assert refs[4]["title"] == "Consumers as Coproducers of Public Services: Some Economic and Institutional Considerations"
    assert refs[3]["creators"] == [{"creatorType": "author", "firstName": "H.", "lastName": "Garn"}]
    assert refs[1]["publicationTitle"] == "Annals of Medical History"


def test_bad_documents_get_one_line_each_and_the_rest_is_parsed():
    named = [str(p) for p in sorted((FIXTURES / "bad").iterdir())]  # named, so not passed over as in a folder walk
    proc = parse(*named, str(FIXTURES / "bibtex"), "--json")
    assert proc.returncode == 0
    lines = proc.stderr.strip().splitlines()
    assert any("empty.txt: empty document" in line for line in lines)
    assert any("image.png: binary file" in line for line in lines)
    assert any("unknown.txt: unrecognised document kind" in line for line in lines)
    assert any("broken.json:1: invalid JSON" in line for line in lines)
    assert any("mixed.bib:25: entry 'broken1999'" in line for line in lines)
    assert any("latin1_iris.txt:1: not valid UTF-8" in line for line in lines)
    titles = [i["title"] for i in json.loads(proc.stdout)]
    assert "Città e territorio" in titles and "Literate Programming" in titles


def test_exit_code_2_only_when_nothing_could_be_parsed(tmp_path):
    assert parse(str(FIXTURES / "bad/empty.txt")).returncode == 2
    assert parse(str(tmp_path / "missing.bib")).returncode == 2
    assert parse(str(FIXTURES / "bad/empty.txt"), str(FIXTURES / "ris")).returncode == 0


def test_format_option_forces_a_kind():
    proc = parse(str(FIXTURES / "bad/unknown.txt"), "--format", "ris")
    assert proc.returncode == 2 and "no RIS records found" in proc.stderr
