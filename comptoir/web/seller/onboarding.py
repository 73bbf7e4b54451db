"""The "Sell on Comptoir" page and its wizard: account → legal entity → payout account →
warehouse and language → review → pending. Answers are kept in the session until the review
step registers the seller (``sellers.services.seller_register``) in one go.

The account step asks a visitor for an e-mail only and answers "check your e-mail" whether or
not the address has an account, like the buyer sign-up (``signup_answer``, docs/security.md):
a new address gets a link to choose its password, an existing one a link to sign in; either
link leads on to the wizard's next step."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.markets.countries import country_name
from comptoir.markets.selectors import cities_search, city_get
from comptoir.sellers.errors import SellerInvalid
from comptoir.sellers.identity import is_sepa, legal_forms_for
from comptoir.sellers.selectors import memberships_of_user
from comptoir.sellers.services import seller_register
from comptoir.web.accounts.views import SIGNUP_NEXT, SignupForm, signup_answer

from .onboarding_forms import EntityForm, PayoutForm, WarehouseForm

WIZARD_KEY = "sell_wizard"
STEPS = (
    ("account", gettext_lazy("Account")),
    ("entity", gettext_lazy("Legal entity")),
    ("payout", gettext_lazy("Payout account")),
    ("warehouse", gettext_lazy("Warehouse and language")),
    ("review", gettext_lazy("Review")),
)
STEP_NAMES = [name for name, _label in STEPS]
# which step shows each field of seller_register's errors
FIELD_STEP = {"legal_name": "entity", "display_name": "entity", "country": "entity", "legal_form": "entity",
              "company_id": "entity", "vat_number": "entity", "iban": "payout", "city": "warehouse", "language": "warehouse"}


def _state(request) -> dict:
    return request.session.get(WIZARD_KEY) or {}


def _save(request, step: str, data: dict) -> None:
    state = _state(request)
    state[step] = data
    request.session[WIZARD_KEY] = state


def _first_missing(request) -> str:
    if not request.user.is_authenticated:
        return "account"
    state = _state(request)
    return next((s for s in STEP_NAMES[1:-1] if s not in state), "review")


@require_GET
def sell_landing(request):
    memberships = memberships_of_user(user=request.user)
    return render(request, "seller/sell.html", {"memberships": memberships})


def _render_step(request, step: str, form, **extra):
    index = STEP_NAMES.index(step)
    return render(request, "seller/apply.html", {
        "step": step, "steps": STEPS, "index": index, "form": form, "prev_step": STEP_NAMES[max(index - 1, 0)], **extra,
    })


@require_http_methods(["GET", "POST"])
def sell_apply(request, step: str):
    if step not in STEP_NAMES:
        raise Http404
    missing = _first_missing(request)
    if STEP_NAMES.index(step) > STEP_NAMES.index(missing):
        return redirect("seller:apply", step=missing)
    if step == "account":
        return _account(request)
    if step == "review":
        return _review(request)
    state = _state(request)
    country = (state.get("entity") or {}).get("country", "")
    form_class = {"entity": EntityForm, "payout": PayoutForm, "warehouse": WarehouseForm}[step]
    kwargs = {"country": country} if step == "warehouse" else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            city = data.pop("city_obj", None)
            if city is not None:
                data["city_id"], data["city"] = city.pk, city.name
            _save(request, step, data)
            return redirect("seller:apply", step=STEP_NAMES[STEP_NAMES.index(step) + 1])
    else:
        form = form_class(initial=state.get(step) or {}, **kwargs)
    return _render_step(request, step, form, country=country, country_label=country_name(country) if country else "",
                        outside_sepa=bool(country) and not is_sepa(country), legal_forms=legal_forms_for(country or ""))


def _account(request):
    if request.user.is_authenticated:
        if request.method == "POST":
            return redirect("seller:apply", step="entity")
        return _render_step(request, "account", None)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = reverse("seller:apply", kwargs={"step": "entity"})
        signup_answer(request, form.cleaned_data["email"], next_url=next_url)
        request.session[SIGNUP_NEXT] = next_url
        return _render_step(request, "account", None, sent_to=form.cleaned_data["email"])
    return _render_step(request, "account", form)


def _review(request):
    state = _state(request)
    entity, payout, warehouse = state["entity"], state["payout"], state["warehouse"]
    city = city_get(country=entity["country"], city_id=warehouse["city_id"])
    errors = {}
    if request.method == "POST":
        try:
            seller_register(
                legal_name=entity["legal_name"], display_name=entity["display_name"], country=entity["country"],
                legal_form=entity.get("legal_form", ""), company_id=entity.get("company_id", ""),
                vat_number=entity.get("vat_number", ""), iban=payout["iban"], address=warehouse["address"],
                postcode=warehouse.get("postcode", ""), city=city, language=warehouse["language"],
                owner_user=request.user,
            )
        except SellerInvalid as exc:
            errors = {field: (message, FIELD_STEP.get(field, "entity")) for field, message in exc.errors.items()}
        else:
            request.session.pop(WIZARD_KEY, None)
            return redirect("seller:apply_done")
    return _render_step(request, "review", None, entity=entity, payout=payout, warehouse=warehouse, city=city,
                        country_label=country_name(entity["country"]), errors=errors)


@require_GET
def sell_done(request):
    return render(request, "seller/apply_done.html", {"memberships": memberships_of_user(user=request.user)})


@require_GET
def city_options(request):
    """<option> elements for the city datalist of the warehouse step (htmx)."""
    country = (request.GET.get("country") or "")[:2]
    cities = cities_search(country=country, query=(request.GET.get("city") or "")[:120], limit=8) if country else []
    return HttpResponse(format_html_join("", '<option value="{}">{}</option>', ((c.name, f"{c.name} {c.postcode}".strip()) for c in cities)))
