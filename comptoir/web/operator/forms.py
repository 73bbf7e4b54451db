from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.markets.models import Market
from comptoir.planning.services import OBJECTIVES


def _market_choices():
    # A callable: evaluated per form, in the reader's language ("ES — Espagne").
    return [(m.code, f"{m.code} — {m.display_name}") for m in Market.objects.filter(is_active=True).order_by("code")]


class PlannerForm(forms.Form):
    market = forms.ChoiceField(label=_("Market"), choices=_market_choices)
    new_stores = forms.IntegerField(label=_("New stores"), min_value=1, max_value=50, initial=3)
    objective = forms.ChoiceField(
        label=_("Objective"),
        choices=[("coverage", _("Cover the most people within the radius")), ("distance", _("Lowest mean distance to a store"))],
        initial="coverage",
    )
    radius_km = forms.FloatField(label=_("Radius (km)"), initial=30, min_value=0.1, max_value=500)
    detour = forms.FloatField(label=_("Detour factor"), initial=1.0, min_value=1.0, max_value=3.0,
                              help_text=_("Road km per great-circle km, e.g. 1.3"))
    use_platform_demand = forms.BooleanField(label=_("Weight by platform orders"), required=False)

    def clean_objective(self):
        value = self.cleaned_data["objective"]
        if value not in OBJECTIVES:  # ChoiceField already refuses; kept for clarity
            raise forms.ValidationError(_("Unknown objective."))
        return value


class CandidateSiteForm(forms.Form):
    market = forms.ChoiceField(label=_("Market"), choices=_market_choices)
    name = forms.CharField(label=_("Name or address"), max_length=120)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
