from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.markets.countries import sorted_by_country_name
from comptoir.markets.models import Market


class CheckoutForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    line1 = forms.CharField(label=_("Address"), max_length=200)
    line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    city = forms.CharField(label=_("City"), max_length=120)
    country = forms.ChoiceField(label=_("Country"))
    phone = forms.CharField(label=_("Phone"), max_length=30)
    card_number = forms.CharField(label=_("Card number"), max_length=23, required=False)
    card_expiry = forms.CharField(label=_("Expiry (MM/YY)"), max_length=7, required=False)
    card_cvc = forms.CharField(label=_("CVC"), max_length=4, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    expected_total = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**62)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The markets' countries, named and sorted in the buyer's language ("Allemagne, Belgique, Espagne…").
        markets = sorted_by_country_name(Market.objects.filter(is_active=True))
        self.fields["country"].choices = [(m.code, m.display_name) for m in markets]
        self.fields["card_number"].widget.attrs.update(autocomplete="cc-number", inputmode="numeric")
        # Translators: placeholder of the card expiry field (two-digit month / two-digit year), as in its label.
        self.fields["card_expiry"].widget.attrs.update(autocomplete="cc-exp", placeholder=_("MM/YY"))
        self.fields["card_cvc"].widget.attrs.update(autocomplete="cc-csc", inputmode="numeric")
        self.fields["phone"].widget.input_type = "tel"  # a phone keypad on mobiles
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code")


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60)
