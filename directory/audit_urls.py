"""Routes of the sign-in audit and of staff's other sign-in security pages (included by
directory/urls.py under the directory: namespace)."""

from django.urls import path

from directory import audit_views, mfa_views

urlpatterns = [
    path("sign-in-events/", audit_views.sign_in_events, name="sign_in_events"),
    path("account/sign-ins/", audit_views.my_sign_ins, name="my_sign_ins"),
    # Staff resetting the second factor of someone who lost theirs.
    path("account/two-factor/reset/<int:pk>/", mfa_views.reset_mfa, name="reset_mfa"),
]
