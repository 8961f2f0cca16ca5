"""The readiness agenda of an election as data: what the regional government and its partners
do before polling day, as offsets from polling day (H-n), with where each date comes from.

Pure: no Django. `agenda_for(kind, polling_date)` turns a template into dated entries; the
readiness app writes them as activities of a region.

Sources (read 2024; news pages quoting the regulations, as DOMAIN.md does):
- PKPU 3/2022 (Pemilu 2024): campaign 28 Nov 2023 - 10 Feb 2024, quiet period 11-13 Feb 2024,
  polling 14 Feb 2024, counting 14-15 Feb 2024, recapitulation 15 Feb - 20 Mar 2024
  (voi.id 177782; rbg.id "ini-jadwal-dan-tahapan-pemilu-2024").
- PKPU 2/2024 (Pilkada 2024): candidates set 22 Sep 2024, ballot numbers drawn 23 Sep 2024,
  campaign 25 Sep - 23 Nov 2024, quiet period 24-26 Nov 2024, polling 27 Nov 2024, counting and
  recapitulation 27 Nov - 16 Dec 2024 (inews.id, okezone 2024-02-02, idntimes).
- KPU's peace-campaign declaration for Pemilu 2024: 27 Nov 2023, the day before the campaign
  (kompas via borneotrend; tempo 1802895).
- Keputusan KPU 1281/2023: every TPS has its logistics by H-1 (DOMAIN.md).
Everything a regency does around these dates (its own coordination meetings, the floor game,
the simulation, the logistics release hour) is planned locally: those entries say
`assumption=True` and the agenda shows them as our assumption, to be replaced by the
regency's own dates.
"""

import datetime
from dataclasses import dataclass

from siaga.problems import gettext_noop

KINDS = {
    "coordination": gettext_noop("coordination meeting"),
    "tfg": gettext_noop("tactical floor game (TFG)"),
    "simulation": gettext_noop("voting-and-counting simulation"),
    "peace": gettext_noop("peace declaration"),
    "logistics_meeting": gettext_noop("logistics coordination meeting"),
    "logistics_release": gettext_noop("logistics release"),
    "polling_day": gettext_noop("polling day"),
    "other": gettext_noop("other"),
}


@dataclass(frozen=True)
class Entry:
    """One activity of a template: `days` before (negative) or after polling day."""

    key: str  # stable within a template: re-applying a template adds only missing keys
    kind: str
    title: str
    days: int
    hour: int
    source: str
    assumption: bool
    lead: str = ""  # agency kind that usually leads (accounts.Agency.Kind), "" = the pemda


@dataclass(frozen=True)
class Dated:
    key: str
    kind: str
    title: str
    at: datetime.datetime  # naive local time of the region
    source: str
    assumption: bool
    lead: str


PKPU_3_2022 = "PKPU 3/2022 (tahapan dan jadwal Pemilu 2024)"
PKPU_2_2024 = "PKPU 2/2024 (tahapan dan jadwal Pemilihan 2024)"
KPU_1281_2023 = "Keputusan KPU 1281/2023 (logistik di TPS paling lambat H-1)"
DECLARATION_2023 = "Deklarasi Kampanye Pemilu Damai KPU RI, 27 Nov 2023 (berita)"
LOCAL = gettext_noop("our assumption: set the regency's own date")

PEMILU = (
    Entry("rakor-awal", "coordination", gettext_noop("Opening coordination meeting of the "
                                                     "Desk Pemilu"), -100, 9, LOCAL, True),
    Entry("deklarasi-damai", "peace", gettext_noop("Peace-campaign declaration (the day before "
                                                   "the campaign)"), -79, 9, DECLARATION_2023,
          False, "kpu"),
    Entry("kampanye-mulai", "other", gettext_noop("Campaign period begins"), -78, 0,
          PKPU_3_2022, False, "kpu"),
    Entry("tfg", "tfg", gettext_noop("Tactical floor game (Operasi Mantap Brata)"), -30, 9,
          LOCAL, True, "polres"),
    Entry("simulasi", "simulation", gettext_noop("Voting-and-counting simulation"), -21, 8,
          LOCAL, True, "kpu"),
    Entry("rakor-logistik", "logistics_meeting", gettext_noop("Logistics coordination meeting"),
          -14, 9, LOCAL, True, "kpu"),
    Entry("rakor-kesiapan", "coordination", gettext_noop("Readiness coordination meeting "
                                                         "(the readiness report)"), -7, 9,
          LOCAL, True),
    Entry("logistik-lepas", "logistics_release", gettext_noop("Logistics released from the KPU "
                                                              "warehouse"), -5, 8,
          gettext_noop("our assumption inside Keputusan KPU 1281/2023 (at the TPS by H-1)"),
          True, "kpu"),
    Entry("masa-tenang", "other", gettext_noop("Quiet period begins"), -3, 0, PKPU_3_2022,
          False, "kpu"),
    Entry("logistik-tps", "logistics_release", gettext_noop("Logistics at every TPS"), -1, 18,
          KPU_1281_2023, False, "kpu"),
    Entry("pemungutan", "polling_day", gettext_noop("Polling day: voting and counting"), 0, 7,
          PKPU_3_2022, False, "kpu"),
    Entry("rakor-evaluasi", "coordination", gettext_noop("Evaluation meeting after counting"),
          3, 9, LOCAL, True),
)

