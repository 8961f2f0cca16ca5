from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from siaga.accounts.scope import profile_of, visible_tps
from siaga.readiness.agenda import reminders
from siaga.regions.models import Election, Level, Region


@require_GET
def home(request):
    """The user's region at a glance: its places, TPS and voters per election."""
    profile = profile_of(request.user)
    region = profile.region
    below = Region.objects.within(region).values("level").annotate(n=Count("id"))
    counts = {row["level"]: row["n"] for row in below}
    per_election = {
        row["election"]: row
        for row in visible_tps(request.user).values("election").annotate(
            tps=Count("id"), men=Sum("dpt_men"), women=Sum("dpt_women"))
    }
    elections = []
    for election in Election.objects.all():
        row = per_election.get(election.pk, {"tps": 0, "men": 0, "women": 0})
        elections.append({"election": election, "tps": row["tps"],
                          "dpt": (row["men"] or 0) + (row["women"] or 0)})
    synthetic = visible_tps(request.user).filter(is_synthetic=True).exists()
    return render(request, "web/home.html", {
        "readiness_reminders": reminders(region, timezone.localdate()),
        "region": region, "profile": profile, "elections": elections, "synthetic": synthetic,
        "counts": {
            "kecamatan": counts.get(Level.KECAMATAN, 0),
            "desa": counts.get(Level.DESA, 0),
            "kelurahan": Region.objects.within(region).filter(is_kelurahan=True).count(),
        },
    })
