"""The site's URL map: each app brings its own urls module under a namespace."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config import views

# The admin pages of models that moved to another app (issue 11: the library, and adoption beside
# the plan's items), old address -> new: staff's bookmarks still arrive.
MOVED_ADMIN_PAGES = {
    "actionplan/dimension": "library/dimension",
    "actionplan/framework": "library/framework",
    "actionplan/frameworkitem": "library/frameworkitem",
    "roundtables/publication": "library/publication",
    "roundtables/recommendationarea": "library/recommendationarea",
    "roundtables/recommendation": "library/recommendation",
    "roundtables/milestone": "library/milestone",
    "roundtables/casestudy": "library/casestudy",
    "roundtables/adoption": "actionplan/adoption",
    "roundtables/adoptionchange": "actionplan/adoptionchange",
}

urlpatterns = [
    path("", include("directory.urls")),
    path("", include("library.urls")),
    path("", include("actionplan.urls")),
    path("", include("notifications.urls")),
    path("", include("roundtables.urls")),
    path("", include("reports.urls")),
    path("", include("outbox.urls")),
    # The outbox's emails were administered under notifications until the model moved to its own
    # app: staff's bookmarks (and links in past notes) still arrive.
    re_path(
        r"^admin/notifications/outgoingemail/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/outbox/outgoingemail/%(rest)s", permanent=True, query_string=True),
    ),
    *(
        re_path(
            rf"^admin/{old}/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{new}/%(rest)s", permanent=True, query_string=True),
        )
        for old, new in MOVED_ADMIN_PAGES.items()
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
