"""Assignment letters (Surat Tugas): numbered in the regency's scheme, one per OPD with its
roster as an annex and one per person, registered as documents."""

import datetime
import re

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.accounts.models import Agency
from siaga.operations.models import Assignment, Document
from siaga.regions.models import Election, Region

DEFAULT_PATTERN = "800.1.11.1/{n}/Kesbangpol/{tahun}"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def number(pattern: str, n: int, date: datetime.date) -> str:
    """'800.1.11.1/{n}/Kesbangpol/{bulan}/{tahun}' → '800.1.11.1/21/Kesbangpol/II/2024'."""
    return pattern.format(n=n, tahun=date.year, bulan=ROMAN[date.month - 1])


def check_pattern(pattern: str) -> str | None:
    """None when the pattern is usable, else why not."""
    if "{n}" not in pattern:
        return _("The numbering pattern needs {n} where the running number goes.")
    try:
        number(pattern, 1, datetime.date.today())
    except (KeyError, IndexError, ValueError):
        return _("Only {n}, {bulan} and {tahun} may appear in braces.")
    return None


def next_number(regency: Region, pattern: str, date: datetime.date) -> int:
    """One more than the highest running number already issued with this pattern this year."""
    regex = re.escape(pattern).replace(r"\{n\}", r"(\d+)").replace(
        r"\{tahun\}", str(date.year)).replace(r"\{bulan\}", "[IVX]+")
    found = [int(m[1]) for num in Document.objects.filter(region=regency, date__year=date.year)
             .values_list("number", flat=True) if (m := re.fullmatch(regex, num))]
    found += [int(m[1]) for num in Assignment.objects.filter(region__code__startswith=regency.code)
              .exclude(letter_number="").values_list("letter_number", flat=True)
              if (m := re.fullmatch(regex, num))]
    return max(found, default=0) + 1


@transaction.atomic
def issue(election: Election, regency: Region, *, pattern: str, date: datetime.date,
          signatory: str, user) -> list[Document]:
    """A numbered Surat Tugas per OPD (registered as a document) and a number per person."""
    n = next_number(regency, pattern, date)
    rows = (Assignment.objects.filter(election=election, region__code__startswith=regency.code)
            .select_related("staff__opd").order_by("staff__opd__name", "-staff__is_head",
                                                   "staff__name"))
    documents = []
    by_opd: dict[Agency, list[Assignment]] = {}
    for a in rows:
        by_opd.setdefault(a.staff.opd, []).append(a)
    for opd, assignments in by_opd.items():
        documents.append(Document.objects.create(
            region=regency, election=election, kind=Document.Kind.SURAT_TUGAS,
            number=number(pattern, n, date), date=date, signatory=signatory, created_by=user,
            subject=_("Assignment to watch and help the TPS, %(election)s: %(opd)s") % {
                "election": election.name, "opd": opd.name},
            addressees="\n".join(f"{a.staff.name} ({a.staff.nip})" for a in assignments)))
        n += 1
    for a in rows:
        a.letter_number = number(pattern, n, date)
        a.save(update_fields=["letter_number"])
        n += 1
    return documents


def basis(regency: Region, election: Election) -> list[Document]:
    """The instructions and letters the Surat Tugas rests on (the *Dasar*)."""
    return list(Document.objects.filter(region=regency, kind__in=[
        Document.Kind.INSTRUKSI, Document.Kind.SURAT, Document.Kind.KEPUTUSAN])
        .filter(election__in=[election, None]).order_by("date"))
