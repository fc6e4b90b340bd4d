"""URLs of the roundtables app, one section per views module. Every URL here needs a row in
the authorization tests (tests/roundtables/test_access_*.py); a URL without one fails
tests/roundtables/test_access_coverage.py."""

from django.urls import path  # noqa: F401

from roundtables.views import adoption, events, library, outcomes  # noqa: F401

app_name = "roundtables"

urlpatterns = [
    # --- library: publications, recommendations, case studies, timeline ---
    path("recommendations/", library.library, name="library"),
    path("recommendations/<int:recommendation_id>/", library.recommendation, name="recommendation"),
    path("publications/", library.publications, name="publications"),
    path("case-studies/", library.case_studies, name="case_studies"),
    path("case-studies/<slug:slug>/", library.case_study, name="case_study"),
    path("timeline/", library.timeline, name="timeline"),
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
    # --- adoption: a state's record, evidence, verification, the national matrix ---
    path("adoption/", adoption.matrix, name="adoption_matrix"),
    path("adoption/evidence/<int:adoption_id>/", adoption.evidence_download, name="adoption_evidence"),
    path("adoption/<str:code>/", adoption.state, name="adoption"),
    path("adoption/<str:code>/<int:recommendation_id>/", adoption.edit, name="adoption_edit"),
    path("adoption/<str:code>/<int:recommendation_id>/verify/", adoption.verify, name="adoption_verify"),
]
