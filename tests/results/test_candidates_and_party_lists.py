"""Candidates loaded from a spreadsheet (all or nothing), and DPR/DPRD forms with the votes for
each party and each of its candidates, checked against the party totals."""

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from siaga.regions.models import TPS, Contest, Dapil
from siaga.results import candidates, services
from siaga.results.demo import load_demo_candidates, load_demo_party_lists
from siaga.results.models import Candidate, ResultForm

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["kontes", "dapil", "nomor", "nama", "partai"]
GOOD = [HEADER,
        ["DPRD_KAB", "BARTIM-1", "1", "Partai Uji Satu", "Partai Uji Satu"],
        ["DPRD_KAB", "BARTIM-1", "01.1", "Calon Uji Satu", "Partai Uji Satu"],
        ["DPRD_KAB", "BARTIM-1", "01.2", "Calon Uji Dua", "Partai Uji Satu"],
        ["DPD", "KALTENG", "21", "Calon DPD Uji", ""]]


def test_a_candidate_list_loads_from_xlsx_and_loading_it_again_changes_nothing(pemilu):
    summary, problems = candidates.import_candidates(pemilu, "calon.xlsx", xlsx(GOOD))
    assert problems == [] and summary == {"created": 4, "updated": 0, "unchanged": 0}
    dapil = Dapil.objects.get(contest__election=pemilu, code="BARTIM-1")
    assert sorted(Candidate.objects.filter(dapil=dapil).values_list("number", flat=True)) == [
        "01", "01.1", "01.2"]
    again, _ = candidates.import_candidates(pemilu, "calon.xlsx", xlsx(GOOD))
    assert again == {"created": 0, "updated": 0, "unchanged": 4}


def test_a_bad_candidate_list_names_every_problem_and_stores_nothing(pemilu):
    bad = [HEADER,
           ["DPRD_KAB", "", "02", "Tanpa Dapil", "P"],           # party lists need a dapil
           ["DPRD_KAB", "BARTIM-9", "02", "Dapil Salah", "P"],   # no such dapil
           ["PPWP", "", "01.2", "Pasangan Salah", ""],           # pairs have no party lists
           ["DPRD_KAB", "BARTIM-1", "07.1", "Tanpa Partai", "P"],  # party 07 not on the ballot
           ["DPRD_KAB", "BARTIM-1", "x", "Nomor Salah", "P"],
           ["DPRD_KAB", "BARTIM-1", "03", "", "P"],
           ["SENAT", "", "01", "Kontes Salah", ""],
           ["DPRD_KAB", "BARTIM-2", "04", "Dobel", "P"],
           ["DPRD_KAB", "BARTIM-2", "4", "Dobel Lagi", "P"]]
    before = Candidate.objects.count()
    summary, problems = candidates.import_candidates(pemilu, "calon.csv", "\n".join(
        ",".join(row) for row in bad).encode())
    assert summary == {} and Candidate.objects.count() == before
    where = [(p["row"], p["column"]) for p in problems]
    assert where == [(2, "dapil"), (3, "dapil"), (4, "nomor"), (6, "nomor"), (7, "nama"),
                     (8, "kontes"), (10, "nomor"), (5, "nomor")], problems
    reasons = " ".join(p["reason"] for p in problems)
    assert "BARTIM-9" in reasons and "07" in reasons and "dua kali" in reasons


def test_the_command_loads_candidates_and_refuses_a_bad_file(pemilu, tmp_path, capsys):
    good = tmp_path / "calon.xlsx"
    good.write_bytes(xlsx(GOOD))
    call_command("import_candidates", str(good), "--election", "pemilu-2024", "--dry-run")
    assert not Candidate.objects.filter(name="Calon Uji Satu").exists()
    call_command("import_candidates", str(good), "--election", "pemilu-2024")
    assert Candidate.objects.filter(name="Calon Uji Satu").exists()
    bad = tmp_path / "salah.csv"
    bad.write_text("kontes,nomor,nama\nPPWP,abc,Salah\n")
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("import_candidates", str(bad), "--election", "pemilu-2024")
    assert "baris 2, kolom nomor" in capsys.readouterr().err