PILKADA = (
    Entry("rakor-awal", "coordination", gettext_noop("Opening coordination meeting of the "
                                                     "Desk Pilkada"), -100, 9, LOCAL, True),
    Entry("penetapan-paslon", "other", gettext_noop("Candidate pairs set"), -66, 9, PKPU_2_2024,
          False, "kpu"),
    Entry("deklarasi-damai", "peace", gettext_noop("Peace-campaign declaration (the day before "
                                                   "the campaign)"), -64, 9,
          gettext_noop("our assumption: the day before the campaign, as in Pemilu 2024"),
          True, "kpu"),
    Entry("kampanye-mulai", "other", gettext_noop("Campaign period begins"), -63, 0,
          PKPU_2_2024, False, "kpu"),
    Entry("tfg", "tfg", gettext_noop("Tactical floor game (Operasi Mantap Praja)"), -30, 9,
          LOCAL, True, "polres"),
    Entry("simulasi", "simulation", gettext_noop("Voting-and-counting simulation"), -21, 8,
          LOCAL, True, "kpu"),
    Entry("rakor-logistik", "logistics_meeting", gettext_noop("Logistics coordination meeting"),
          -14, 9, LOCAL, True, "kpu"),
    Entry("rakor-kesiapan", "coordination", gettext_noop("Readiness coordination meeting "
                                                         "(the readiness report)"), -7, 9,
          LOCAL, True),
    Entry("logistik-lepas", "logistics_release", gettext_noop("Logistics released from the KPU "
                                                              "warehouse"), -5, 8,
          gettext_noop("our assumption inside Keputusan KPU 1281/2023 (at the TPS by H-1)"),
          True, "kpu"),
    Entry("masa-tenang", "other", gettext_noop("Quiet period begins"), -3, 0, PKPU_2_2024,
          False, "kpu"),
    Entry("logistik-tps", "logistics_release", gettext_noop("Logistics at every TPS"), -1, 18,
          gettext_noop("our assumption: the Pemilu 2024 rule (Keputusan KPU 1281/2023)"),
          True, "kpu"),
    Entry("pemungutan", "polling_day", gettext_noop("Polling day: voting and counting"), 0, 7,
          PKPU_2_2024, False, "kpu"),
    Entry("rakor-evaluasi", "coordination", gettext_noop("Evaluation meeting after counting"),
          3, 9, LOCAL, True),
)

TEMPLATES = {"pemilu": PEMILU, "pilkada": PILKADA}


def agenda_for(kind: str, polling_date: datetime.date) -> list[Dated]:
    """The template of an election kind ("pemilu" or "pilkada") dated from its polling day,
    in date order. KeyError for an unknown kind."""
    entries = TEMPLATES[kind]
    dated = [Dated(e.key, e.kind, e.title,
                   datetime.datetime.combine(polling_date + datetime.timedelta(days=e.days),
                                             datetime.time(e.hour)),
                   e.source, e.assumption, e.lead) for e in entries]
    return sorted(dated, key=lambda d: (d.at, d.key))


def h_label(day: datetime.date, polling_date: datetime.date) -> str:
    """'H-7', 'H', 'H+3': the day counted from polling day, as the field says it."""
    delta = (day - polling_date).days
    if delta == 0:
        return "H"
    return f"H{delta:+d}"


@dataclass(frozen=True)
class Due:
    """The agenda as it stands on a day: what is overdue and what falls in the next days."""

    overdue: list
    upcoming: list


def due(activities: list, today: datetime.date, *, days: int = 7,
        date_of=lambda a: a.date, is_open=lambda a: True) -> Due:
    """Open activities dated before today (overdue, oldest first) and within the next `days`
    days from today inclusive (upcoming, soonest first)."""
    horizon = today + datetime.timedelta(days=days)
    open_ones = sorted((a for a in activities if is_open(a)), key=date_of)
    return Due(overdue=[a for a in open_ones if date_of(a) < today],
               upcoming=[a for a in open_ones if today <= date_of(a) <= horizon])
