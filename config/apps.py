"""The Django admin app, on the site that lets association staff in (directory/admin_access.py).

Named by its dotted path in INSTALLED_APPS, in the place of "django.contrib.admin": the site is
named here as a string, so config imports nothing above it.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "directory.admin_access.StaffAdminSite"
