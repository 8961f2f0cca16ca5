"""Publishing results: an administrator shows the totals of one contest in a regency or
province on the public results page (/publik/hasil/), and may withdraw them again.

What is public is the same table the staff results page shows (`totals_table`): votes per
choice of the accepted forms per region one level down and for the region, with the TPS
counted, flagged and missing. Never the forms themselves, their photos or who reviewed them.
Each publish and withdraw is an audited save of a `Publication` row (apps.py registers it).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.scope import require
from siaga.problems import gettext_noop
from siaga.regions.models import TPS, Contest, Election, Level, Region
from siaga.results import services
from siaga.results.models import Publication
from siaga.web.charts import bar_chart_svg

PUBLISH_RIGHT = "admin"
PUBLISHABLE_LEVELS = (Level.PROVINSI, Level.KABKOTA)


class PublicationError(ValueError):
    """A publication that cannot be made (a region of the wrong level, …)."""


def totals_table(election: Election, contest: Contest, region: Region) -> dict:
    """The totals of the contest for the region and each region below it, each row with the
    votes and share per choice, and the bar chart of the region's votes (empty when none)."""
    children = list(region.children.order_by("code").values_list("code", "name"))
    table = services.region_totals(election, contest, region.code, region.name, region.level,
                                   children)
    candidates = services.candidates_of(contest)
    numbers = [c.number for c in candidates]

    def shares(row):
        total = sum(row["votes"].values())
        return [{"votes": row["votes"].get(n, 0),
                 "pct": 100 * row["votes"].get(n, 0) / total if total else None}
                for n in numbers]

    rows = [row | {"shares": shares(row)} for row in table["children"]]
    total = table["region"] | {"shares": shares(table["region"])}
    chart = bar_chart_svg([f"{c.number} {c.name}" for c in candidates],
                          {_("votes"): [s["votes"] for s in total["shares"]]},
                          title=_("%(contest)s, %(region)s: accepted forms only") % {
                              "contest": contest.get_kind_display(), "region": region.name},
                          xlabel=_("votes")) if sum(total["votes"].values()) else ""
    return {"candidates": candidates, "rows": rows, "total": total, "chart": chart}


def live(contest: Contest, region: Region) -> Publication | None:
    return Publication.objects.filter(contest=contest, region=region,
                                      withdrawn_at__isnull=True).first()


@transaction.atomic
def publish(user, contest: Contest, region: Region) -> Publication:
    """Show the contest's totals in the region publicly from now on (the publication live
    already when it is; an administrator of the region only)."""
    require(user, PUBLISH_RIGHT, region.code)
    if region.level not in PUBLISHABLE_LEVELS:
        raise PublicationError(gettext_noop("Only the totals of a regency or province are "
                                            "published."))
    found = live(contest, region)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Publication.objects.create(election=contest.election, contest=contest,
                                              region=region, published_by=user)
    except IntegrityError:  # published at the same moment by another administrator
        return live(contest, region)


@transaction.atomic
def withdraw(user, contest: Contest, region: Region) -> Publication | None:
    """Take the contest's totals in the region off the public page (the row is kept)."""
    require(user, PUBLISH_RIGHT, region.code)
    found = (Publication.objects.select_for_update()
             .filter(contest=contest, region=region, withdrawn_at__isnull=True).first())
    if found is not None:
        found.withdrawn_at, found.withdrawn_by = timezone.now(), user
        found.save()
    return found


def public_results() -> list[dict]:
    """Every live publication with its totals, by region and contest."""
    out = []
    for pub in (Publication.objects.filter(withdrawn_at__isnull=True)
                .select_related("election", "contest", "region")):
        table = totals_table(pub.election, pub.contest, pub.region)
        synthetic = TPS.objects.filter(election=pub.election, code__startswith=pub.region.code,
                                       is_synthetic=True).exists()
        out.append({"publication": pub, "synthetic": synthetic, **table})
    return out
