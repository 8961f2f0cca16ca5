"""Loading the candidates of an election from CSV or XLSX (KPU's published lists, typed into a
spreadsheet): every row checked first, nothing written when any row is wrong, then every row
written in one transaction (re-loading the same list changes nothing).

One row per choice on a ballot: `kontes` (PPWP, DPR, DPD, DPRD_PROV, DPRD_KAB, GUBERNUR,
BUPATI, WALIKOTA), `nomor` (the ballot number; a party's candidate on a DPR/DPRD list is
written party.order, e.g. `01.3`), `nama`, `partai` (party or coalition) and `dapil` (its code;
needed for DPR/DPRD, where the lists differ per dapil).
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.regions.models import Contest, Dapil, Election
from siaga.results.models import Candidate
from siaga.tables import read_table

ALIASES = {
    "kontes": "contest", "jenis": "contest", "jenis pemilihan": "contest", "contest": "contest",
    "nomor": "number", "nomor urut": "number", "no urut": "number", "number": "number",
    "nama": "name", "nama calon": "name", "name": "name",
    "partai": "party", "partai politik": "party", "gabungan partai": "party", "party": "party",
    "dapil": "dapil", "kode dapil": "dapil", "sintetis": "synthetic", "synthetic": "synthetic",
}
REQUIRED = ("contest", "number", "name")
PARTY_LISTS = {Contest.Kind.DPR, Contest.Kind.DPRD_PROV, Contest.Kind.DPRD_KAB}
NUMBER = re.compile(r"^(\d{1,3})(?:\.(\d{1,3}))?$")
YES = {"ya", "y", "yes", "1", "true", "benar"}


def _number(raw) -> tuple[str, str | None] | None:
    """'1' → ('01', None); '01.3' → ('01', '3'); None when it is not a ballot number."""
    text = str(raw if raw is not None else "").strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    found = NUMBER.match(text)
    if not found:
        return None
    party = found.group(1).zfill(2)
    return party, (str(int(found.group(2))) if found.group(2) else None)


def import_candidates(election: Election, filename: str, content: bytes, *,
                      dry_run: bool = False) -> tuple[dict, list[dict]]:
    """({created, updated, unchanged}, problems): nothing is written when there is any
    problem (or on a dry run)."""
    table, problems = read_table(content, ALIASES, REQUIRED)
    if problems:
        return {}, problems
    contests = {c.kind: c for c in Contest.objects.filter(election=election)}
    dapils = {(d.contest_id, d.code.upper()): d for d in Dapil.objects.filter(
        contest__election=election)}
    rows, seen = [], {}
    for n, value in table:
        known = len(problems)
        kind = str(value.get("contest") or "").strip().upper()
        contest = contests.get(kind)
        if contest is None:
            problems.append({"row": n, "column": "kontes", "reason": _(
                "%(election)s has no contest '%(v)s'.") % {"election": election.name, "v": kind}})
        number = _number(value.get("number"))
        if number is None:
            problems.append({"row": n, "column": "nomor", "reason": _(
                "'%(v)s' is not a ballot number (01, or 01.3 for a party's third candidate)."
            ) % {"v": value.get("number")}})
        name = str(value.get("name") or "").strip()
        if not name or len(name) > 200:
            problems.append({"row": n, "column": "nama", "reason": _(
                "A name of 1 to 200 characters is needed.")})
        party = str(value.get("party") or "").strip()[:200]
        dapil_code = str(value.get("dapil") or "").strip().upper()
        dapil = None
        if contest is not None and dapil_code:
            dapil = dapils.get((contest.pk, dapil_code))
            if dapil is None:
                problems.append({"row": n, "column": "dapil", "reason": _(
                    "%(contest)s has no dapil '%(v)s'.") % {"contest": kind, "v": dapil_code}})
        elif contest is not None and kind in PARTY_LISTS:
            problems.append({"row": n, "column": "dapil", "reason": _(
                "%(contest)s lists differ per dapil: give the dapil code.") % {"contest": kind}})
        if contest is not None and number is not None and number[1] and kind not in PARTY_LISTS:
            problems.append({"row": n, "column": "nomor", "reason": _(
                "Only DPR and DPRD ballots list a party's candidates (%(v)s).") % {
                "v": value.get("number")}})
        if len(problems) > known:  # duplicates and party lists only among good rows
            continue
        key = (contest.pk, dapil.pk if dapil else None,
               number[0] + (f".{number[1]}" if number[1] else ""))
        if key in seen:
            problems.append({"row": n, "column": "nomor", "reason": _(
                "Ballot number %(v)s is listed twice (rows %(a)s and %(b)s).") % {
                "v": key[2], "a": seen[key], "b": n}})
            continue
        seen[key] = n
        synthetic = str(value.get("synthetic") or "").strip().lower() in YES
        rows.append((n, contest, dapil, key[2], name, party, synthetic))
    # A party's candidate needs its party on the same ballot (in the file or already loaded).
    parties = {(c, d, num) for (c, d, num) in seen if "." not in num}
    parties |= set(Candidate.objects.filter(contest__election=election).exclude(
        number__contains=".").values_list("contest_id", "dapil_id", "number"))
    for n, contest, dapil, number, *_rest in rows:
        if "." in number and (contest.pk, dapil.pk if dapil else None,
                              number.split(".")[0]) not in parties:
            problems.append({"row": n, "column": "nomor", "reason": _(
                "Candidate %(v)s belongs to party %(p)s, which is not on this ballot.") % {
                "v": number, "p": number.split(".")[0]}})
    if problems or dry_run:
        return ({} if problems else {"rows": len(rows)}), problems
    summary = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for _n, contest, dapil, number, name, party, synthetic in rows:
            found = Candidate.objects.filter(contest=contest, dapil=dapil, number=number).first()
            if found is None:
                Candidate.objects.create(contest=contest, dapil=dapil, number=number, name=name,
                                         party=party, is_synthetic=synthetic)
                summary["created"] += 1
            elif (found.name, found.party, found.is_synthetic) != (name, party, synthetic):
                found.name, found.party, found.is_synthetic = name, party, synthetic
                found.save()  # audited (results/apps.py)
                summary["updated"] += 1
            else:
                summary["unchanged"] += 1
    return summary, []
