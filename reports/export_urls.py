"""The CSV and XLSX downloads (reports/views/exports.py), each beside the page it comes from:
`<fmt>` is "csv" or "xlsx", any other a 404. Every URL here needs a row in
tests/reports/test_access_exports.py."""

from django.urls import path

from reports.views import exports

urlpatterns = [
    path("exports/plans/<int:plan_id>/items.<str:fmt>", exports.items, name="items_export"),
    path(
        "exports/plans/<int:plan_id>/dimensions/<slug:dimension>/items.<str:fmt>",
        exports.items,
        name="dimension_items_export",
    ),
    path("exports/plans/<int:plan_id>/updates.<str:fmt>", exports.updates, name="updates_export"),
    path("exports/adoption/all.<str:fmt>", exports.adoption_matrix, name="adoption_matrix_export"),
    path("exports/adoption/<str:code>/records.<str:fmt>", exports.adoption, name="adoption_export"),
    path("exports/roundtables/<int:roundtable_id>/attendance.<str:fmt>", exports.attendance, name="attendance_export"),
]
