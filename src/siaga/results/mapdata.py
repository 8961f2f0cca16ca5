"""What the results map shows (pure: no Django): each TPS coloured by the state of its C.Hasil
for one contest, and each region's tooltip with the leading choice and how much is counted.

A TPS is *counted* (a form is accepted and in the totals), *flagged* (forms arrived, none is
accepted: a reviewer has to look) or *missing* (no form yet). The web layer draws the points
and boundaries with web/map.js, which takes a point's `color` and `label` as they are given.
"""

from collections.abc import Callable, Mapping

from siaga.problems import gettext_noop

STATE_COLORS = {"accepted": "#2e7d32", "flagged": "#e08a2c", "none": "#8a96a3"}
STATE_LABELS = {
    "accepted": gettext_noop("counted (form accepted)"),
    "flagged": gettext_noop("flagged (forms, none accepted)"),
    "none": gettext_noop("missing (no form)"),
}
MESSAGES = {
    "leading": gettext_noop("Leading: %(number)s %(name)s, %(pct)s%%"),
    "no_votes": gettext_noop("No votes counted yet"),
    "counted": gettext_noop("%(counted)s of %(tps)s TPS counted (%(pct)s%%)"),
    "flagged": gettext_noop("%(flagged)s TPS flagged"),
    "votes": gettext_noop("%(number)s: %(votes)s votes"),
}


def one_decimal(value: float) -> str:
    """58.14 → '58,1' (Indonesian decimal comma), the default number format of the labels."""
    return f"{value:.1f}".replace(".", ",")


def leading(votes: Mapping[str, int]) -> tuple[str, float] | None:
    """The ballot number with the most votes and its percentage of all votes; on a tie the
    lowest ballot number; None when nothing is counted."""
    total = sum(votes.values())
    if total <= 0:
        return None
    number = min(votes, key=lambda n: (-votes[n], n))
    return number, 100 * votes[number] / total


def tps_point(state: str, votes: Mapping[str, int],
              translate: Callable = gettext_noop) -> dict:
    """A TPS point's extra properties: its state, colour and label (one line per fact)."""
    state = state if state in STATE_COLORS else "none"
    lines = [translate(STATE_LABELS[state])]
    if state == "accepted":
        lines += [translate(MESSAGES["votes"]) % {"number": n, "votes": v}
                  for n, v in sorted(votes.items())]
    return {"state": state, "color": STATE_COLORS[state], "label": "\n".join(lines)}


def region_tooltip(name: str, row: Mapping, names: Mapping[str, str],
                   translate: Callable = gettext_noop,
                   number: Callable[[float], str] = one_decimal) -> str:
    """A region's tooltip: its name, the leading choice (of the accepted forms) and the share
    of its TPS counted; `row` is one region of `services.region_totals`."""
    lines = [name]
    lead = leading(row["votes"])
    if lead is None:
        lines.append(translate(MESSAGES["no_votes"]))
    else:
        lines.append(translate(MESSAGES["leading"]) % {
            "number": lead[0], "name": names.get(lead[0], ""), "pct": number(lead[1])})
    tps = row["tps"]
    lines.append(translate(MESSAGES["counted"]) % {
        "counted": row["tps_in"], "tps": tps,
        "pct": number(100 * row["tps_in"] / tps if tps else 0.0)})
    if row["tps_flagged"]:
        lines.append(translate(MESSAGES["flagged"]) % {"flagged": row["tps_flagged"]})
    return "\n".join(lines)
