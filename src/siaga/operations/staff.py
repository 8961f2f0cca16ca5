"""The ASN staff registry: XLSX import (every row checked first, then all or nothing), the
synthetic demo staff, and the assignment proposal written to the database."""

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from siaga.accounts import audit
from siaga.accounts.models import Agency, AuditEntry
from siaga.operations import assign
from siaga.operations.models import Assignment, Staff
from siaga.regions.models import TPS, Election, Level, Region
from siaga.tables import read_table

ALIASES = {"nama": "name", "name": "name", "nip": "nip", "opd": "opd", "jabatan": "position",
           "position": "position", "kepala": "is_head", "kepala opd": "is_head",
           "telepon": "phone", "hp": "phone", "no hp": "phone", "phone": "phone",
           "desa": "home", "kode desa": "home", "desa tempat tinggal": "home", "home": "home"}
YES = {"ya", "y", "yes", "1", "true", "kepala"}


def import_xlsx(regency: Region, content: bytes) -> tuple[int, list[dict]]:
    """(staff written, problems); nothing is written when there is any problem."""
    table, problems = read_table(content, ALIASES, ("name", "nip", "opd"))
    if problems:
        return 0, problems
    agencies = {}
    for a in Agency.objects.filter(region__code__startswith=regency.code[:2]):
        agencies[a.code.lower()] = a
        agencies[a.name.lower()] = a
    desa = set(Region.objects.within(regency).filter(level=Level.DESA)
               .values_list("code", flat=True))
    seen, rows = {}, []
    for number, value in table:
        name = str(value["name"] or "").strip()
        nip = str(value["nip"] or "").strip().replace(" ", "")
        if nip.endswith(".0"):  # a NIP typed as a number
            nip = nip[:-2]
        if not name:
            problems.append({"row": number, "column": "name", "reason": _("The name is empty.")})
        if not (nip.isdigit() and len(nip) == 18):
            problems.append({"row": number, "column": "nip", "reason": _(
                "'%(v)s' is not a NIP (18 digits).") % {"v": nip}})
        elif nip in seen:
            problems.append({"row": number, "column": "nip", "reason": _(
                "NIP %(nip)s also appears in row %(row)s.") % {"nip": nip, "row": seen[nip]}})
        seen.setdefault(nip, number)
        opd = agencies.get(str(value["opd"] or "").strip().lower())
        if opd is None:
            problems.append({"row": number, "column": "opd", "reason": _(
                "Unknown OPD '%(v)s': use the code or name of an agency in the master data.")
                % {"v": value["opd"]}})
        home = str(value.get("home") or "").strip()
        if home and home not in desa:
            problems.append({"row": number, "column": "home", "reason": _(
                "'%(v)s' is not a desa code of %(regency)s.") % {"v": home,
                                                                 "regency": regency.name}})
        phone = "".join(ch for ch in str(value.get("phone") or "") if ch.isdigit())
        rows.append(dict(name=name, nip=nip, opd=opd, position=str(value.get("position") or "")
                         .strip(), is_head=str(value.get("is_head") or "").strip().lower() in YES,
                         phone=phone, home=home))
    if problems:
        return 0, problems
    homes = {r.code: r for r in Region.objects.filter(code__in={r["home"] for r in rows})}
    with transaction.atomic():
        for r in rows:
            staff = Staff.objects.filter(nip=r["nip"]).first() or Staff(nip=r["nip"])
            if staff.pk and not staff.region.code.startswith(regency.code):
                raise ValueError(r["nip"])  # never move another regency's staff silently
            for key in ("name", "opd", "position", "is_head", "phone"):
                setattr(staff, key, r[key])
            staff.home, staff.region = homes.get(r["home"]), regency
            staff.save()  # audited one by one
    return len(rows), []


