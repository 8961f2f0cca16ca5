"""Officer files (XLSX or CSV): every row checked first, then all written or nothing.

Checks per row: the NIK (16 digits, a known kecamatan code, a birth date that agrees with the
stated one and the sex), the post (position and its TPS, desa or kecamatan inside the region),
the age on polling day under the election's rules, one person in one post (within the file
and against officers already registered), and no team above its quota or with two chairs.
A missing health certificate is not a reason to refuse a row: it is listed as a gap to close.
A row for a person already registered in the same post updates that record.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.accounts import audit
from siaga.accounts.models import AuditEntry
from siaga.officers import crypto, eligibility, nik
from siaga.officers.eligibility import Unit
from siaga.officers.models import Officer
from siaga.regions.models import TPS, Election, Level, Region
from siaga.tables import read_table

ALIASES = {
    "nama": "name", "nama lengkap": "name", "name": "name",
    "nik": "nik", "no nik": "nik", "nomor nik": "nik",
    "tanggal lahir": "birth_date", "tgl lahir": "birth_date", "tanggal_lahir": "birth_date",
    "birth date": "birth_date",
    "jenis kelamin": "sex", "jk": "sex", "l/p": "sex", "sex": "sex",
    "telepon": "phone", "no hp": "phone", "hp": "phone", "phone": "phone", "no telepon": "phone",
    "alamat": "address", "address": "address",
    "jabatan": "position", "posisi": "position", "position": "position",
    "ketua": "is_chair", "chair": "is_chair",
    "tps": "tps", "kode tps": "tps",
    "desa": "desa", "kode desa": "desa",
    "kecamatan": "kecamatan", "kode kecamatan": "kecamatan",
    "surat sehat": "health", "surat keterangan sehat": "health", "health certificate": "health",
    "tanggal surat sehat": "health_date", "tgl surat sehat": "health_date",
}
# Columns named in problems as the Indonesian header of the template.
COLUMN_NAMES = {"name": "nama", "nik": "nik", "birth_date": "tanggal lahir",
                "sex": "jenis kelamin", "phone": "telepon", "address": "alamat",
                "position": "jabatan", "is_chair": "ketua", "tps": "tps", "desa": "desa",
                "kecamatan": "kecamatan", "health": "surat sehat",
                "health_date": "tanggal surat sehat"}
TEMPLATE_HEADER = ["nama", "nik", "tanggal lahir", "jenis kelamin", "telepon", "alamat",
                   "jabatan", "ketua", "tps", "desa", "kecamatan", "surat sehat",
                   "tanggal surat sehat"]
REQUIRED = ("name", "nik", "position")
YES = {"ya", "y", "yes", "1", "true", "ada", "ketua", "v", "✓"}
SEX = {"l": "L", "laki-laki": "L", "laki laki": "L", "pria": "L", "m": "L",
       "p": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P"}
POSITIONS = {"kpps": "KPPS", "pps": "PPS", "ppk": "PPK", "ptps": "PTPS", "pengawas tps": "PTPS",
             "linmas": "LINMAS", "satlinmas": "LINMAS", "petugas ketertiban tps": "LINMAS"}


@dataclass
class Row:
    number: int
    name: str
    nik: str
    birth_date: datetime.date
    sex: str
    phone: str
    address: str
    position: str
    is_chair: bool
    unit_code: str
    tps_id: int | None
    region_id: int
    health: bool
    health_date: datetime.date | None
    existing: int | None = None  # the pk of the same person already in the same post


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def per_position(self) -> list[tuple[str, int]]:
        counts = Counter(r.position for r in self.rows)
        return [(p.value, counts[p.value]) for p in eligibility.Position if counts[p.value]]


def parse_date(value) -> datetime.date | None:
    """A date cell: a spreadsheet date, 2024-02-14, 14-02-2024, 14/02/2024 or 14.02.2024."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def known_nik_regions() -> tuple[set[str], set[str]]:
    """(kecamatan codes, regency codes with no kecamatan in the master data): a NIK's code is
    real when its kecamatan is known, or when its regency is known but its kecamatan are not
    loaded (the master data of a regency-level install holds only its own kecamatan)."""
    kecamatan = set(Region.objects.filter(level=Level.KECAMATAN).values_list("code", flat=True))
    regencies = set(Region.objects.filter(level=Level.KABKOTA).values_list("code", flat=True))
    return kecamatan, regencies - {code[:5] for code in kecamatan}


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def check_file(*, election: Election, region: Region, content: bytes) -> Report:
    """Read and check every row; writes nothing."""
    report = Report()
    table, problems = read_table(content, ALIASES, REQUIRED)
    if problems:
        report.problems = [dict(p, column=COLUMN_NAMES.get(p["column"], p["column"]))
                           for p in problems]
        return report
    rules = eligibility.rules_for(election.slug)
    polling = election.polling_date
    kecamatan_codes, open_regencies = known_nik_regions()
    tps = {code: (pk, village_id) for pk, code, village_id in TPS.objects.filter(
        election=election, code__startswith=region.code).values_list("id", "code", "village_id")}
    areas = dict(Region.objects.within(region).filter(level__in=[Level.DESA, Level.KECAMATAN])
                 .values_list("code", "id"))
    existing = {index: (pk, position, tps_code or area) for pk, index, position, tps_code, area
                in Officer.objects.filter(election=election).values_list(
                    "pk", "nik_index", "position", "tps__code", "region__code")}
    seen: dict[str, int] = {}
    out = report.problems

    def problem(number, column, reason):
        out.append({"row": number, "column": COLUMN_NAMES.get(column, column), "reason": reason})

    for number, value in table:
        name = _text(value.get("name"))
        if not name:
            problem(number, "name", _("The name is empty."))
        try:
            stated_birth = parse_date(value.get("birth_date"))
        except ValueError as exc:
            problem(number, "birth_date", _("'%(v)s' is not a date (use 1990-07-18 or "
                                            "18-07-1990).") % {"v": exc.args[0]})
            stated_birth = None
        raw_sex = _text(value.get("sex")).lower()
        sex = SEX.get(raw_sex)
        if raw_sex and sex is None:
            problem(number, "sex", _("'%(v)s' is not L or P.") % {"v": raw_sex})
        info = nik.parse_nik(value.get("nik"), reference=polling)
        if isinstance(info, nik.NikProblem):
            problem(number, "nik", info.render(_))
            info = None
        else:
            if info.region_code not in kecamatan_codes and info.region_code[:5] not in \
                    open_regencies:
                problem(number, "nik", nik.NikProblem("unknown_region",
                                                      {"code": info.region_code}).render(_))
            for p in nik.check_stated(info, birth_date=stated_birth, sex=sex):
                problem(number, "birth_date" if p.code == "mismatch" else "sex", p.render(_))
        birth = stated_birth or (info.birth_date if info else None)
        position = POSITIONS.get(_text(value.get("position")).lower())
        if position is None:
            problem(number, "position", _("'%(v)s' is not a position (KPPS, PPS, PPK, PTPS, "
                                          "Linmas).") % {"v": _text(value.get("position"))})
        is_chair = _text(value.get("is_chair")).lower() in YES
        unit_code, tps_id, region_id = "", None, None
        if position:
            rule = rules.rule(position)
            column = {Unit.TPS: "tps", Unit.DESA: "desa", Unit.KECAMATAN: "kecamatan"}[rule.unit]
            unit_code = _text(value.get(column))
            if rule.unit == Unit.TPS:
                found = tps.get(unit_code)
                if found is None:
                    problem(number, "tps", _("There is no TPS '%(code)s' of %(election)s in "
                                             "%(region)s.") % {"code": unit_code,
                                                               "election": election.name,
                                                               "region": region.name})
                else:
                    tps_id, region_id = found
            else:
                region_id = areas.get(unit_code)
                wanted = Level.DESA if rule.unit == Unit.DESA else Level.KECAMATAN
                if region_id is None or unit_code.count(".") != (3 if wanted == Level.DESA
                                                                 else 2):
                    region_id = None
                    problem(number, column, _("'%(code)s' is not a %(level)s code in "
                                              "%(region)s.") % {"code": unit_code,
                                                                "level": wanted.label,
                                                                "region": region.name})
            if birth is not None:
                for p in eligibility.age_problems(rule, birth, polling):
                    problem(number, "birth_date", p.render(_))
            if is_chair and not rule.chairs and position not in ("PPS", "PPK"):
                problem(number, "is_chair", _("%(position)s has no chair.") % {
                    "position": position})
        try:
            health_date = parse_date(value.get("health_date"))
        except ValueError as exc:
            problem(number, "health_date", _("'%(v)s' is not a date (use 1990-07-18 or "
                                             "18-07-1990).") % {"v": exc.args[0]})
            health_date = None
        health = _text(value.get("health")).lower() in YES or health_date is not None
        phone = "".join(ch for ch in _text(value.get("phone")) if ch.isdigit() or ch == "+")
        if info is None or birth is None or position is None or region_id is None or not name:
            continue
        index = crypto.blind_index(info.nik)
        if index in seen:
            problem(number, "nik", _("The same person (NIK %(nik)s) is also in row %(row)s: "
                                     "one person, one post.") % {"nik": nik.mask(info.nik),
                                                                 "row": seen[index]})
            continue
        seen[index] = number
        before = existing.get(index)
        if before is not None and (before[1] != position or before[2] != unit_code):
            problem(number, "nik", _("The same person (NIK %(nik)s) is already registered as "
                                     "%(position)s at %(unit)s: one person, one post.") % {
                "nik": nik.mask(info.nik), "position": before[1], "unit": before[2]})
            continue
        report.rows.append(Row(number, name, info.nik, birth, sex or info.sex, phone,
                               _text(value.get("address"))[:250], position, is_chair, unit_code,
                               tps_id, region_id, health, health_date,
                               before[0] if before else None))
    _check_quotas(report, rules, election, problem)
    return report


