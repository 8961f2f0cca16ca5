import pytest
from django.db.models import Max, Sum

from siaga.regions.models import TPS, Contest, Dapil, Level, Region

pytestmark = pytest.mark.django_db


def test_demo_regency_has_its_published_kecamatan_and_villages():
    regency = Region.objects.get(code="62.13")
    assert regency.name == "Kabupaten Barito Timur"
    assert Region.objects.within(regency).filter(level=Level.KECAMATAN).count() == 10
    desa = Region.objects.within(regency).filter(level=Level.DESA)
    assert desa.count() == 103
    assert desa.filter(is_kelurahan=True).count() == 3
    assert not desa.filter(boundary__isnull=True).exists()
    assert not Region.objects.within(regency).filter(is_synthetic=True).exists()


def test_demo_tps_match_the_published_totals_and_say_they_are_synthetic(pemilu):
    tps = TPS.objects.filter(election=pemilu, code__startswith="62.13")
    totals = tps.aggregate(men=Sum("dpt_men"), women=Sum("dpt_women"))
    assert tps.count() == 387
    assert totals["men"] + totals["women"] == 81_100
    assert max(t.dpt for t in tps) <= pemilu.max_voters_per_tps
    assert not tps.filter(is_synthetic=False).exists()
    assert tps.aggregate(Max("number"))["number__max"] >= 1


def test_every_demo_tps_lies_inside_its_village_polygon(pemilu):
    from matplotlib.path import Path

    for village in Region.objects.filter(level=Level.DESA, code__startswith="62.13"):
        path = Path(village.boundary["coordinates"][0])
        for tps in village.tps.filter(election=pemilu):
            assert path.contains_point((tps.longitude, tps.latitude)), tps.code


def test_demo_elections_carry_their_rules_and_contests(pemilu):
    assert (pemilu.max_voters_per_tps, pemilu.polling_date.isoformat()) == (300, "2024-02-14")
    assert list(pemilu.contests.values_list("kind", flat=True)) == [
        "PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KAB"]
    assert pemilu.items_per_tps["kotak_suara"] == 5
    pilkada = Contest.objects.get(election__slug="pilkada-2024", kind="BUPATI").election
    assert pilkada.max_voters_per_tps == 600


def test_every_kecamatan_of_the_regency_is_in_exactly_one_dprd_kab_dapil():
    dapils = Dapil.objects.filter(contest__election__slug="pemilu-2024", contest__kind="DPRD_KAB")
    covered = [r.code for d in dapils for r in d.regions.all()]
    assert sorted(covered) == [f"62.13.{i:02d}" for i in range(1, 11)]
    assert all(d.is_synthetic for d in dapils)


def test_synth_builds_a_synthetic_province_next_to_the_demo(capsys):
    from django.core.management import call_command

    call_command("synth", "--tps", "300", "--province", "11", "--seed", "3")
    tps = TPS.objects.filter(code__startswith="11.")
    assert tps.count() == 300
    assert not tps.filter(is_synthetic=False).exists()
    assert max(t.dpt for t in tps) <= 300
    assert Region.objects.filter(code__startswith="11.", is_synthetic=False).count() == 0
    assert "300 TPS sintetis ditulis" in capsys.readouterr().out


def test_synth_refuses_to_mix_with_real_regions():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="collide"):
        call_command("synth", "--tps", "300", "--province", "62")
