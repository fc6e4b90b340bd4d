"""Routes of the public pages (included by reports/urls.py under the reports: namespace). Anyone
reads them; robots.txt lets crawlers in under /public/ and nowhere else."""

from django.urls import URLPattern, path

from reports.views import public

urlpatterns: list[URLPattern] = [
    path("public/", public.plans, name="public_plans"),
    path("public/plans/<int:plan_id>/", public.plan, name="public_plan"),
    path("public/adoption/", public.adoption, name="public_adoption"),
]
