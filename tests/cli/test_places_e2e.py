"""Records without an id of their own, end to end: corrected, moved, inserted (repro step 10)."""

from __future__ import annotations

from tests.conftest import library_items

RECORD = "TY  - BOOK\nAU  - {author}\nTI  - {title}\nPY  - {year}\nER  - \n"
A = RECORD.format(author="Bianchi, Carla", title="Storia della lingua italiana", year="2019")
B = RECORD.format(author="Rossi, Mario", title="Grammatica storica", year="2001")
X = RECORD.format(author="Verdi, Anna", title="Un libro nuovo", year="2021")


def test_a_corrected_year_updates_the_item_instead_of_making_a_second(cli, sandbox, tmp_path):
    export = tmp_path / "e.ris"
    export.write_text(A)
    cli.sync(export)
    export.write_text(A.replace("2019", "2020"))
    proc, report = cli.sync(export)
    assert proc.returncode == 0, proc.stderr
    (item,) = library_items(sandbox)
    assert item["date"] == "2020" and (report["created"], report["updated"]) == (0, 1)


def test_a_record_inserted_above_others_is_created_and_the_others_are_left_alone(cli, sandbox, tmp_path):
    export = tmp_path / "e.ris"
    export.write_text(A + B)
    cli.sync(export)
    before = {i["title"]: (i["key"], i["version"]) for i in library_items(sandbox)}
    export.write_text(X + A + B)
    proc, report = cli.sync(export)
    assert proc.returncode == 0, proc.stderr
    after = {i["title"]: (i["key"], i["version"]) for i in library_items(sandbox)}
    assert (report["created"], report["updated"]) == (1, 0)
    assert {t: after[t] for t in before} == before  # not one field of the others was touched
    proc, report = cli.sync(export)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 3)
