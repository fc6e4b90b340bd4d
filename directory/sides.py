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
