"""Logistics in the web app: needs from the registry, packing lists, fleet and stock input,
distribution plans with scenarios, shipments, receipts and alerts."""

import io
import math
from dataclasses import replace

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader
from tests.plans import make_plan

from siaga.accounts.models import AuditEntry
from siaga.logistics import registry, shipments
from siaga.logistics.models import Alert, DistributionPlan, Receipt, Shipment, Stock, Vehicle
from siaga.regions.models import TPS, Region

pytestmark = pytest.mark.django_db

CONTESTS = ("PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB")


def test_needs_of_a_demo_tps_are_what_the_rules_give_by_hand(pemilu):
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13.09").order_by("code").first()
    dpt = tps.dpt_men + tps.dpt_women
    nd, _rules = registry.needs_for(pemilu, tps.code)
    lines = {(li.item, li.contest): li for li in nd.of(tps.code).lines}
    # Pemilu 2024: DPT + 2% rounded up, for each of the five ballots, each of its own dapil.
    expected_dapil = {"PPWP": "INDONESIA", "DPR": "KALTENG", "DPD": "KALTENG",
                      "DPRD_PROV": "KALTENG-BARTIM", "DPRD_KAB": "BARTIM-4"}
    for contest in CONTESTS:
        ballot = lines[("ballot", contest)]
        assert ballot.quantity == dpt + math.ceil(dpt * 2 / 100)
        assert ballot.dapil == expected_dapil[contest]
    # The election's table: 5 boxes, 4 booths, 2 bottles of ink per TPS.
    assert lines[("ballot_box", "")].quantity == 5
    assert lines[("booth", "")].quantity == 4
    assert lines[("ink", "")].quantity == 2
    assert nd.problems == ()


