"""Moving the library's models out of actionplan and roundtables, and Adoption beside the plan's
items, changes no row: a database migrated from before the move ends with the same rows in every
moved table (now under its new app's name), the same links between them, and the content types
(with their permissions and admin history) of the moved models. And the move can be undone."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from actionplan.models import Adoption, Item
from library.models import CaseStudy, Dimension, FrameworkItem, Publication, Recommendation
from roundtables.models import AgendaSession, Outcome, Roundtable

# The last migrations before the move; the library app did not exist.
BEFORE_THE_MOVE = [
    ("actionplan", "0004_item_case_studies_roundtable_origin"),
    ("roundtables", "0003_adoption_change_history"),
    ("library", None),
]
# Every table of a moved model (and its many-to-many tables), before -> after, and the tables of
# other models that link to them, which keep their names.
RENAMED = {
    "actionplan_dimension": "library_dimension",
    "actionplan_framework": "library_framework",
    "actionplan_frameworkitem": "library_frameworkitem",
    "roundtables_publication": "library_publication",
    "roundtables_publication_associations": "library_publication_associations",
    "roundtables_recommendationarea": "library_recommendationarea",
    "roundtables_recommendation": "library_recommendation",
    "roundtables_milestone": "library_milestone",
    "roundtables_casestudy": "library_casestudy",
    "roundtables_casestudy_dimensions": "library_casestudy_dimensions",
    "roundtables_casestudy_recommendations": "library_casestudy_recommendations",
    "roundtables_adoption": "actionplan_adoption",
    "roundtables_adoption_items": "actionplan_adoption_items",
    "roundtables_adoptionchange": "actionplan_adoptionchange",
}
LINKING = [
    "actionplan_plan",
    "actionplan_item",
    "actionplan_item_recommendations",
    "actionplan_item_case_studies",
    "roundtables_roundtable_publications",
    "roundtables_agendasession_dimensions",
    "roundtables_outcome",
    "django_content_type",
    "auth_permission",
    "django_admin_log",
]
SOON = datetime.datetime(2027, 4, 13, 15, 0, tzinfo=datetime.UTC)


def migrate(targets: list[tuple[str, str | None]]) -> StateApps:
    """Migrate the test database to `targets` and return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reads which migrations are applied now
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - our own table names
            found[table] = cursor.fetchone()[0]
    return found


@pytest.fixture
def before_the_move() -> Iterator[StateApps]:
    """The database as it was deployed before the move; migrated back to the end afterwards, so the
    tests after this one find the schema they expect."""
    try:
        yield migrate(BEFORE_THE_MOVE)
    finally:
        migrate(latest())


