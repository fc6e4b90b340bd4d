"""The forms of signing in and of resetting and changing a password: django-allauth's, in our
words, without placeholders (a hint that vanishes as you type helps nobody), and with the
browser hints that make password managers and keyboards work. Named in ACCOUNT_FORMS."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms

from directory.models import User

STRENGTH_HINT = (
    "At least 12 characters. Not a common password, not only numbers, and not like your name or email address."
)


def _in_our_words(form: forms.Form, labels: dict[str, str]) -> None:
    """Our labels; no placeholders; no help text but the new password's hint; the cursor in the
    first field (each of these pages is there for its form)."""
    for n, (name, field) in enumerate(form.fields.items()):
        field.widget.attrs.pop("placeholder", None)
        if n == 0:
            field.widget.attrs["autofocus"] = True
        field.help_text = STRENGTH_HINT if name == "password1" else ""
        if name in labels:
            field.label = labels[name]


class SignInForm(allauth_forms.LoginForm):
    """Email address and password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        _in_our_words(self, {"login": "Email address"})


class PasswordResetForm(allauth_forms.ResetPasswordForm):
    """The address to send a reset link to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        _in_our_words(self, {"email": "Email address"})

    def clean_email(self) -> str:
        """The active account whose address this is now (User.email), and no other. allauth would
        also look in its own table of addresses, which keeps a person's old address after staff
        change it: whoever has the old mailbox (a role's shared address handed to a successor)
        could then reset the account. Nobody found: the same answer, and no email."""
        email: str = self.cleaned_data["email"]
        self.users = list(User.objects.filter(email__iexact=email.strip(), is_active=True))
        return email


class NewPasswordForm(allauth_forms.ResetPasswordKeyForm):
    """A new password, chosen through a reset link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_our_words(self, {"password1": "New password", "password2": "New password again"})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """The current password, then the new one twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_our_words(
            self,
            {"oldpassword": "Current password", "password1": "New password", "password2": "New password again"},
        )


class SetPasswordForm(allauth_forms.SetPasswordForm):
    """A first password, for an account made without one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_our_words(self, {"password1": "New password", "password2": "New password again"})


class AddPasskeyForm(AddWebAuthnForm):
    """Adding a passkey (MFA_FORMS): its name, and whether it signs in on its own, in plain words.
    On unless unticked, since that is what people mean by a passkey."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Name of this passkey"
        self.fields["name"].help_text = "For example “Work laptop” or “Phone”, to tell your passkeys apart."
        if "passwordless" in self.fields:
            passwordless = self.fields["passwordless"]
            passwordless.label = "Sign in with this passkey alone, without a password"
            passwordless.help_text = "Your device will ask for your fingerprint, face or PIN each time."
            passwordless.initial = True