def load_demo_staff(regency_code: str = "62.13", seed: int = 7) -> int:
    """Synthetic ASN for the demo: 12 OPD, a head each, 400 staff living in desa weighted by
    their TPS. Every name, NIP and phone is invented and labelled so."""
    regency = Region.objects.get(code=regency_code)
    if Staff.objects.filter(region=regency).exists():
        return 0
    names = ["Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum", "Dinas Sosial",
             "Dinas Perhubungan", "Dinas Pertanian", "BPBD", "Bappeda", "BKPSDM", "Inspektorat",
             "Dinas Kominfo", "Satpol PP"]
    agencies = []
    for i, name in enumerate(names, start=1):
        agency, _created = Agency.objects.get_or_create(
            code=f"opd-bartim-{i:02d}", defaults={"name": f"{name} (sintetis)", "kind": "opd",
                                                   "region": regency})
        agencies.append(agency)
    desa = list(Region.objects.within(regency).filter(level=Level.DESA).order_by("code"))
    weight = np.array([TPS.objects.filter(village=d).count() for d in desa], dtype=float) + 0.5
    rng = np.random.default_rng(seed)
    staff = []
    for i in range(len(agencies) + 400):
        head = i < len(agencies)
        agency = agencies[i % len(agencies)]
        home = desa[int(rng.choice(len(desa), p=weight / weight.sum()))]
        staff.append(Staff(
            name=f"{'Kepala' if head else 'Staf'} {agency.name.split(' (')[0]} {i + 1:03d} "
                 "(sintetis)",
            nip=f"1980{(i % 12) + 1:02d}{(i % 28) + 1:02d}2006{(i % 2) + 1:02d}1{i:03d}",
            opd=agency, position="Kepala OPD" if head else "Staf", is_head=head,
            phone=f"0800{i:08d}", home=home, region=regency, is_synthetic=True))
    Staff.objects.bulk_create(staff)
    return len(staff)


@transaction.atomic
def propose_and_save(election: Election, regency: Region,
                     rules: assign.Rules | None = None) -> assign.Proposal:
    """Propose for everyone not set by hand and replace the earlier proposal; assignments
    set by hand stay, and their people and TPS are left out of the proposal."""
    manual = list(Assignment.objects.filter(election=election, region__code__startswith=regency.code,
                                            manual=True))
    taken_people = {a.staff_id for a in manual}
    taken_tps = {code for a in manual for code in a.tps}
    people = [assign.Person(str(s.pk), s.name, str(s.opd_id), s.is_head,
                            s.home.code if s.home else "")
              for s in Staff.objects.filter(region=regency).select_related("home")
              if s.pk not in taken_people]
    sites = [assign.Site(code, lat, lon) for code, lat, lon in
             TPS.objects.filter(election=election, code__startswith=regency.code)
             .values_list("code", "latitude", "longitude") if code not in taken_tps]
    centroids = {code: (lat, lon) for code, lat, lon in Region.objects.within(regency)
                 .filter(level=Level.DESA, latitude__isnull=False)
                 .values_list("code", "latitude", "longitude")}
    proposal = assign.propose(people, sites, rules, desa_centroids=centroids)
    old = Assignment.objects.filter(election=election, region__code__startswith=regency.code,
                                    manual=False)
    entries = [audit.record(Assignment, "delete", f"{a.staff_id}/{a.target}", a.region.code,
                            audit.snapshot(a), None) for a in old.select_related("region")]
    old.delete()
    regions = {r.code: r for r in Region.objects.within(regency)
               .filter(level__in=[Level.KECAMATAN, Level.DESA])}
    rows = [Assignment(election=election, staff_id=int(pid), kind="kecamatan", target=kec,
                       region=regions[kec]) for kec, ids in proposal.heads.items() for pid in ids]
    rows += [Assignment(election=election, staff_id=int(g.person_id), kind="tps_group",
                        target=g.name, region=regions[g.desa], tps=list(g.tps))
             for g in proposal.groups if g.person_id is not None]
    Assignment.objects.bulk_create(rows)
    entries += [audit.record(Assignment, "create", f"{a.staff_id}/{a.target}", a.region.code,
                             None, audit.snapshot(a)) for a in rows]
    AuditEntry.objects.bulk_create(entries)
    return proposal


def conflicts(election: Election, regency: Region) -> list[assign.Problem]:
    """Everything wrong with the assignment as it stands (after changes by hand)."""
    rows = Assignment.objects.filter(election=election, region__code__startswith=regency.code)
    assignments = [assign.Assignment(str(a.staff_id), a.kind, a.target, tuple(a.tps))
                   for a in rows]
    people = [assign.Person(str(s.pk), s.name, str(s.opd_id), s.is_head,
                            s.home.code if s.home else "")
              for s in Staff.objects.filter(region=regency).select_related("home")]
    sites = list(TPS.objects.filter(election=election, code__startswith=regency.code)
                 .values_list("code", flat=True))
    centroids = {code: (lat, lon) for code, lat, lon in Region.objects.within(regency)
                 .filter(level=Level.DESA, latitude__isnull=False)
                 .values_list("code", "latitude", "longitude")}
    return assign.check(assignments, sites, people, desa_centroids=centroids)
