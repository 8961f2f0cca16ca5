"""Checks of a distribution scenario's fields typed into a form (the plan page and the
floor-game board): the places must lie in the regency being planned (`self.regency`)."""

from django import forms
from django.utils.translation import gettext as _

from siaga.logistics import plans
from siaga.regions.models import Region


class ScenarioChecks:
    """Mixed into a form with the fields `flooded` and `closed_edges` and a `regency`."""

    def clean_flooded(self):
        code = self.cleaned_data["flooded"].strip()
        if code and not (code.startswith(self.regency.code)
                         and Region.objects.filter(code=code).exists()):
            raise forms.ValidationError(_("No kecamatan or desa %(code)s in this regency.")
                                        % {"code": code})
        return code

    def clean_closed_edges(self):
        text = self.cleaned_data["closed_edges"].strip()
        try:
            pairs = plans.closed_pairs(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("'%(part)s' is not a pair of codes.") % {"part": exc}) from exc
        for a, b in pairs:
            for code in (a, b):
                if not code.startswith(self.regency.code):
                    raise forms.ValidationError(_("%(code)s is not in this regency.")
                                                % {"code": code})
        return text
