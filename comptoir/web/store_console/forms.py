"""Forms of the store console: each renders and validates the input; the services decide."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.stores.models import StaffRole
from comptoir.stores.services import MAX_UNITS_PER_LINE, LineCount, UnitsLine


class ReceiveForm(forms.Form):
    """One count (and a reason when it differs from what was sent) per consignment line."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"count_{line.pk}"] = forms.IntegerField(
                label=_("Units counted"), min_value=0, max_value=MAX_UNITS_PER_LINE,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": str(line.quantity)}),
            )
            self.fields[f"reason_{line.pk}"] = forms.CharField(
                label=_("Reason for a difference"), max_length=200, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. one box crushed")}),
            )

    def rows(self):
        return [(line, self[f"count_{line.pk}"], self[f"reason_{line.pk}"]) for line in self.lines]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            count, reason = data.get(f"count_{line.pk}"), (data.get(f"reason_{line.pk}") or "").strip()
            if count is not None and count != line.quantity and not reason:
                self.add_error(f"reason_{line.pk}", _("%(counted)d counted, %(sent)d sent: say why.") % {"counted": count, "sent": line.quantity})
        return data

    def counts(self) -> list[LineCount]:
        d = self.cleaned_data
        return [LineCount(line.pk, d[f"count_{line.pk}"], d.get(f"reason_{line.pk}") or "") for line in self.lines]

    def field_for(self, error_field: str | None) -> str | None:
        """The form field a service error names ("line-<id>" → that line's reason)."""
        if error_field and error_field.startswith("line-"):
            name = f"reason_{error_field[5:]}"
            return name if name in self.fields else None
        return None


class RefuseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the refusal"), max_length=200)


class CorrectForm(forms.Form):
    on_hand = forms.IntegerField(label=gettext_lazy("Units counted on the shelf"), min_value=0, max_value=1_000_000)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class UnitsForm(forms.Form):
    """A quantity per offer (blank = none), with a free reason or note: units sent back to a
    seller, or proposed to a store."""

    def __init__(self, *args, rows, note_label, note_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows_in = rows  # objects with offer_id, available
        for row in rows:
            self.fields[f"qty_{row.offer_id}"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=min(MAX_UNITS_PER_LINE, max(row.available, 1)), required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
            )
        self.fields["note"] = forms.CharField(label=note_label, max_length=200, required=note_required)

    def rows(self):
        return [(row, self[f"qty_{row.offer_id}"]) for row in self.rows_in]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.units():
            raise forms.ValidationError(_("Enter a quantity for at least one offer."))
        return data

    def units(self) -> list[UnitsLine]:
        d = self.cleaned_data
        return [UnitsLine(row.offer_id, d[f"qty_{row.offer_id}"]) for row in self.rows_in if d.get(f"qty_{row.offer_id}")]


class StaffAddForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email of their account"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices, initial=StaffRole.CLERK)
