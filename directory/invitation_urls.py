"""Routes of the people pages and invitations (included by directory/urls.py under directory:)."""

from django.urls import path

from directory import invitation_views

urlpatterns = [
    path("states/<str:code>/people/", invitation_views.people, name="people"),
    path("states/<str:code>/people/invite/", invitation_views.invite, name="invite"),
    path("invitations/<int:invitation_id>/resend/", invitation_views.resend, name="resend_invitation"),
    path("invitations/<int:invitation_id>/revoke/", invitation_views.revoke, name="revoke_invitation"),
    path("invitation/<str:token>/", invitation_views.accept, name="invitation"),
]
