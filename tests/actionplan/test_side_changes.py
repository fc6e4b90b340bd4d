"""Changing which office owns an item ("Owned by"): every transition for every role.

The rule (actionplan.services._check_side_change): an office may share its own item with the other
office (make it joint); nobody takes an office off an item, or hands an item to an office, for which
they do not act. So a joint item becomes one office's item only through someone acting for both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from actionplan import services
from actionplan.models import Activity, Item, ItemSide, Plan, SignOff, Status
from directory.models import Membership, User
from tests import factories
from tests.factories import edit_data, make_item, make_plan, owners_for

pytestmark = pytest.mark.django_db

Role = Membership.Role

TRANSITIONS = [("cio", "cpo"), ("cio", "joint"), ("cpo", "cio"), ("cpo", "joint"), ("joint", "cio"), ("joint", "cpo")]

# What each person gets for each transition: "ok" (saved), "refused" (a message on the side field,
# nothing saved) or "denied" (they may not change the item at all: the page answers 403).
OFFICE_CIO = {
    ("cio", "cpo"): "refused",
    ("cio", "joint"): "ok",
    ("cpo", "cio"): "denied",
    ("cpo", "joint"): "denied",
    ("joint", "cio"): "refused",
    ("joint", "cpo"): "refused",
}
OFFICE_CPO = {
    ("cio", "cpo"): "denied",
    ("cio", "joint"): "denied",
    ("cpo", "cio"): "refused",
    ("cpo", "joint"): "ok",
    ("joint", "cio"): "refused",
    ("joint", "cpo"): "refused",
}
NOBODY = dict.fromkeys(TRANSITIONS, "denied")
EXPECTED = {
    "cio": OFFICE_CIO,
    "cio_delegate": OFFICE_CIO,
    "cpo": OFFICE_CPO,
    "cpo_delegate": OFFICE_CPO,
    "viewer": NOBODY,
    "staff": NOBODY,
    "other_state_cio": NOBODY,
    "both_offices": dict.fromkeys(TRANSITIONS, "ok"),
}


@dataclass
class Idaho:
    """Idaho's plan and someone in each role of EXPECTED, by role (not only Idaho's people: staff and
    Maine's CIO try too)."""

    people: dict[str, User]
    plan: Plan

    def item(self, side: str) -> Item:
        return make_item(self.plan, side=side, **self.owners_for(side))

    def owners_for(self, side: str) -> dict[str, User | None]:
        return owners_for(side, cio=self.people["cio"], cpo=self.people["cpo"])


@pytest.fixture
def idaho(reference_data: None) -> Idaho:
    both = factories.make_member("ID", Role.CIO_DELEGATE, full_name="Jo Both")
    factories.make_member("ID", Role.CPO_DELEGATE, user=both)
    people = {
        "cio": factories.make_member("ID", Role.CIO, full_name="Avery Quinn"),
        "cpo": factories.make_member("ID", Role.CPO, full_name="Blake Rivera"),
        "cio_delegate": factories.make_member("ID", Role.CIO_DELEGATE),
        "cpo_delegate": factories.make_member("ID", Role.CPO_DELEGATE),
        "viewer": factories.make_member("ID", Role.VIEWER),
        "staff": factories.make_staff("NASCIO"),
        "other_state_cio": factories.make_member("ME", Role.CIO),
        "both_offices": both,
    }
    return Idaho(people=people, plan=make_plan("ID"))


@pytest.mark.parametrize(("old", "new"), TRANSITIONS, ids=[f"{a}-to-{b}" for a, b in TRANSITIONS])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_side_transition_for_every_role(idaho: Idaho, role: str, old: str, new: str) -> None:
    item = idaho.item(old)
    by = idaho.people[role]
    expected = EXPECTED[role][(old, new)]

    def change() -> Item:
        return services.edit_item(item, by=by, expected_version=item.version, side=new, **idaho.owners_for(new))

    if expected == "ok":
        changed = change()
        assert changed.side == new
        assert changed.version == item.version + 1
        assert Activity.objects.filter(item=item, field="side", old_value=old, new_value=new).count() == 1
        return
    with pytest.raises(ValidationError if expected == "refused" else PermissionDenied) as refused:
        change()
    if expected == "refused":
        assert list(refused.value.message_dict) == ["side"]
    item.refresh_from_db()
    assert (item.side, item.version) == (old, 1)
    assert not Activity.objects.filter(item=item).exists()


