"""The site's URL map: each app brings its own urls module under a namespace."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config import views

urlpatterns = [
    path("", include("directory.urls")),
    path("", include("actionplan.urls")),
    path("", include("notifications.urls")),
    path("", include("roundtables.urls")),
    # The outbox's emails were administered under notifications until the model moved to its own
    # app: staff's bookmarks (and links in past notes) still arrive.
    re_path(
        r"^admin/notifications/outgoingemail/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/outbox/outgoingemail/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
