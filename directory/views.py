"""Signing in and out."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from directory.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "directory/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot sign someone out behind their back."""