def test_the_candidates_page_shows_the_ballots_and_only_a_coordinator_may_load(login, pemilu):
    load_demo_party_lists(pemilu)
    page = login("uji-viewer").get("/hasil/kandidat/", {"pemilu": "pemilu-2024"})
    assert page.status_code == 200
    assert "Partai Contoh Amanah (sintetis)" in page.content.decode()
    refused = login("uji-viewer").post("/hasil/kandidat/?pemilu=pemilu-2024",
                                       {"file": io.BytesIO(xlsx(GOOD))})
    assert refused.status_code == 403
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "calon.xlsx"
    loaded = login("uji-coordinator").post("/hasil/kandidat/?pemilu=pemilu-2024",
                                           {"file": upload})
    # Party 01 of BARTIM-1 and its first two candidates are the demo's synthetic ones: the
    # file renames them; the DPD candidate is new.
    assert "1 calon ditambahkan, 3 diubah, 0 tetap" in loaded.content.decode()


# --- DPR/DPRD forms ---------------------------------------------------------------------

@pytest.fixture
def dprd(pemilu):
    load_demo_party_lists(pemilu)
    contest = Contest.objects.get(election=pemilu, kind="DPRD_KAB")
    dapil = Dapil.objects.get(contest=contest, code="BARTIM-1")
    kecamatan = dapil.regions.order_by("code").first()
    tps = TPS.objects.filter(election=pemilu, code__startswith=kecamatan.code).order_by(
        "code").first()
    return contest, tps


def test_the_apis_ballot_read_once_per_contest_is_each_tps_ballot_of_its_dapil(pemilu, dprd):
    contest, _tps = dprd
    ballot = services.Ballot.of(contest)
    layouts = set()
    for tps in TPS.objects.filter(election=pemilu).order_by("code")[::7]:
        layout = ballot.layout(tps.code)
        assert layout == services.ballot_layout(services.candidates_of(contest, tps))
        layouts.add(repr(layout))
    assert len(layouts) > 1  # the regency has more than one dapil, with other lists
    load_demo_candidates(pemilu)  # a national ballot: the same at every TPS
    ppwp = Contest.objects.get(election=pemilu, kind="PPWP")
    assert services.Ballot.of(ppwp).layout(_tps.code) == (["01", "02", "03"], {})


def dprd_body(tps, client_id="dprd-0001", **changes):
    """Party 01: 40 for the party + 30 + 20 + 10 for its candidates = 100; party 02: 60;
    party 03: 42 — 202 valid votes."""
    body = {"client_id": client_id, "tps": tps.code, "contest": "DPRD_KAB", "source": "kpps",
            "election": "pemilu-2024", "dpt": 236, "voted": 212, "ballots_received": 241,
            "ballots_used": 212, "ballots_unused": 27, "ballots_damaged": 2, "valid": 202,
            "invalid": 10, "votes": {"01": 100, "02": 60, "03": 42},
            "party_votes": {"01": 40, "02": 60, "03": 42},
            "candidate_votes": {"01": {"1": 30, "2": 20, "3": 10}}}
    return body | changes


def post(client, body):
    return client.post("/api/v1/hasil", json.dumps(body), content_type="application/json")


def test_a_dprd_form_with_party_and_candidate_votes_that_add_up_is_counted(login, dprd):
    _contest, tps = dprd
    answer = post(login("uji-field"), dprd_body(tps)).json()
    assert answer["status"] == "accepted", answer["findings"]
    assert answer["numbers"]["candidate_votes"] == {"01": {"1": 30, "2": 20, "3": 10}}
    form = ResultForm.objects.get(client_id="dprd-0001")
    assert form.party_votes == {"01": 40, "02": 60, "03": 42}


def test_a_party_total_that_is_not_its_party_and_candidate_votes_is_flagged(login, dprd):
    _contest, tps = dprd
    body = dprd_body(tps, candidate_votes={"01": {"1": 30, "2": 20, "3": 1}})
    answer = post(login("uji-field"), body).json()
    assert answer["status"] == "flagged"
    finding = next(f for f in answer["findings"] if f["code"] == "party_total")
    assert finding["params"]["party"] == "01" and finding["params"]["expected"] == 91
    assert "91" in finding["message"] and "100" in finding["message"]


def test_a_candidate_not_on_the_party_list_is_refused_and_nothing_stored(login, dprd):
    _contest, tps = dprd
    response = post(login("uji-field"), dprd_body(tps, candidate_votes={"01": {"9": 10}}))
    assert response.status_code == 422 and "9" in response.json()["detail"]
    response = post(login("uji-field"), dprd_body(tps, party_votes={"07": 1}))
    assert response.status_code == 422
    assert not ResultForm.objects.filter(client_id="dprd-0001").exists()


