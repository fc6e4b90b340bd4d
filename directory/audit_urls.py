"""Routes of the sign-in audit (included by directory/urls.py under the directory: namespace)."""

from django.urls import path

from directory import audit_views

urlpatterns = [
    path("sign-in-events/", audit_views.sign_in_events, name="sign_in_events"),
    path("account/sign-ins/", audit_views.my_sign_ins, name="my_sign_ins"),
]