def test_dropping_the_other_office_says_whom_to_ask(idaho: Idaho) -> None:
    item = idaho.item(ItemSide.JOINT)
    with pytest.raises(ValidationError, match="only if the CPO office agrees. Ask the CPO or a delegate of the CPO"):
        services.edit_item(item, by=idaho.people["cio"], expected_version=1, side="cio", cpo_owner=None)


def test_handing_an_item_to_the_other_office_suggests_sharing_it(idaho: Idaho) -> None:
    item = idaho.item(ItemSide.CIO)
    with pytest.raises(ValidationError, match="cannot hand this item to the CPO office alone. Choose Joint"):
        services.edit_item(item, by=idaho.people["cio_delegate"], expected_version=1, side="cpo", cio_owner=None)


def test_a_done_single_office_item_made_joint_waits_for_both_signatures(idaho: Idaho) -> None:
    item = idaho.item(ItemSide.CIO)
    cio = idaho.people["cio"]
    services.post_update(item, author=cio, side="cio", status=Status.DONE, progress=100, narrative="Finished.")
    item = services.edit_item(item, by=cio, expected_version=1, side="joint", **idaho.owners_for("joint"))
    # The CIO office's last report stands; the CPO office has not reported yet; only signatures finish it.
    assert (item.side, item.status, item.cio_status, item.cpo_status) == ("joint", Status.ON_TRACK, "done", "")
    assert Activity.objects.filter(item=item, verb=Activity.Verb.STATUS_CHANGED, new_value="On track").exists()


def test_changing_the_side_of_a_signed_item_voids_the_signatures(idaho: Idaho) -> None:
    item = idaho.item(ItemSide.JOINT)
    services.sign_off(item, by=idaho.people["cio"], side="cio")
    services.sign_off(item, by=idaho.people["cpo"], side="cpo")
    item.refresh_from_db()
    assert item.status == Status.DONE
    both = idaho.people["both_offices"]
    item = services.edit_item(item, by=both, expected_version=item.version, side="cio", cpo_owner=None)
    assert not SignOff.objects.standing().filter(item=item).exists()
    assert (item.status, item.cpo_owner) == (Status.ON_TRACK, None)
    reset = Activity.objects.get(item=item, verb=Activity.Verb.SIGN_OFFS_RESET)
    assert reset.new_value == "Owned by changed after signing"


# --- Through the edit page --------------------------------------------------------------------


def test_sharing_an_item_with_the_other_office_from_the_edit_page_saves_it(client: Client, idaho: Idaho) -> None:
    """Was a 500: the service passed the item where the plan was expected."""
    item = idaho.item(ItemSide.CIO)
    client.force_login(idaho.people["cio"])
    data = edit_data(item, side="joint", cpo_owner=idaho.people["cpo"].pk)
    response = client.post(reverse("actionplan:item_edit", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.side, item.cpo_owner) == ("joint", idaho.people["cpo"])


def test_a_refused_side_change_comes_back_on_its_field_with_the_input_kept(client: Client, idaho: Idaho) -> None:
    item = idaho.item(ItemSide.JOINT)
    client.force_login(idaho.people["cio"])
    data = edit_data(item, side="cio", title="Retitled while asking to drop the CPO")
    response = client.post(reverse("actionplan:item_edit", args=[item.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "it becomes one office’s item only if the CPO office agrees" in html.replace("&#x27;", "’").replace("'", "’")
    assert 'value="Retitled while asking to drop the CPO"' in html
    item.refresh_from_db()
    assert (item.side, item.version, item.title) == ("joint", 1, item.title)
    assert not Activity.objects.filter(item=item).exists()
