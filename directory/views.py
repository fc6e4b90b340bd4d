"""Signing out. Signing in, and resetting or changing a password, are django-allauth's views
(directory/urls.py), in our words (directory/accounts.py, templates/account/)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule): a link cannot sign someone out behind their back."""
