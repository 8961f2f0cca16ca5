"""The agenda of a region: activities written from the election's timetable template."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils.translation import gettext as _

from siaga.accounts.models import Agency
from siaga.readiness import timetable
from siaga.readiness.models import Activity
from siaga.regions.models import Election, Region


@transaction.atomic
def create_from_template(region: Region, election: Election, *, user=None,
                         synthetic: bool = False) -> int:
    """The template's activities the region does not have yet (by template key); the
    activities already there, changed by hand or not, stay as they are. Returns how many were
    written."""
    have = set(Activity.objects.filter(region=region, election=election)
               .exclude(template_key="").values_list("template_key", flat=True))
    zone = zoneinfo.ZoneInfo(region.zoneinfo)
    leads = {}
    for agency in Agency.objects.filter(region__code__in=[r.code for r in region.ancestors()]
                                        ).order_by("-region__code", "code"):
        leads.setdefault(agency.kind, agency)
    written = 0
    for entry in timetable.agenda_for(election.kind, election.polling_date):
        if entry.key in have:
            continue
        Activity.objects.create(
            region=region, election=election, kind=entry.kind, title=_(entry.title),
            starts_at=entry.at.replace(tzinfo=zone), template_key=entry.key,
            lead_agency=leads.get(entry.lead or "pemda"), source=_(entry.source),
            is_assumption=entry.assumption, is_synthetic=synthetic, updated_by=user)
        written += 1
    return written


def reminders(scope: Region, today: datetime.date, *, days: int = 7) -> timetable.Due:
    """Planned activities of the user's region, above it and below it: overdue and due in the
    next `days` days."""
    from django.db.models import Q

    above = [r.code for r in scope.ancestors()]
    activities = list(Activity.objects.filter(status=Activity.Status.PLANNED)
                      .filter(Q(region__code__in=above) | Q(region__code__startswith=scope.code))
                      .select_related("region", "election", "lead_agency"))
    return timetable.due(activities, today, days=days)
