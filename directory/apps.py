from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Who is who"

    def ready(self) -> None:
        from directory.admin_access import sync_staff_group

        # After every migrate (and every test database flush): the staff group's permissions are
        # the ones directory/permissions.py lists, whatever was done to the group in between.
        post_migrate.connect(sync_staff_group, dispatch_uid="directory.sync_staff_group")
