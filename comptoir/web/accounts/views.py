"""Buyer accounts: sign-up by e-mail link, login that merges the anonymous cart, password reset
and change.

Sign-up never says whether an address already has an account: the page answers "check your
e-mail" either way. A new address gets a link to choose its password (the account cannot be used
before: its password is unusable until then, so nobody can pre-register someone else's address
with a password of their own); an address that already has an account gets a message saying so,
with a link to sign in (and on to ``next``, when the sign-up came from a page such as the seller
wizard) or to reset the password. The seller wizard's account step answers the same way.
"""
from django import forms
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from comptoir.orders.services import cart_merge


SIGNUP_NEXT = "signup_next"


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


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


def _send(request, user, template: str, subject, link_name: str, next_url: str = "") -> None:
    link = request.build_absolute_uri(reverse(link_name, kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    }))
    login_link = ""
    if next_url:
        if link_name == "accounts:signup_confirm":  # the password reset goes to its own end page
            link = f"{link}?{urlencode({'next': next_url})}"
        login_link = request.build_absolute_uri(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
    body = render_to_string(template, {"link": link, "login_link": login_link, "email": user.email}, request=request)
    EmailMultiAlternatives(str(subject), body, to=[user.email]).send()


def signup_answer(request, email: str, next_url: str = "") -> None:
    """Send the right message for a sign-up with ``email``; the page shown is the same. With
    ``next_url`` (a path of this site) the links lead there once the password is chosen or the
    existing account signed in."""
    User = get_user_model()
    user = User.objects.filter(username__iexact=email).first()
    if user is None:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    if user.has_usable_password():
        _send(request, user, "accounts/signup_existing_email.txt", _("You already have a Comptoir account"),
              "accounts:password_reset_confirm", next_url)
    else:  # new, or signed up before without following the link
        _send(request, user, "accounts/signup_email.txt", _("Finish creating your Comptoir account"),
              "accounts:signup_confirm", next_url)


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signup_answer(request, form.cleaned_data["email"])
        # Where to go once the link is followed (in this browser: the link's own URL cannot
        # carry it through PasswordResetConfirmView's redirect).
        request.session[SIGNUP_NEXT] = _next(request, "/")
        return render(request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form, "next": _next(request, "")})


class SignupConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the sign-up e-mail: choose a password, then signed in with the cart kept."""

    template_name = "accounts/signup_confirm.html"
    reset_url_token = "set-password"

    def dispatch(self, *args, **kwargs):
        # The link may carry ?next= (opened in another browser than the sign-up's): kept for
        # after the password, as the redirect to the set-password URL drops the query.
        nxt = self.request.GET.get("next")
        if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={self.request.get_host()}):
            self.request.session[SIGNUP_NEXT] = nxt
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        nxt = self.request.session.pop(SIGNUP_NEXT, "/")
        _login_with_cart(self.request, user)
        return redirect(nxt)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def form_valid(self, form):
        _login_with_cart(self.request, form.get_user())
        return redirect(self.get_success_url())
