"""The distribution plan as a Gantt-style timeline: one row per vehicle, one bar per trip
(loading hatched, travelling solid), late deliveries marked, deadlines as vertical lines."""

from django.utils.translation import gettext as _

from siaga.logistics.models import DistributionPlan
from siaga.web.charts import pyplot, svg_of

MAX_ROWS = 45  # the warehouse and PPK legs; every vehicle is in the route sheets
MODE_COLOURS = {"truck": "#1f5f8b", "pickup": "#4d8fbf", "boat": "#0f9d9a",
                "motorbike": "#8e6bbf", "foot": "#e08a2c"}


def gantt_svg(plan: DistributionPlan, *, title: str) -> str:
    rows = [(leg["name"], r) for leg in plan.result["legs"] for r in leg["routes"]][:MAX_ROWS]
    if not rows:
        return ""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(rows) + 1.4))
    for y, (_leg, route) in enumerate(rows):
        colour = MODE_COLOURS.get(route["mode"], "#555")
        for trip in route["trips"]:
            start, dep, back = (trip["loading_from"] / 60, trip["departure"] / 60,
                                trip["back_at"] / 60)
            ax.barh(y, dep - start, left=start, height=0.6, color=colour, alpha=0.35)
            ax.barh(y, back - dep, left=dep, height=0.6, color=colour)
            for visit in trip["visits"]:
                if visit["late_by"]:
                    ax.plot(visit["arrival"] / 60, y, marker="x", color="#b3261e", ms=6)
    deadlines = sorted(set(plan.result["deadlines"].values()))
    for d in deadlines[:4]:
        ax.axvline(d / 60, color="#b3261e", lw=0.8, ls="--")
    ax.set_yticks(range(len(rows)), [r["vehicle"][:38] for _leg, r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(_("hours from 00.00 of the release day (dashed: deadlines; x: late)"))
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", color="#ddd", lw=0.5)
    fig.tight_layout()
    return svg_of(fig)
