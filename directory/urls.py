from allauth.account import views as account
from allauth.socialaccount import views as social
from allauth.socialaccount.providers.openid_connect import views as oidc
from allauth.socialaccount.providers.saml import views as saml
from django.urls import include, path, re_path

from directory import audit_urls, contact_import_urls, invitation_urls, sso_views, views

urlpatterns = [
    path("sign-in/", sso_views.sign_in, name="login"),
    # Signing in through a state's identity provider (directory/sso.py): the address that names
    # it, then allauth's return from the provider and its page for a sign-in cancelled there.
    path("sign-in/provider/", sso_views.sign_in_with_provider, name="sign_in_with_provider"),
    path("sign-in/oidc/<str:provider_id>/callback/", oidc.callback, name="openid_connect_callback"),
    path("sign-in/cancelled/", social.login_cancelled, name="socialaccount_login_cancelled"),
    # SAML (allauth's names): our service provider's metadata, which staff give the state's
    # identity provider; where it posts its answer and where that is checked; no single logout.
    path("sign-in/saml/<str:organization_slug>/metadata/", saml.metadata, name="saml_metadata"),
    path("sign-in/saml/<str:organization_slug>/acs/", sso_views.saml_acs, name="saml_acs"),
    path("sign-in/saml/<str:organization_slug>/acs/finish/", sso_views.saml_finish_acs, name="saml_finish_acs"),
    path("sign-in/saml/<str:organization_slug>/sls/", sso_views.saml_single_logout, name="saml_sls"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # The app's own pages, under its namespace (directory:...); signing in and out keep Django's names.
    path(
        "",
        include((audit_urls.urlpatterns + invitation_urls.urlpatterns + contact_import_urls.urlpatterns, "directory")),
    ),
    # django-allauth's pages that we serve, under allauth's names (it reverses them itself). Only
    # these: no sign-up (accounts come from staff and invitations), no second email addresses.
    # "account_login" names the sign-in page above, so allauth's links lead there.
    path("sign-in/", sso_views.sign_in, name="account_login"),
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