def _check_quotas(report: Report, rules, election, problem) -> None:
    """No team above its quota and no second chair, counting the officers already there."""
    updated = {r.existing for r in report.rows if r.existing is not None}
    units = {(r.position, r.unit_code) for r in report.rows}
    present, chairs = Counter(), Counter()
    for pk, position, tps_code, area, is_chair in Officer.objects.filter(
            election=election).values_list("pk", "position", "tps__code", "region__code",
                                           "is_chair"):
        key = (position, tps_code or area)
        if key in units and pk not in updated:
            present[key] += 1
            chairs[key] += is_chair
    for r in report.rows:
        key = (r.position, r.unit_code)
        rule = rules.rule(r.position)
        present[key] += 1
        if present[key] > rule.per_unit:
            problem(r.number, "position", _("%(unit)s would have %(n)s %(position)s; the quota "
                                            "is %(max)s.") % {"unit": r.unit_code,
                                                              "n": present[key],
                                                              "position": r.position,
                                                              "max": rule.per_unit})
        if r.is_chair:
            chairs[key] += 1
            if chairs[key] > max(rule.chairs, 1):
                problem(r.number, "is_chair", _("%(unit)s already has a %(position)s chair.")
                        % {"unit": r.unit_code, "position": r.position})


def officer_key(o: Officer) -> str:
    return f"{o.position}/{o.unit_code}/{o.pk}"


