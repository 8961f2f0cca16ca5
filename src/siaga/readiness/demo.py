"""A SYNTHETIC readiness agenda for the demo regency: the timetable template of the election,
the activities before a given day marked done with invented outcome notes, the rest planned."""

import datetime

from django.utils import translation

from siaga.readiness.agenda import create_from_template
from siaga.readiness.models import Activity
from siaga.regions.models import Election, Region

NOTE = "Catatan hasil sintetis (demo): {title} terlaksana sesuai rencana."


def load_demo_agenda(election: Election, regency_code: str = "62.13",
                     done_before: datetime.date | None = None) -> int:
    """Idempotent: writes the template's missing activities (marked synthetic); those dated
    before `done_before` (default: 10 days before polling day) are marked done."""
    regency = Region.objects.get(code=regency_code)
    with translation.override("id"):
        written = create_from_template(regency, election, synthetic=True)
    if written:
        cutoff = done_before or election.polling_date - datetime.timedelta(days=10)
        for activity in Activity.objects.filter(region=regency, election=election,
                                                is_synthetic=True):
            if activity.date < cutoff:
                activity.status = Activity.Status.DONE
                activity.outcome = NOTE.format(title=activity.title)
            activity.place = activity.place or "Tamiang Layang (sintetis)"
            activity.save()
    return written
