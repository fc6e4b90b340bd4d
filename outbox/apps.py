from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Mail as transport: the outgoing-mail table and its delivery, below every feature app."""

    name = "outbox"
    verbose_name = "Email: outbox and delivery"
