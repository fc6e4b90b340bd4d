"""Putting on the rows a page shows the users they name, from people the page has already loaded.

Joining users into every query of a page costs more than it looks: the ORM builds every column of
each joined user and PostgreSQL plans each join, on every request. Most people a plan's pages name
(owners, authors, signers) are the state's members, whom those pages load anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from directory.models import User


def attach_users(users: dict[int, User], *rows: tuple[Sequence[Any], str], also: Iterable[int | None] = ()) -> None:
    """Set each row's `field` (author, owner, actor...) to its user from `users`. Anyone not in it
    (an owner who has left, staff who commented) comes from one query, only then, and is added to
    `users`; `also` names users wanted without a row."""
    wanted = {getattr(row, f"{field}_id") for objs, field in rows for row in objs} | set(also)
    missing = {user_id for user_id in wanted - users.keys() if user_id is not None}
    if missing:
        users |= {u.pk: u for u in User.objects.filter(pk__in=missing)}
    for objs, field in rows:
        for row in objs:
            user_id = getattr(row, f"{field}_id")
            if user_id is not None:
                setattr(row, field, users[user_id])