def officer_region(o: Officer) -> str:
    return o.tps.code.split("-")[0] if o.tps_id else o.region.code


@transaction.atomic
def import_file(*, election: Election, region: Region, content: bytes,
                dry_run: bool = False) -> Report:
    """Check the file, and unless there is a problem (or it is a dry run) write every row:
    new officers created, those already in the same post updated; audited."""
    report = check_file(election=election, region=region, content=content)
    if not report.ok or dry_run:
        return report
    new, changed, entries = [], [], []
    existing = Officer.objects.with_units().in_bulk([r.existing for r in report.rows
                                                     if r.existing is not None])
    fields = ["name", "birth_date", "sex", "address", "is_chair", "has_health_certificate",
              "health_certificate_date", "phone_cipher"]
    for r in report.rows:
        o = existing[r.existing] if r.existing else Officer(election=election)
        before = audit.snapshot(o) if r.existing else None
        o.position, o.tps_id, o.region_id = r.position, r.tps_id, r.region_id
        o.name, o.birth_date, o.sex, o.address = r.name, r.birth_date, r.sex, r.address
        o.is_chair, o.has_health_certificate = r.is_chair, r.health
        o.health_certificate_date = r.health_date
        if r.existing is None:
            o.set_nik(r.nik)
            o.set_phone(r.phone)
            new.append(o)
        else:
            if o.phone != r.phone:  # a fresh nonce would show as a change in the audit log
                o.set_phone(r.phone)
            o.is_synthetic = False
            after = audit.snapshot(o)
            if after != before:
                changed.append(o)
                entries.append(audit.record(Officer, "update", officer_key(o),
                                            officer_region(o), before, after))
    Officer.objects.bulk_create(new, batch_size=1000)
    Officer.objects.bulk_update(changed, fields + ["is_synthetic"], batch_size=1000)
    tps_codes = dict(TPS.objects.filter(pk__in={o.tps_id for o in new if o.tps_id})
                     .values_list("id", "code"))
    area_codes = dict(Region.objects.filter(pk__in={o.region_id for o in new})
                      .values_list("id", "code"))
    for o in new:
        unit = tps_codes[o.tps_id] if o.tps_id else area_codes[o.region_id]
        entries.append(audit.record(Officer, "create", f"{o.position}/{unit}/{o.pk}",
                                    unit.split("-")[0], None, audit.snapshot(o)))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    report.created, report.updated, report.committed = len(new), len(changed), True
    return report
