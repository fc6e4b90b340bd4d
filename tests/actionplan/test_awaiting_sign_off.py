"""The one definition of "awaiting sign-off" (actionplan.models.awaiting_sign_off), which the plan
dashboard, My updates, the reminder scan and the state report all read."""

from __future__ import annotations

from actionplan import services
from actionplan.models import Item, ItemSide, Plan, Status, awaiting_sign_off
from directory.models import User
from tests import factories


def test_an_open_joint_item_signed_by_one_office_awaits_the_other(idaho: dict[str, User]) -> None:
    cio, cpo = idaho["cio"], idaho["cpo"]
    plan: Plan = factories.make_plan("ID")

    def joint(title: str) -> Item:
        return factories.make_item(plan, title=title, side=ItemSide.JOINT, cio_owner=cio, cpo_owner=cpo)

    cio_signed, cpo_signed, both = joint("CIO signed"), joint("CPO signed"), joint("Both")
    joint("Neither")
    services.sign_off(cio_signed, by=cio, side="cio")
    services.sign_off(cpo_signed, by=cpo, side="cpo")
    services.sign_off(both, by=cio, side="cio")
    services.sign_off(both, by=cpo, side="cpo")
    reopened = joint("Reopened")
    services.sign_off(reopened, by=cio, side="cio")
    services.sign_off(reopened, by=cpo, side="cpo")
    services.reopen(reopened, by=cio, reason="The vendor changed the terms.")  # both signatures withdrawn
    archived = joint("Archived")
    services.sign_off(archived, by=cio, side="cio")
    services.archive_item(archived, by=cio)
    done = joint("Done another way")
    services.sign_off(done, by=cio, side="cio")
    Item.objects.filter(pk=done.pk).update(status=Status.DONE)
    factories.make_item(plan, title="The CIO's own", side=ItemSide.CIO, cio_owner=cio)

    waiting = awaiting_sign_off(Item.objects.current())

    assert {pk: (s.side, s.item_id) for pk, s in waiting.items()} == {
        cio_signed.pk: ("cio", cio_signed.pk),
        cpo_signed.pk: ("cpo", cpo_signed.pk),
    }
    assert Item.objects.get(pk=both.pk).status == Status.DONE
    # Only among the items asked about.
    assert awaiting_sign_off(Item.objects.filter(pk=cpo_signed.pk)).keys() == {cpo_signed.pk}
