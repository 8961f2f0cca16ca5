"""Storing field reports and incidents, once per client id, whatever the channel (web form,
API, SMS gateway): the parser's `Report` values become rows, with their audit entries."""

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga.operations import messages
from siaga.operations.models import FieldReport, Incident
from siaga.regions.models import TPS, Election

TIME_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def polling_moment(election: Election, tz: str, minutes: int) -> datetime.datetime:
    """Minutes after 00:00 of polling day (local time `tz`) as an aware datetime."""
    midnight = datetime.datetime.combine(election.polling_date, datetime.time(),
                                         tzinfo=zoneinfo.ZoneInfo(tz))
    return midnight + datetime.timedelta(minutes=minutes)


def minutes_of(election: Election, tz: str, moment: datetime.datetime) -> int:
    return int((moment - polling_moment(election, tz, 0)).total_seconds() // 60)


def zone_of(tps: TPS) -> str:
    return tps.village.zoneinfo if hasattr(tps, "village") else "Asia/Jakarta"


def store(election: Election, tps: TPS, report: messages.Report, *, client_id: str, source: str,
          user=None, at: datetime.datetime | None = None, photo=None, lat=None, lon=None
          ) -> tuple[FieldReport | Incident, bool]:
    """Store one report (a checkpoint or an incident); (row, False) when this client id was
    stored before, so a retry never makes a second row. `at`: when the message arrived, used
    when the report names no time."""
    tz = TIME_ZONES.get(report.zone or "", None) or zone_of(tps)
    moment = (polling_moment(election, tz, report.minutes) if report.minutes is not None
              else at or timezone.now())
    model = Incident if report.kind == messages.Kind.KEJADIAN else FieldReport
    if model is Incident:
        row = Incident(election=election, tps=tps, category=str(report.category or "LAIN"),
                       severity=str(report.severity or "SEDANG"), text=report.text, at=moment,
                       client_id=client_id, source=source, reporter=user, latitude=lat,
                       longitude=lon)
        if photo:
            row.photo = photo
    else:
        row = FieldReport(election=election, tps=tps, kind=str(report.kind),
                          contest=str(report.contest or ""), at=moment, count=report.count,
                          client_id=client_id, source=source, sender=user)
    try:
        with transaction.atomic():
            row.save()  # audited by signal (operations/apps.py)
    except IntegrityError:
        return model.objects.get(client_id=client_id), False
    return row, True


def for_tps(election: Election, tps_code: str):
    return TPS.objects.select_related("village").get(election=election, code=tps_code)
