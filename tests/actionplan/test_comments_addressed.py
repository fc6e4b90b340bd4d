"""Which comments speak to someone, and which of those still wait for their answer: the reads the
inbox's "Needs your reply" is built from (Comment.objects.addressed_to / unanswered_for)."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import DjangoAssertNumQueries

from actionplan import services
from actionplan.models import Comment, Item, Plan
from directory.models import User

pytestmark = pytest.mark.django_db


def item(plan: Plan, code: str) -> Item:
    return Item.objects.get(plan=plan, framework_item__code=code)


def addressed(user: User) -> list[str]:
    return [c.body for c in Comment.objects.addressed_to(user).order_by("created_at", "id")]


def unanswered(user: User) -> list[str]:
    return [c.body for c in Comment.objects.order_by("created_at", "id").unanswered_for(user)]


def test_a_mention_is_addressed_to_whom_it_names_until_they_write_in_its_thread(plan: Plan, idaho: dict) -> None:
    cio, cpo = idaho["cio"], idaho["cpo"]
    b1 = item(plan, "B1")
    question = services.add_comment(b1, author=cpo, body="@cio can you chair it?")
    services.add_comment(b1, author=cio, body="A comment of my own, not in that thread.")

    assert addressed(cio) == unanswered(cio) == ["@cio can you chair it?"]
    assert addressed(cpo) == []  # nobody spoke to the CPO; their own comment is not to them

    services.add_comment(b1, author=cio, body="Yes.", parent=question)

    assert addressed(cio) == ["@cio can you chair it?"]
    assert unanswered(cio) == []
    assert addressed(cpo) == unanswered(cpo) == ["Yes."]  # a reply in the thread the CPO started


def test_a_reply_in_a_thread_someone_wrote_in_waits_for_them_until_they_write_again(plan: Plan, idaho: dict) -> None:
    cio, cpo, deputy = idaho["cio"], idaho["cpo"], idaho["cio_delegate"]
    b1 = item(plan, "B1")
    root = services.add_comment(b1, author=cpo, body="Budget first?")
    services.add_comment(b1, author=cio, body="Agreed.", parent=root)
    services.add_comment(b1, author=deputy, body="I can draft it.", parent=root)
    services.add_comment(b1, author=cpo, body="Please do.", parent=root)

    assert addressed(cio) == unanswered(cio) == ["I can draft it.", "Please do."]
    assert unanswered(cpo) == []  # the CPO wrote last
    assert addressed(cpo) == ["Agreed.", "I can draft it."]
    assert unanswered(deputy) == ["Please do."]

    services.add_comment(b1, author=cio, body="Thanks both.", parent=root)

    assert unanswered(cio) == []
    assert unanswered(cpo) == ["Thanks both."]
    assert unanswered(deputy) == ["Please do.", "Thanks both."]


def test_only_a_thread_someone_wrote_in_speaks_to_them(plan: Plan, idaho: dict) -> None:
    cio, cpo, deputy = idaho["cio"], idaho["cpo"], idaho["cio_delegate"]
    mentioned = services.add_comment(item(plan, "B1"), author=cpo, body="@cio for your information.")
    services.add_comment(item(plan, "B1"), author=deputy, body="Noted.", parent=mentioned)
    elsewhere = services.add_comment(item(plan, "G1"), author=cio, body="Another item.")

    # Mentioned in the root but silent in the thread: the deputy's reply is not to the CIO.
    assert addressed(cio) == ["@cio for your information."]
    # Writing on another item, or in another thread, answers nothing here.
    services.add_comment(item(plan, "G1"), author=cio, body="Still another item.", parent=elsewhere)
    assert unanswered(cio) == ["@cio for your information."]


@pytest.mark.parametrize("threads", [1, 8])
def test_each_read_is_a_fixed_number_of_queries_whatever_the_number_of_threads(
    plan: Plan, idaho: dict, threads: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    cio, cpo = idaho["cio"], idaho["cpo"]
    for n in range(threads):
        root = services.add_comment(item(plan, "B1"), author=cpo, body=f"@cio question {n}")
        services.add_comment(item(plan, "B1"), author=cio, body=f"Answer {n}", parent=root)
        services.add_comment(item(plan, "B1"), author=cpo, body=f"Follow-up {n}", parent=root)

    with django_assert_num_queries(1):
        addressed_to = list(Comment.objects.addressed_to(cio))
    # The user's own comments, the candidates, and whom those mention.
    with django_assert_num_queries(3):
        waiting = Comment.objects.select_related("author", "item").unanswered_for(cio)

    assert len(addressed_to) == 2 * threads
    assert [c.body for c in waiting] == [f"Follow-up {n}" for n in range(threads)]
    assert {c.author for c in waiting} == {cpo}
