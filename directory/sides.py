"""The offices that own and act on the work: the CIO's, the CPO's, or both together.

One vocabulary for every app: a framework's suggested item (library) and a state's item
(actionplan) are owned by the same three sides.
"""

from __future__ import annotations

from django.db import models


class Side(models.TextChoices):
    """Who owns an item: the CIO's office, the CPO's office, or both together."""

    CIO = "cio", "CIO"
    CPO = "cpo", "CPO"
    JOINT = "joint", "Joint"


# The two offices, in the order pages list them; a joint item belongs to both.
OFFICES: tuple[str, str] = (Side.CIO.value, Side.CPO.value)
OFFICE_CHOICES = [(Side.CIO.value, Side.CIO.label), (Side.CPO.value, Side.CPO.label)]
# The roles that hold an office themselves (not a delegate).
PRINCIPAL_ROLES: tuple[str, str] = ("cio", "cpo")
# Which office each role acts for. Viewers act for neither: they read.
ROLE_SIDE = {"cio": "cio", "cio_delegate": "cio", "cpo": "cpo", "cpo_delegate": "cpo"}
# The same rule read the other way: the roles that act for each office.
SIDE_ROLES = {side: tuple(role for role, acts_for in ROLE_SIDE.items() if acts_for == side) for side in OFFICES}


def offices_of(side: str) -> list[str]:
    """The offices that own an item of this side: one, or both for a joint item."""
    return list(OFFICES) if side == Side.JOINT else [side]


def other(office: str) -> str:
    """The other office: the CPO's for the CIO's, and the CIO's for the CPO's."""
    return Side.CPO.value if office == Side.CIO else Side.CIO.value
