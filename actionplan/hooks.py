"""What the apps above the action plan add to its pages (see config/hooks.py).

The home page tells a state's CIO and CPO how many roundtable outcomes await their decision, and
an item that came from a roundtable outcome says which one: both are for the events app to know,
and it sits above the action plan. The pages call these hooks; the events app's receivers.py
answers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from config.hooks import Hook

if TYPE_CHECKING:
    from actionplan.models import Item


@dataclass
class HomePage:
    """The home page: receivers add to `context` (the count of outcomes awaiting a decision)."""

    request: HttpRequest
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemOrigin:
    """Where an item that was not copied from the framework came from: receivers add to `context`
    (the roundtable outcome a state accepted it from), in one query at most."""

    item: Item
    context: dict[str, Any] = field(default_factory=dict)


home_page: Hook[HomePage] = Hook("actionplan.home_page")
item_origin: Hook[ItemOrigin] = Hook("actionplan.item_origin")
