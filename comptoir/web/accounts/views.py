"""Buyer accounts: sign-up (email + password), login that merges the anonymous cart, password reset."""
from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from comptoir.orders.services import cart_merge


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"))

    class Meta:
        model = get_user_model()
        fields = ("email",)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."), code="duplicate_email")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.username = user.email = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.CharField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))


def _next(request, default="/"):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


def _login_with_cart(request, user):
    anonymous_key = request.session.session_key  # login() cycles the key: read it first
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    cart_merge(session_key=anonymous_key, user=user)


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _login_with_cart(request, form.save())
        return redirect(_next(request))
    return render(request, "accounts/signup.html", {"form": form, "next": _next(request, "")})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def form_valid(self, form):
        _login_with_cart(self.request, form.get_user())
        return redirect(self.get_success_url())
