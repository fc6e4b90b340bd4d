from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Email: reminders and digests"

    def ready(self) -> None:
        """Read each stored inbound message (below), and close a bounced address's flag when the
        person's address changes (notifications/receivers.py)."""
        from notifications import receivers
        from outbox import inbound

        receivers.register()

        # Each newly stored message is read by a worker once its row commits (at once, in-process,
        # in the quick start, where tasks run eagerly); one stored while Redis was away is read by
        # the periodic read_waiting_mail instead.
        inbound.on_stored(queue_reading)


def queue_reading(pk: int) -> None:
    """Ask a worker to read the inbound message `pk` (notifications.read_inbound)."""
    from notifications.tasks import read_inbound

    read_inbound.delay(pk)
