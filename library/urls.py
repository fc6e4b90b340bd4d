"""URLs of the library: publications, recommendations, case studies and the timeline. Every URL
here needs a row in the authorization tests (tests/library/test_access.py); a URL without one
fails its coverage test."""

from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("recommendations/", views.library, name="library"),
    path("recommendations/<int:recommendation_id>/", views.recommendation, name="recommendation"),
    path("publications/", views.publications, name="publications"),
    path("case-studies/", views.case_studies, name="case_studies"),
    path("case-studies/<slug:slug>/", views.case_study, name="case_study"),
    path("timeline/", views.timeline, name="timeline"),
]
