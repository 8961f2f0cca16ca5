"""Results pages: the C.Hasil sheet with checks as it is typed, the review of flagged forms,
totals per region and one TPS's sources side by side."""

import math

import pytest

from siaga.regions.models import TPS
from siaga.results.demo import load_demo_candidates
from siaga.results.models import ResultForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def tps(pemilu):
    load_demo_candidates(pemilu)
    return next(t for t in TPS.objects.filter(election=pemilu, code__startswith="62.13.01")
                .order_by("code") if t.dpt >= 230)


def sheet(tps, *, votes=(117, 60, 25), client_id="lembar-0001", source="kpps"):
    received = tps.dpt + math.ceil(tps.dpt * 2 / 100)
    return {"client_id": client_id, "tps": tps.code, "kontes": "PPWP", "source": source,
            "dpt": tps.dpt, "dptb": 0, "dpk": 0, "voted": 212, "ballots_received": received,
            "ballots_used": 212, "ballots_unused": received - 212, "ballots_damaged": 0,
            "valid": 202, "invalid": 10,
            **{f"suara-0{n}": v for n, v in enumerate(votes, start=1)}}


def test_a_sheet_read_617_for_117_waits_for_review_and_a_correction_counts_it(login, tps):
    field = login("uji-field")
    response = field.post("/hasil/isi/?pemilu=pemilu-2024", sheet(tps, votes=(617, 60, 25)))
    assert response.status_code == 302
    form = ResultForm.objects.get()
    assert form.status == "flagged"
    page = login("uji-viewer").get(
        "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP").content.decode()
    assert 'id="tps-in">0/' in page and 'id="tps-flagged">1<' in page

    coordinator = login("uji-coordinator")
    review = coordinator.get("/hasil/tinjau/?pemilu=pemilu-2024").content.decode()
    assert f'id="form-{form.pk}"' in review and "117" in review and "617" in review
    data = sheet(tps) | {"form": form.pk, "action": "correct", "note": "dibaca ulang dari foto"}
    coordinator.post("/hasil/tinjau/?pemilu=pemilu-2024", data)
    new = ResultForm.objects.get(current=True)
    assert (new.status, new.version, new.votes["01"]) == ("accepted", 2, 117)
    page = login("uji-viewer").get(
        "/hasil/?wilayah=62.13&pemilu=pemilu-2024&kontes=PPWP").content.decode()
    assert 'id="tps-in">1/' in page and 'data-candidate="1">117' in page


def test_the_sheet_is_checked_as_it_is_typed(login, tps):
    client = login("uji-field")
    wrong = client.post("/hasil/periksa/?pemilu=pemilu-2024",
                        sheet(tps) | {"valid": 2}).content.decode()
    assert "202" in wrong and "212" in wrong and "✓" not in wrong
    right = client.post("/hasil/periksa/?pemilu=pemilu-2024", sheet(tps)).content.decode()
    assert "✓" in right


def test_a_box_that_is_not_a_number_is_named_and_nothing_is_stored(login, tps):
    response = login("uji-field").post("/hasil/isi/?pemilu=pemilu-2024",
                                       sheet(tps) | {"invalid": "sepuluh"})
    assert response.status_code == 422 and "sepuluh" in response.content.decode()
    assert not ResultForm.objects.exists()


def test_a_viewer_may_not_enter_a_sheet(login, tps):
    assert login("uji-viewer").post("/hasil/isi/?pemilu=pemilu-2024",
                                    sheet(tps)).status_code == 403
    assert not ResultForm.objects.exists()


def test_two_sources_that_disagree_are_shown_side_by_side(login, tps):
    client = login("uji-field")
    client.post("/hasil/isi/?pemilu=pemilu-2024", sheet(tps))
    client.post("/hasil/isi/?pemilu=pemilu-2024",
                sheet(tps, votes=(116, 61, 25), client_id="lembar-0002", source="ptps"))
    page = client.get(f"/hasil/tps/{tps.code}/?pemilu=pemilu-2024&kontes=PPWP").content.decode()
    assert 'id="sources"' in page and page.count('class="short"') == 2  # 01 and 02 differ
    assert "116" in page and "117" in page


def forms_csv(rows) -> bytes:
    header = ("tps;kontes;sumber;dpt;dptb;dpk;pengguna hak pilih;surat suara diterima;"
              "digunakan;tidak digunakan;rusak;suara sah;suara tidak sah;suara 01;suara 02;"
              "suara 03")
    return ("\n".join([header] + [";".join(str(v) for v in row) for row in rows]) + "\n").encode()


def csv_row(tps, votes=(117, 60, 25)):
    received = tps.dpt + math.ceil(tps.dpt * 2 / 100)
    return (tps.code, "PPWP", "kpu_import", tps.dpt, 0, 0, 212, received, 212, received - 212,
            0, 202, 10, *votes)


def upload(client, content: bytes, name="hasil.csv"):
    import io

    file = io.BytesIO(content)
    file.name = name
    return client.post("/hasil/impor/?pemilu=pemilu-2024", {"file": file})


def test_an_import_with_one_bad_row_stores_nothing_and_names_row_and_column(login, tps):
    content = forms_csv([csv_row(tps), ("62.13.01.9999-001", *csv_row(tps)[1:]),
                         (*csv_row(tps)[:12], "sepuluh", 117, 60, 25)])
    page = upload(login("uji-coordinator"), content).content.decode()
    assert 'id="forms-problems"' in page
    assert "<td>3</td><td>tps</td>" in page and "<td>4</td><td>invalid</td>" in page
    assert not ResultForm.objects.exists()


def test_an_import_stores_good_rows_flags_the_misread_one_and_is_idempotent(login, pemilu, tps):
    other = TPS.objects.filter(election=pemilu, code__startswith="62.13.02").first()
    content = forms_csv([csv_row(tps), csv_row(other, votes=(617, 60, 25))])
    client = login("uji-coordinator")
    page = upload(client, content).content.decode()
    assert "2" in page.split('id="import-summary"')[1][:80]
    assert ResultForm.objects.filter(status="accepted").count() == 1
    assert ResultForm.objects.filter(status="flagged").count() == 1
    again = upload(client, content).content.decode()
    assert ResultForm.objects.count() == 2 and 'id="import-summary"' in again


def test_forms_import_from_json_too(login, tps):
    import json

    keys = ("tps", "kontes", "sumber", "dpt", "dptb", "dpk", "pengguna hak pilih",
            "surat suara diterima", "digunakan", "tidak digunakan", "rusak", "suara sah",
            "suara tidak sah", "suara 01", "suara 02", "suara 03")
    content = json.dumps([dict(zip(keys, csv_row(tps), strict=True))]).encode()
    upload(login("uji-coordinator"), content, name="hasil.json")
    assert ResultForm.objects.get().status == "accepted"
