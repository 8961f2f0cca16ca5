"""The candidates page: every contest's ballot (pairs, DPD candidates, parties and their lists
per dapil) and loading them from a spreadsheet."""

from itertools import groupby

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from siaga.accounts.scope import profile_of
from siaga.regions.views import election_for
from siaga.results.candidates import import_candidates
from siaga.results.models import Candidate


class CandidateFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))


@require_http_methods(["GET", "POST"])
def candidates_view(request):
    election = election_for(request)
    upload, problems, summary = CandidateFileForm(), [], None
    profile = profile_of(request.user)
    if request.method == "POST":
        if not profile.may("write_registry"):
            raise PermissionDenied(_("Your role may not do this."))
        upload = CandidateFileForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            summary, problems = import_candidates(election, file.name, file.read())
    found = (Candidate.objects.filter(contest__election=election)
             .select_related("contest", "dapil").order_by("contest__order", "dapil__code"))
    ballots = []
    for (contest, dapil), rows in groupby(found, key=lambda c: (c.contest, c.dapil)):
        rows = sorted(rows, key=lambda c: [int(p) for p in c.number.split(".")])
        ballots.append({"contest": contest, "dapil": dapil, "candidates": rows})
    return render(request, "results/candidates.html", {
        "election": election, "contest": None, "upload": upload, "problems": problems,
        "summary": summary, "ballots": ballots, "may_load": profile.may("write_registry")})
