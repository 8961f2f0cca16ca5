"""BPJS Ketenagakerjaan: enrolling officers, the collective enrolment file to hand to BPJS,
and BPJS's confirmation read back (every row checked first, all or nothing)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from siaga import xlsx
from siaga.accounts import audit
from siaga.accounts.models import AuditEntry
from siaga.officers import crypto, nik
from siaga.officers.imports import officer_key, officer_region, parse_date
from siaga.officers.models import Enrolment, scheme_for
from siaga.tables import read_table

# The columns of a collective (kolektif) registration of non-wage workers (BPU) through a
# partner as BPJS branch offices ask for them; check the branch's current template.
COLLECTIVE_HEADER = ["No", "Referensi", "NIK", "Nama Lengkap", "Tanggal Lahir", "Jenis Kelamin",
                     "Alamat", "No HP", "Jenis Pekerjaan", "Lokasi Kerja", "Program",
                     "Iuran per Bulan (Rp)", "Periode Mulai", "Periode Selesai",
                     "Jumlah Bulan", "Iuran Total (Rp)", "Dibayar oleh"]
CONFIRMATION_ALIASES = {
    "nik": "nik", "referensi": "ref", "ref": "ref", "no referensi": "ref",
    "nomor kepesertaan": "number", "no kepesertaan": "number", "kpj": "number",
    "no kpj": "number", "membership number": "number", "nomor kartu": "number",
    "status": "status", "status kepesertaan": "status",
    "tanggal": "date", "tanggal aktif": "date", "tgl aktif": "date", "date": "date",
}
STATUS_WORDS = {"aktif": "active", "active": "active", "terdaftar": "active",
                "ditolak": "rejected", "rejected": "rejected", "gagal": "rejected",
                "berakhir": "ended", "nonaktif": "ended", "ended": "ended"}


@transaction.atomic
def enrol_missing(*, officers, start: datetime.date, end: datetime.date, payer: str,
                  election) -> int:
    """An enrolment (to be registered) for every officer in `officers` without one."""
    premium = scheme_for(election).monthly_premium
    rows = [Enrolment(officer=o, period_start=start, period_end=end, monthly_premium=premium,
                      payer=payer) for o in officers.filter(enrolment__isnull=True)
            .with_units()]
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    AuditEntry.objects.bulk_create(
        [audit.record(Enrolment, "create", f"bpjs/{officer_key(e.officer)}",
                      officer_region(e.officer), None, audit.snapshot(e)) for e in rows],
        batch_size=1000)
    return len(rows)


def collective_rows(enrolments) -> list[list]:
    """The rows of the collective file, with the NIK and phone in clear (the caller has checked
    the right to unmask and logs the export)."""
    rows = []
    for number, e in enumerate(enrolments, start=1):
        o = e.officer
        rows.append([number, f"P{o.pk}", o.nik, o.name, o.birth_date.strftime("%d-%m-%Y"),
                     "Laki-laki" if o.sex == "L" else "Perempuan", o.address, o.phone,
                     f"Petugas {o.get_position_display()}" + (" (sintetis)" if o.is_synthetic
                                                              else ""),
                     o.unit_code, e.programmes, e.monthly_premium,
                     e.period_start.strftime("%d-%m-%Y"), e.period_end.strftime("%d-%m-%Y"),
                     e.premium_total // max(e.monthly_premium, 1), e.premium_total,
                     e.get_payer_display()])
    return rows


def collective_file(enrolments, *, title: str) -> bytes:
    book = xlsx.new_book()
    xlsx.add_table(book, "Pendaftaran", title=title, header=COLLECTIVE_HEADER,
                   rows=collective_rows(enrolments))
    return xlsx.to_bytes(book)


def import_confirmation(*, election, region, content: bytes) -> tuple[int, list[dict]]:
    """(enrolments updated, problems) from BPJS's answer: a row per officer found by NIK or by
    the file's reference (P123), with the membership number and status. Nothing is written
    when any row is wrong."""
    table, problems = read_table(content, CONFIRMATION_ALIASES, ("number", "status"))
    if problems:
        return 0, problems
    enrolments = Enrolment.objects.filter(officer__election=election,
                                          officer__region__code__startswith=region.code)
    by_index = {e.officer.nik_index: e for e in enrolments.select_related(
        "officer__tps", "officer__region").defer("officer__region__boundary")}
    by_ref = {f"P{e.officer_id}": e for e in by_index.values()}
    updates, seen = [], {}
    for number, value in table:
        raw_nik = nik.normalize_nik(value.get("nik"))
        ref = str(value.get("ref") or "").strip().upper()
        enrolment = None
        if raw_nik:
            enrolment = by_index.get(crypto.blind_index(raw_nik))
        elif ref:
            enrolment = by_ref.get(ref)
        if enrolment is None:
            problems.append({"row": number, "column": "nik" if raw_nik else "referensi",
                             "reason": _("No officer of %(region)s waiting for BPJS has NIK "
                                         "%(nik)s or reference '%(ref)s'.") % {
                                 "region": region.name, "nik": nik.mask(raw_nik) or "-",
                                 "ref": ref or "-"}})
            continue
        if enrolment.pk in seen:
            problems.append({"row": number, "column": "nik", "reason": _(
                "The same officer is also in row %(row)s.") % {"row": seen[enrolment.pk]}})
            continue
        seen[enrolment.pk] = number
        status = STATUS_WORDS.get(str(value.get("status") or "").strip().lower())
        if status is None:
            problems.append({"row": number, "column": "status", "reason": _(
                "'%(v)s' is not a status (aktif, ditolak, berakhir).") % {
                "v": value.get("status")}})
        membership = str(value.get("number") or "").strip()
        if isinstance(value.get("number"), float) and value["number"].is_integer():
            membership = str(int(value["number"]))
        if status == "active" and not membership:
            problems.append({"row": number, "column": "nomor kepesertaan", "reason": _(
                "An active enrolment needs its membership number.")})
        try:
            day = parse_date(value.get("date"))
        except ValueError as exc:
            problems.append({"row": number, "column": "tanggal", "reason": _(
                "'%(v)s' is not a date (use 1990-07-18 or 18-07-1990).") % {"v": exc.args[0]}})
            day = None
        updates.append((enrolment, status, membership, day))
    if problems:
        return 0, problems
    with transaction.atomic():
        for enrolment, status, membership, day in updates:
            enrolment.status, enrolment.membership_number = status, membership[:40]
            enrolment.confirmed_on = day or datetime.date.today()
            enrolment.save()  # audited one by one
    return len(updates), []