def test_sources_that_differ_in_one_candidate_are_shown_by_that_candidate(login, dprd):
    contest, tps = dprd
    post(login("uji-field"), dprd_body(tps))
    other = dprd_body(tps, client_id="dprd-0002", source="ptps",
                      candidate_votes={"01": {"1": 29, "2": 21, "3": 10}})
    answer = post(login("uji-field"), other).json()
    assert answer["status"] == "flagged"
    assert services.reconcile(tps, contest).differences == {
        "candidate_votes:01:1": {"kpps": 30, "ptps": 29},
        "candidate_votes:01:2": {"kpps": 20, "ptps": 21}}


def test_the_entry_sheet_of_a_dprd_ballot_has_a_box_per_party_and_candidate(login, dprd):
    _contest, tps = dprd
    client = login("uji-field")
    page = client.get("/hasil/isi/", {"pemilu": "pemilu-2024", "kontes": "DPRD_KAB",
                                      "tps": tps.code}).content.decode()
    for box in ("suara-01", "partai-01", "caleg-01.1", "caleg-03.3"):
        assert f'name="{box}"' in page
    body = dprd_body(tps)
    post_data = {k: body[k] for k in ("dpt", "voted", "ballots_received", "ballots_used",
                                      "ballots_unused", "ballots_damaged", "valid", "invalid")}
    post_data |= {"dptb": 0, "dpk": 0, "tps": tps.code, "kontes": "DPRD_KAB", "source": "kpps",
                  "client_id": "lembar-dprd-01"}
    post_data |= {f"suara-{p}": v for p, v in body["votes"].items()}
    post_data |= {f"partai-{p}": v for p, v in body["party_votes"].items()}
    post_data |= {f"caleg-{p}.{o}": v for p, c in body["candidate_votes"].items()
                  for o, v in c.items()}
    post_data |= {f"caleg-{p}.{o}": 0 for p in ("02", "03") for o in ("1", "2", "3")}
    post_data["partai-02"], post_data["partai-03"] = 60, 42
    response = client.post("/hasil/isi/?pemilu=pemilu-2024", post_data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    form = ResultForm.objects.get(client_id="lembar-dprd-01")
    assert form.status == "accepted"
    assert form.candidate_votes["01"] == {"1": 30, "2": 20, "3": 10}
    assert form.candidate_votes["02"] == {"1": 0, "2": 0, "3": 0}


def test_dprd_forms_import_from_a_table_and_from_json_with_party_detail(login, dprd):
    from siaga.results.imports import import_forms

    contest, tps = dprd
    body = dprd_body(tps)
    header = ["tps", "kontes", "dpt", "dptb", "dpk", "pengguna hak pilih", "diterima",
              "digunakan", "tidak digunakan", "rusak", "suara sah", "suara tidak sah"]
    row = [tps.code, "DPRD_KAB", 236, 0, 0, 212, 241, 212, 27, 2, 202, 10]
    header += [f"suara {p}" for p in ("01", "02", "03")] + [f"partai {p}" for p in
                                                            ("01", "02", "03")]
    row += [100, 60, 42, 40, 60, 42]
    header += [f"caleg {p}.{o}" for p in ("01", "02", "03") for o in (1, 2, 3)]
    row += [30, 20, 10] + [0] * 6
    summary, problems = import_forms(contest.election, "dprd.xlsx", xlsx([header, row]),
                                     scope="62.13", user=None)
    assert problems == [] and summary["accepted"] == 1
    stored = ResultForm.objects.get(tps=tps, contest=contest)
    assert stored.party_votes == {"01": 40, "02": 60, "03": 42}
    # The same form as JSON from another source, with one candidate missing: refused whole.
    item = {k: body[k] for k in body if k not in ("client_id", "election")} | {"sumber": "ptps"}
    item["candidate_votes"] = {"01": {"1": 30, "2": 20}}
    summary, problems = import_forms(contest.election, "dprd.json", json.dumps([item]).encode(),
                                     scope="62.13", user=None)
    assert summary == {} and problems[0]["column"] == "caleg"
    assert ResultForm.objects.filter(tps=tps, contest=contest).count() == 1
