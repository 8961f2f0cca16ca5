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