def test_the_warehouse_holds_the_psu_reserve_for_each_dapil_of_the_regency(login):
    page = login("uji-viewer").get("/logistik/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    reserve = page.split('id="ballots"')[1].split("<tfoot>")[1].split("</tfoot>")[0]
    # PPWP, DPR, DPD and DPRD Provinsi: one dapil each here; DPRD Kabupaten: four.
    assert reserve.count('<td class="num">1.000</td>') == 8
    assert "BARTIM-4" in reserve
    assert '<p id="dapil-check" class="">' in page


def test_packing_lists_open_as_xlsx_and_pdf_with_dapil_labels(login):
    client = login("uji-viewer")
    response = client.get("/logistik/kemasan.xlsx?wilayah=62.13.09&pemilu=pemilu-2024&tingkat=pps")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Daftar kemasan"].iter_rows(values_only=True))
    labels = [r[7] for r in rows[3:] if r[7]]  # below the title, a blank row and the header
    tps_count = TPS.objects.filter(code__startswith="62.13.09").count()
    assert len(labels) == tps_count * 5
    assert all("| Dapil " in label for label in labels)
    assert any("DPRD_KAB | Dapil BARTIM-4" in label for label in labels)
    check = [r[0] for r in book["Pemeriksaan dapil"].iter_rows(values_only=True)]
    assert any("cocok" in str(c) or "matches" in str(c) for c in check)

    response = client.get("/logistik/kemasan.pdf?wilayah=62.13.09.2001&pemilu=pemilu-2024&tingkat=tps")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    first = TPS.objects.filter(code__startswith="62.13.09.2001").order_by("code").first()
    assert f"TPS {first.code}" in text and "Dapil BARTIM-4" in text
    assert len(reader.pages) >= TPS.objects.filter(code__startswith="62.13.09.2001").count()


def test_a_vehicle_with_zero_capacity_is_refused_with_a_clear_error(login):
    before = Vehicle.objects.count()
    response = login("uji-coordinator").post(
        "/logistik/armada/?wilayah=62.13&pemilu=pemilu-2024",
        {"v-name": "Truk rusak", "v-mode": "truck", "v-count": 1, "v-volume_l": 0,
         "v-weight_kg": 500, "v-max_trips": 1, "v-depot_code": "62.13"})
    assert response.status_code == 200
    assert "kapasitas" in response.content.decode() or "capacity" in response.content.decode()
    assert Vehicle.objects.count() == before


def test_a_vehicle_for_a_depot_outside_the_region_is_refused(login):
    before = Vehicle.objects.count()
    response = login("uji-kecamatan").post(
        "/logistik/armada/?wilayah=62.13.01&pemilu=pemilu-2024",
        {"v-name": "Pickup", "v-mode": "pickup", "v-count": 1, "v-volume_l": 3000,
         "v-weight_kg": 1000, "v-max_trips": 1, "v-depot_code": "62.13.02"})
    assert "62.13.02" in response.content.decode()
    assert Vehicle.objects.count() == before


def stock_file(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["barang", "jenis", "dapil", "jumlah"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_stock(client, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "stok.xlsx"
    return client.post("/logistik/armada/?wilayah=62.13&pemilu=pemilu-2024", {"s-file": upload})


def test_a_stock_file_with_a_negative_quantity_writes_nothing_and_names_the_row(login):
    client = login("uji-coordinator")
    response = upload_stock(client, stock_file([["ballot", "PPWP", "INDONESIA", 80000],
                                                ["ballot_box", "", "", -3],
                                                ["kotak ajaib", "", "", 1]]))
    page = response.content.decode()
    assert 'id="stock-problems"' in page
    assert "<td>3</td><td>quantity</td>" in page and "-3" in page
    assert "<td>4</td><td>item</td>" in page
    assert Stock.objects.count() == 0


def test_stock_is_compared_with_the_needs_and_shortfalls_are_shown(login, pemilu):
    client = login("uji-coordinator")
    response = upload_stock(client, stock_file([["ballot", "DPRD_KAB", "BARTIM-1", 10]]))
    assert response.status_code == 302
    assert Stock.objects.get().quantity == 10
    assert AuditEntry.objects.filter(model="logistics.Stock", action="create").exists()
    page = client.get("/logistik/?wilayah=62.13&pemilu=pemilu-2024").content.decode()
    assert 'id="stock-compare"' in page and 'class="short"' in page


def test_the_demo_plan_reaches_every_tps_before_its_deadline_and_a_flood_shows_what_breaks(
        login, pemilu):
    base = make_plan(pemilu, name="dasar")
    assert base.status == "done", base.error
    tps = set(TPS.objects.filter(election=pemilu, code__startswith="62.13")
              .values_list("code", flat=True))
    arrivals = base.result["arrivals"]
    assert tps <= set(arrivals)
    assert all(arrivals[c] <= base.result["deadlines"][c] for c in tps)
    assert base.summary["late"] == base.summary["unserved"] == 0

    flood = make_plan(pemilu, name="banjir", flooded="62.13.05", baseline=base)
    flooded_tps = {c for c in tps if c.startswith("62.13.05")}
    missed = {m["stop"] for m in flood.result["misses"]}
    assert flooded_tps <= missed  # the kecamatan's goods no longer arrive by road
    page = login("uji-viewer").get(f"/logistik/rencana/{flood.pk}/").content.decode()
    assert 'id="diff"' in page and "62.13.05" in page
    # Each miss says why: the PPK is reachable only by boat, so everything under it waits.
    assert "62.13.05" in page and ("perahu" in page.lower() or "boat" in page.lower()
                                   or "klotok" in page.lower())


def test_route_sheets_and_schedule_open_with_a_row_per_stop(login, pemilu):
    plan = make_plan(pemilu, name="lembar")
    client = login("uji-viewer")
    reader = PdfReader(io.BytesIO(client.get(
        f"/logistik/rencana/{plan.pk}/jadwal.pdf?depot=62.13").content))
    warehouse_routes = plan.result["legs"][0]["routes"]
    assert len(reader.pages) >= len(warehouse_routes) > 0
    assert warehouse_routes[0]["vehicle"].split(" #")[0] in reader.pages[0].extract_text()
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/logistik/rencana/{plan.pk}/jadwal.xlsx").content))
    visits = sum(len(t["visits"]) for leg in plan.result["legs"] for r in leg["routes"]
                 for t in r["trips"])
    assert book["Jadwal"].max_row == visits + 3  # title, blank and header rows
    data = client.get(f"/logistik/rencana/{plan.pk}/peta.json").json()
    assert len(data["routes"]["features"]) == sum(
        len(r["trips"]) for leg in plan.result["legs"] for r in leg["routes"])


def test_the_plan_form_refuses_an_unknown_vehicle_a_foreign_code_and_a_bad_pair(login):
    client = login("uji-coordinator")
    before = DistributionPlan.objects.count()
    page = client.post("/logistik/rencana/?wilayah=62.13&pemilu=pemilu-2024", {
        "release": "2024-02-09T08:00", "ppk_deadline": "2024-02-10T18:00",
        "pps_deadline": "2024-02-12T18:00", "tps_deadline": "2024-02-13T18:00",
        "delay_hours": 0, "lost_count": 1, "lost_vehicle": "Kapal selam",
        "flooded": "62.01.01", "closed_edges": "62.13.01"}).content.decode()
    assert "Kapal selam" in page and "62.01.01" in page and "62.13.01" in page
    assert DistributionPlan.objects.count() == before


@pytest.fixture
def tps_shipment(pemilu):
    shipments.sync(pemilu, Region.objects.get(code="62.13"))
    return Shipment.objects.filter(level="tps", destination__startswith="62.13.01").first()


def receipt_post(shipment, *, client_id="c-1", swap=None, counts=None, damaged=None):
    data = {"client_id": client_id, "action": "receive"}
    for tps, contest, dapil, quantity in shipment.expected:
        key = f"{tps}|{contest}"
        data[f"dapil-{key}"] = swap if (swap and contest == "DPRD_KAB") else dapil
        data[f"quantity-{key}"] = (counts or {}).get(contest, quantity)
        data[f"damaged-{key}"] = (damaged or {}).get(contest, 0)
    return data


def test_a_receipt_with_a_swapped_dapil_bundle_raises_one_alert_saying_what_to_send_where(
        login, tps_shipment):
    client = login("uji-field")
    response = client.post(f"/logistik/kiriman/{tps_shipment.pk}/",
                           receipt_post(tps_shipment, swap="BARTIM-3"))
    assert response.status_code == 302
    alert = Alert.objects.get(shipment=tps_shipment)
    assert (alert.code, alert.contest, alert.dapil) == ("wrong_dapil", "DPRD_KAB", "BARTIM-1")
    needed = next(q for _t, c, _d, q in tps_shipment.expected if c == "DPRD_KAB")
    assert alert.quantity == needed and alert.send_from == "62.13"
    tps_shipment.refresh_from_db()
    assert tps_shipment.status == "received"
    page = client.get(f"/logistik/kiriman/{tps_shipment.pk}/").content.decode()
    assert "BARTIM-3" in page and "BARTIM-1" in page and "Gudang KPU Barito Timur" in page


def test_a_retried_receipt_is_stored_once(login, tps_shipment):
    client = login("uji-field")
    for _ in range(3):
        client.post(f"/logistik/kiriman/{tps_shipment.pk}/",
                    receipt_post(tps_shipment, client_id="same-phone-attempt", swap="BARTIM-2"))
    assert Receipt.objects.filter(shipment=tps_shipment).count() == 1
    assert Alert.objects.filter(shipment=tps_shipment).count() == 1


def test_a_matching_receipt_checks_the_shipment_and_is_audited(login, tps_shipment):
    login("uji-field").post(f"/logistik/kiriman/{tps_shipment.pk}/", receipt_post(tps_shipment))
    tps_shipment.refresh_from_db()
    assert tps_shipment.status == "checked" and not tps_shipment.alerts.exists()
    entry = AuditEntry.objects.filter(model="logistics.Shipment",
                                      object_key=f"tps/{tps_shipment.destination}"
                                      ).order_by("pk").last()
    assert entry.before["status"] != "checked" and entry.after["status"] == "checked"
    assert entry.user.username == "uji-field"


def test_short_and_damaged_ballots_are_replaced_and_then_the_shipment_is_checked(
        login, tps_shipment):
    ppwp = next(q for _t, c, _d, q in tps_shipment.expected if c == "PPWP")
    login("uji-field").post(f"/logistik/kiriman/{tps_shipment.pk}/", receipt_post(
        tps_shipment, counts={"PPWP": ppwp - 7}, damaged={"DPD": 2}))
    alerts = {a.code: a for a in Alert.objects.filter(shipment=tps_shipment)}
    assert alerts["short"].quantity == 7 and alerts["damaged"].quantity == 2
    coordinator = login("uji-coordinator")
    for alert in alerts.values():
        coordinator.post(f"/logistik/peringatan/{alert.pk}/", {"status": "requested"})
    field = login("uji-field")
    for alert in alerts.values():
        field.post(f"/logistik/peringatan/{alert.pk}/", {"status": "fulfilled"})
    tps_shipment.refresh_from_db()
    assert tps_shipment.status == "checked"
    assert AuditEntry.objects.filter(model="logistics.Alert", action="update").count() == 4


def test_a_bad_count_in_a_receipt_is_named_and_nothing_is_stored(login, tps_shipment):
    data = receipt_post(tps_shipment)
    key = next(k for k in data if k.startswith("quantity-"))
    data[key] = "-5"
    page = login("uji-field").post(f"/logistik/kiriman/{tps_shipment.pk}/", data).content.decode()
    assert 'id="receipt-errors"' in page and "-5" in page
    assert not Receipt.objects.exists()


def test_an_unknown_tps_code_gets_a_clear_error(login, tps_shipment):
    client = login("uji-field")
    response = client.get("/logistik/kiriman/cari/?kode=62.13.01.9999-001&pemilu=pemilu-2024",
                          follow=True)
    assert "62.13.01.9999-001" in response.content.decode()
    found = client.get(f"/logistik/kiriman/cari/?kode={tps_shipment.destination}&pemilu=pemilu-2024")
    assert found.url == f"/logistik/kiriman/{tps_shipment.pk}/"


def test_a_kecamatan_officer_cannot_open_another_kecamatans_shipment(login, pemilu):
    shipments.sync(pemilu, Region.objects.get(code="62.13"))
    other = Shipment.objects.filter(destination__startswith="62.13.02", level="tps").first()
    client = login("uji-kecamatan")
    assert client.get(f"/logistik/kiriman/{other.pk}/").status_code == 404
    assert client.post(f"/logistik/kiriman/{other.pk}/", receipt_post(other)).status_code == 404


def test_a_viewer_cannot_store_a_receipt(login, tps_shipment):
    response = login("uji-viewer").post(f"/logistik/kiriman/{tps_shipment.pk}/",
                                        receipt_post(tps_shipment))
    assert response.status_code == 403 and not Receipt.objects.exists()


def test_the_board_counts_tps_received_checked_and_open_problems_per_kecamatan(
        login, pemilu, tps_shipment):
    user = get_user_model().objects.get(username="uji-field")
    shipments.receive(tps_shipment, shipments.ReceiptInput(
        [{"tps": t, "contest": c, "dapil": "BARTIM-2" if c == "DPRD_KAB" else d, "quantity": q,
          "damaged": 0} for t, c, d, q in tps_shipment.expected]), user, "board-1")
    rows, total = shipments.board(pemilu, Region.objects.get(code="62.13"))
    dusun_timur = next(r for r in rows if r.code == "62.13.01")
    assert dusun_timur.received == 1 and dusun_timur.checked == 0 and dusun_timur.open_alerts == 1
    assert total.tps == TPS.objects.filter(election=pemilu, code__startswith="62.13").count()
    page = login("uji-viewer").get("/logistik/papan/?wilayah=62.13&pemilu=pemilu-2024").content
    assert b'id="board"' in page and b"BARTIM-2" in page


def travel_file(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["dari", "ke", "menit", "km", "moda"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_travel(client, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "waktu-tempuh.xlsx"
    return client.post("/logistik/armada/?wilayah=62.13&pemilu=pemilu-2024", {"t-file": upload})


def test_a_travel_time_file_with_an_unknown_tps_code_writes_nothing(login):
    from siaga.logistics.models import TravelTime

    page = upload_travel(login("uji-coordinator"), travel_file([
        ["62.13", "62.13.05", 240, 60, "truck"],
        ["62.13.05", "62.13.05.9999-001", 30, None, ""],
        ["62.13", "62.13.02", 0, None, "kapal terbang"]])).content.decode()
    assert 'id="travel-problems"' in page
    assert "62.13.05.9999-001" in page  # row 3: no such TPS
    assert "<td>4</td><td>minutes</td>" in page and "<td>4</td><td>mode</td>" in page
    assert not TravelTime.objects.exists()


def test_a_known_travel_time_replaces_the_estimate_from_coordinates(login, pemilu):
    from siaga.logistics import routing

    response = upload_travel(login("uji-coordinator"),
                             travel_file([["62.13", "62.13.05", 25, 21.5, "truck"]]))
    assert response.status_code == 302
    regency = Region.objects.get(code="62.13")
    network = registry.build_network(pemilu, regency,
                                     registry.default_timing(pemilu, regency.zoneinfo))
    warehouse_leg = network.legs[0]
    minutes, km = routing.travel_matrices(warehouse_leg)["truck"]
    at = [s.code for s in warehouse_leg.stops].index("62.13.05") + 1
    estimate = routing.travel_matrices(replace(warehouse_leg, matrices=()))["truck"][0][0, at]
    assert estimate > 25
    # Both ways when only one is given. (A time longer than a path through other sites would
    # be bypassed: travel follows the shortest path.)
    assert minutes[0, at] == minutes[at, 0] == 25
    assert km[0, at] == 21.5
