from django.contrib import admin

from actionplan.models import Dimension


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug"]
    ordering = ["position"]
