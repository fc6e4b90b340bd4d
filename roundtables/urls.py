"""URLs of the roundtables app, one section per views module. Every URL here needs a row in
the authorization tests (tests/roundtables/test_access_*.py); a URL without one fails
tests/roundtables/test_access_coverage.py."""

from django.urls import path  # noqa: F401

from roundtables.views import events, outcomes  # noqa: F401

app_name = "roundtables"

urlpatterns = [
    # --- events: roundtables, invitations, registration, attendance, .ics ---
    path("roundtables/", events.event_list, name="list"),
    path("roundtables/new/", events.create, name="create"),
    path("roundtables/<int:roundtable_id>/", events.detail, name="detail"),
    path("roundtables/<int:roundtable_id>/edit/", events.edit, name="edit"),
    path("roundtables/<int:roundtable_id>/sessions/", events.sessions, name="sessions"),
    path("roundtables/<int:roundtable_id>/invite/", events.invite, name="invite"),
    path("roundtables/<int:roundtable_id>/register/", events.register, name="register"),
    path("roundtables/<int:roundtable_id>/attendance/", events.attendance, name="attendance"),
    path("roundtables/<int:roundtable_id>/event.ics", events.ics_file, name="ics"),
    # --- outcomes: record, propose, accept, decline ---
    path("roundtables/<int:roundtable_id>/outcomes/", outcomes.outcomes, name="outcomes"),
    path("roundtables/outcomes/<int:outcome_id>/propose/", outcomes.propose, name="outcome_propose"),
    path("proposals/", outcomes.proposals, name="proposals"),
    path("proposals/<int:proposal_id>/", outcomes.proposal, name="proposal"),
]
