"""The outbox's one address: the door a mail provider's inbound webhook posts messages to."""

from django.urls import path

from outbox import views

app_name = "outbox"
urlpatterns = [
    path("inbound/email/", views.inbound_email, name="inbound_email"),
]
