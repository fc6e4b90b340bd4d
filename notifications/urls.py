from django.urls import path

from notifications import bounce_views, status_link_views, views

app_name = "notifications"

urlpatterns = [
    path("my-updates/", views.my_updates, name="my_updates"),
    path("email/preferences/", views.preferences, name="preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/log/", views.delivery_log, name="delivery_log"),
    path("email/log/<int:email_id>/resend/", views.resend, name="resend"),
    path("email/bounces/", bounce_views.bounce_list, name="bounces"),
    path("email/bounces/<int:bounce_id>/resolve/", bounce_views.resolve, name="resolve_bounce"),
    # One-click status links in reminders: short, since the email shows them in full.
    path("s/<str:token>/<str:status>/", status_link_views.status_link, name="status_link"),
]
