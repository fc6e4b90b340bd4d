"""What notifications listens for in the apps below it. Registered once by NotificationsConfig.ready().

A person's address is changed in the admin (directory), which cannot call up to notifications:
when a user is saved with a new address, the flags on the old one close (notifications.bounces).
The receiver only calls the service; saves that name their fields and leave the address alone
(a sign-in's last_login) cost nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from directory.models import User
from notifications import bounces


def _address_may_have_changed(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or (update_fields is not None and "email" not in update_fields):
        return
    bounces.clear_changed_address(instance)


def register() -> None:
    post_save.connect(_address_may_have_changed, sender=User, dispatch_uid="notifications.bounces.address_changed")