def _old_rows(old: StateApps) -> dict[str, Any]:
    """One row in every moved table, and rows of other apps that link to them, as the models were
    before the move."""
    model = old.get_model
    user = model("directory", "User").objects.create(
        email="dana@idaho.example", full_name="Dana Whitfield", tz="America/Boise", password="!"
    )
    idaho, _ = model("directory", "Jurisdiction").objects.get_or_create(
        code="ID", defaults={"name": "Idaho", "kind": "state", "tz": "America/Boise", "fiscal_year_start_month": 7}
    )
    nascio, _ = model("directory", "Association").objects.get_or_create(
        code="NASCIO", defaults={"name": "NASCIO", "members_are": "state CIOs", "website": "https://www.nascio.org/"}
    )
    dimension = model("actionplan", "Dimension").objects.create(
        slug="moving-dimension", name="A dimension that moves", position=99, summary="Moves to the library."
    )
    framework = model("actionplan", "Framework").objects.create(
        title="A moving framework", edition="moving edition", state="published", published_at=SOON
    )
    framework_item = model("actionplan", "FrameworkItem").objects.create(
        framework=framework, dimension=dimension, code="M1", title="Moves too", side="joint"
    )
    publication = model("roundtables", "Publication").objects.create(
        slug="moving-paper", title="A paper that moves", published_on=datetime.date(2017, 9, 19)
    )
    publication.associations.add(nascio)
    area = model("roundtables", "RecommendationArea").objects.create(name="Moving area", publication=publication)
    recommendation = model("roundtables", "Recommendation").objects.create(
        publication=publication, area=area, number="M1", text="Keep every row.", confidence="publication"
    )
    model("roundtables", "Milestone").objects.create(
        slug="moving-milestone", happened_on=datetime.date(2016, 12, 1), title="The move was planned"
    )
    case_study = model("roundtables", "CaseStudy").objects.create(
        slug="moving-study", title="A study that moves", summary="It moved.", jurisdiction=idaho, topics=["moving"]
    )
    case_study.dimensions.add(dimension)
    case_study.recommendations.add(recommendation)
    plan = model("actionplan", "Plan").objects.create(
        jurisdiction=idaho,
        period="FY2099",
        starts_on=datetime.date(2098, 7, 1),
        ends_on=datetime.date(2099, 6, 30),
        framework=framework,
    )
    item = model("actionplan", "Item").objects.create(
        plan=plan,
        dimension=dimension,
        framework_item=framework_item,
        origin="framework",
        title="An item that cites what moves",
        starts_on=datetime.date(2098, 7, 1),
        due_on=datetime.date(2099, 6, 30),
        created_by=user,
    )
    item.recommendations.add(recommendation)
    item.case_studies.add(case_study)
    event = model("roundtables", "Roundtable").objects.create(
        slug="moving-event", title="A roundtable that stays", starts_at=SOON, ends_at=SOON
    )
    event.publications.add(publication)
    session = model("roundtables", "AgendaSession").objects.create(roundtable=event, title="A session that stays")
    session.dimensions.add(dimension)
    model("roundtables", "Outcome").objects.create(
        roundtable=event,
        title="An outcome that stays",
        text="Agreed.",
        dimension=dimension,
        recommendation=recommendation,
    )
    adoption = model("roundtables", "Adoption").objects.create(
        jurisdiction=idaho,
        recommendation=recommendation,
        status="adopted",
        evidence_kind="statute",
        evidence_url="https://example.org/statute",
        updated_by=user,
    )
    adoption.items.add(item)
    model("roundtables", "AdoptionChange").objects.create(
        adoption=adoption, kind="recorded", actor=user, status="adopted", summary="Status: Adopted"
    )
    content_types = model("contenttypes", "ContentType").objects
    moved_types = {
        (app, name): content_types.get_or_create(app_label=app, model=name)[0]
        for app, name in [("roundtables", "recommendation"), ("actionplan", "dimension"), ("roundtables", "adoption")]
    }
    permission = model("auth", "Permission").objects.create(
        content_type=moved_types[("roundtables", "recommendation")],
        codename="check_recommendation_test",
        name="Can check recommendation (test)",
    )
    log = model("admin", "LogEntry").objects.create(
        user=user,
        content_type=moved_types[("roundtables", "adoption")],
        object_id=str(adoption.pk),
        object_repr="Idaho on M1",
        action_flag=2,
        change_message="Changed in the admin",
        action_time=SOON,
    )
    return {
        "recommendation": recommendation.pk,
        "dimension": dimension.pk,
        "framework_item": framework_item.pk,
        "case_study": case_study.pk,
        "publication": publication.pk,
        "item": item.pk,
        "adoption": adoption.pk,
        "types": {key: value.pk for key, value in moved_types.items()},
        "permission": permission.pk,
        "log": log.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_deployed_database_keeps_every_row_when_the_library_and_adoption_move(
    before_the_move: StateApps,
) -> None:
    old = _old_rows(before_the_move)
    before = counts(list(RENAMED) + LINKING)
    assert all(before[table] > 0 for table in RENAMED), before

    new = migrate(latest())

    after = counts(list(RENAMED.values()) + LINKING)
    assert {table: after[RENAMED.get(table, table)] for table in before} == before
    with connection.cursor() as cursor:
        old_names = set(RENAMED) & set(connection.introspection.table_names(cursor))
    assert not old_names, f"tables left under their old names: {old_names}"

    recommendation = Recommendation.objects.select_related("publication", "area").get(pk=old["recommendation"])
    assert (recommendation.number, recommendation.text, recommendation.publication.slug, recommendation.area.name) == (
        "M1",
        "Keep every row.",
        "moving-paper",
        "Moving area",
    )
    assert list(Publication.objects.get(pk=old["publication"]).associations.values_list("code", flat=True)) == [
        "NASCIO"
    ]
    study = CaseStudy.objects.get(pk=old["case_study"])
    assert list(study.dimensions.values_list("slug", flat=True)) == ["moving-dimension"]
    assert list(study.recommendations.values_list("pk", flat=True)) == [old["recommendation"]]
    assert FrameworkItem.objects.get(pk=old["framework_item"]).dimension_id == old["dimension"]
    item = Item.objects.get(pk=old["item"])
    assert (item.dimension.slug, item.framework_item.code, item.plan.framework.edition) == (
        "moving-dimension",
        "M1",
        "moving edition",
    )
    assert list(item.recommendations.values_list("pk", flat=True)) == [old["recommendation"]]
    assert list(item.case_studies.values_list("slug", flat=True)) == ["moving-study"]
    adoption = Adoption.objects.get(pk=old["adoption"])
    assert (adoption.status, adoption.recommendation_id, adoption.evidence_url) == (
        Adoption.Status.ADOPTED,
        old["recommendation"],
        "https://example.org/statute",
    )
    assert list(adoption.items.values_list("pk", flat=True)) == [old["item"]]
    assert [(c.kind, c.summary) for c in adoption.changes.all()] == [("recorded", "Status: Adopted")]
    event = Roundtable.objects.get(slug="moving-event")
    assert list(event.publications.values_list("slug", flat=True)) == ["moving-paper"]
    assert list(AgendaSession.objects.get(roundtable=event).dimensions.values_list("pk", flat=True)) == [
        old["dimension"]
    ]
    outcome = Outcome.objects.get(roundtable=event)
    assert (outcome.dimension_id, outcome.recommendation_id) == (old["dimension"], old["recommendation"])
    assert Dimension.objects.get(pk=old["dimension"]).outcomes.get() == outcome

    # The content types kept their ids, so what hangs on them (permissions, admin history) still does.
    types = new.get_model("contenttypes", "ContentType").objects
    assert {
        (app, name): (types.get(pk=pk).app_label, types.get(pk=pk).model) for (app, name), pk in old["types"].items()
    } == {
        ("roundtables", "recommendation"): ("library", "recommendation"),
        ("actionplan", "dimension"): ("library", "dimension"),
        ("roundtables", "adoption"): ("actionplan", "adoption"),
    }
    permission = new.get_model("auth", "Permission").objects.get(pk=old["permission"])
    assert permission.content_type_id == old["types"][("roundtables", "recommendation")]
    log = new.get_model("admin", "LogEntry").objects.get(pk=old["log"])
    assert (log.content_type_id, log.object_id) == (old["types"][("roundtables", "adoption")], str(old["adoption"]))
    # New rows carry on after the old ones in the renamed tables.
    later = Recommendation.objects.create(
        publication_id=old["publication"], number="M2", text="A later one.", confidence="publication"
    )
    assert later.pk > old["recommendation"]


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_a_row(before_the_move: StateApps) -> None:
    old = _old_rows(before_the_move)
    before = counts(list(RENAMED) + LINKING)
    migrate(latest())

    back = migrate(BEFORE_THE_MOVE)

    assert counts(list(RENAMED) + LINKING) == before
    item = back.get_model("actionplan", "Item").objects.get(pk=old["item"])
    assert list(item.recommendations.values_list("number", flat=True)) == ["M1"]
    adoption = back.get_model("roundtables", "Adoption").objects.get(pk=old["adoption"])
    assert list(adoption.items.values_list("pk", flat=True)) == [old["item"]]
    types = back.get_model("contenttypes", "ContentType").objects
    assert types.get(pk=old["types"][("roundtables", "recommendation")]).app_label == "roundtables"
    assert types.get(pk=old["types"][("actionplan", "dimension")]).app_label == "actionplan"
