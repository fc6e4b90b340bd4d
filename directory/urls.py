from allauth.account import views as account
from django.urls import include, path, re_path

from directory import audit_urls, invitation_urls, views

urlpatterns = [
    path("sign-in/", account.login, name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # The app's own pages, under its namespace (directory:...); signing in and out keep Django's names.
    path("", include((audit_urls.urlpatterns + invitation_urls.urlpatterns, "directory"))),
    # django-allauth's pages that we serve, under allauth's names (it reverses them itself). Only
    # these: no sign-up (accounts come from staff and invitations), no second email addresses.
    # "account_login" names the sign-in page above, so allauth's links lead there.
    path("sign-in/", account.login, name="account_login"),
    path("account/password/change/", account.password_change, name="account_change_password"),
    # Confirming one's password again before changing a second factor (allauth asks after 5 minutes).
    path("account/reauthenticate/", account.reauthenticate, name="account_reauthenticate"),
    # The second factor: an authenticator app, recovery codes, passkeys (allauth.mfa, mfa_* names).
    path("account/two-factor/", include("allauth.mfa.urls")),
    path("account/password/set/", account.password_set, name="account_set_password"),
    path("account/password/reset/", account.password_reset, name="account_reset_password"),
    path("account/password/reset/done/", account.password_reset_done, name="account_reset_password_done"),
    re_path(
        r"^account/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "account/password/reset/key/done/",
        account.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]
