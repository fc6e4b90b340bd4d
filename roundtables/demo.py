"""Demo roundtables, outcomes and adoption for the quick start and the benchmarks (`seed_demo`).

Every person and event here is invented, except the seeded history (roundtables/reference.py).
Idempotent: the second run creates nothing. One function per area, called in order by `seed`.
"""

from __future__ import annotations

DEMO_EVENT_SLUG = "fall-2027-cio-and-cpo-roundtable-demo-2027"
DEMO_EVENT_TZ = "America/Denver"
DEMO_EVENT_DESCRIPTION = (
    "**This is a demo event**, invented for trying Joint Plan: NASPO and NASCIO have announced no such "
    "roundtable.\n\n"
    "A day for state CIOs and CPOs to compare how their action plans are going, one session per "
    "dimension of the 2016 joint action plan, and to agree what to try next."
)
# (title, start, end, dimension slug): one session per dimension, on the event's clocks.
DEMO_SESSIONS = [
    ("Who decides: governance across the two offices", (9, 0), (10, 15), "governance"),
    ("Naming the team: roles on both sides of a procurement", (10, 30), (11, 45), "teaming"),
    ("From idea to award: interactions and processes", (13, 0), (14, 15), "interactions"),
    ("Seeing demand coming: budgeting and forecasting", (14, 30), (15, 45), "budgeting"),
]


def seed_events(*, scale: str) -> int:
    """An upcoming roundtable with invitations and registrations (the events area). Returns rows created.

    Built through the services, as staff and a CIO would click it: a 2027 roundtable hosted by both
    associations, one agenda session per dimension, Idaho, Maine and North Carolina invited (their
    CIOs and CPOs get the invitation email), Idaho's CIO office registered. Keyed on its slug."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from actionplan.models import Dimension
    from directory.models import Association, Jurisdiction, User
    from roundtables.models import Roundtable
    from roundtables.services import events

    if Roundtable.objects.filter(slug=DEMO_EVENT_SLUG).exists():
        return 0
    staff = User.objects.filter(email="staff@naspo.example").first()
    cio = User.objects.filter(email="cio@id.example").first()
    if staff is None or cio is None:
        return 0
    zone = ZoneInfo(DEMO_EVENT_TZ)
    day = datetime.date(2027, 9, 21)

    def at(hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)

    dimensions = {d.slug: d for d in Dimension.objects.all()}
    with transaction.atomic():
        roundtable = events.create_roundtable(
            by=staff,
            kind=Roundtable.Kind.ROUNDTABLE,
            title="Fall 2027 CIO and CPO roundtable (demo)",
            starts_at=at(8, 30),
            ends_at=at(16, 30),
            tz=DEMO_EVENT_TZ,
            place="Denver, Colorado (demo venue)",
            video_url="",
            hosts=Association.objects.filter(code__in=["NASPO", "NASCIO"]),
            description=DEMO_EVENT_DESCRIPTION,
        )
        Roundtable.objects.filter(pk=roundtable.pk).update(slug=DEMO_EVENT_SLUG)  # the seed's key, whatever the title
        for title, starts, ends, dimension in DEMO_SESSIONS:
            events.add_session(
                roundtable,
                by=staff,
                title=title,
                starts_at=at(*starts),
                ends_at=at(*ends),
                dimensions=[dimensions[dimension]] if dimension in dimensions else [],
            )
        invited = events.invite(
            roundtable, jurisdictions=Jurisdiction.objects.filter(code__in=["ID", "ME", "NC"]), by=staff
        )
        idaho = Jurisdiction.objects.get(code="ID")
        try:
            events.register(roundtable, jurisdiction=idaho, side="cio", by=cio, attendee=cio)
        except ValidationError:  # the demo date has passed: registration is closed, the rest stands
            pass
    return 1 + len(DEMO_SESSIONS) + 2 * len(invited)


# --- outcomes ------------------------------------------------------------------------------------
# A past demo workshop (the events area's demo event is still to come), six weeks before the first
# seeding, so its follow-ups fall due while someone tries the demo. Every outcome and reason below
# is invented for the demo and says so; neither is a NASPO or NASCIO position.
DEMO_PAST_EVENT_SLUG = "cio-and-cpo-workshop-demo"
DEMO_PAST_EVENT_TZ = "America/Chicago"
DEMO_PAST_EVENT_DAYS_AGO = 42
DEMO_PAST_EVENT_DESCRIPTION = (
    "**This is a demo event**, invented for trying Joint Plan: NASPO and NASCIO held no such workshop.\n\n"
    "A one-day workshop where the CIO and CPO offices of three states compared notes; its outcomes "
    "show how an event's agreements become items in the states' plans."
)
# (title, dimension slug, text, related recommendation as (publication slug, number) or None)
DEMO_OUTCOMES = [
    (
        "Name a procurement contact in each office",
        "teaming",
        "Each state names one person in the CIO's office and one in the CPO's office who answer "
        "for technology purchases, and publishes the pair to agencies.\n\n"
        "*Demo outcome, invented for trying Joint Plan.*",
        ("it-procurement-negotiations-2017", "R3"),
    ),
    (
        "Review the technology pipeline together every month",
        "budgeting",
        "The two offices meet monthly to walk through technology purchases expected in the next "
        "four quarters, so that budget requests and solicitations line up.\n\n"
        "*Demo outcome, invented for trying Joint Plan.*",
        None,
    ),
]
DEMO_DECLINE_REASON = (
    "Demo reason, invented: Maine's offices already review the pipeline together each month under an existing policy."
)


def seed_outcomes(*, scale: str) -> int:
    """Outcomes of a past event proposed to the states that attended, some accepted (the outcomes area).

    Through the services, as staff and the states would click it: a past demo workshop that Idaho,
    Maine and North Carolina were invited to and Idaho and Maine attended; two outcomes proposed to
    both; Idaho accepts the first (an item in its plan, with its provenance) and Maine declines the
    second with a reason. Each step is keyed on what it leaves behind, so a second run creates nothing.
    Returns rows created."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils import timezone

    from actionplan.models import Dimension
    from directory.models import Association, Jurisdiction, User
    from roundtables.models import OutcomeProposal, Recommendation, Roundtable
    from roundtables.services import events
    from roundtables.services import outcomes as outcome_services

    staff = User.objects.filter(email="staff@naspo.example").first()
    idaho_cio = User.objects.filter(email="cio@id.example").first()
    maine_cpo = User.objects.filter(email="cpo@me.example").first()
    dimensions = {d.slug: d for d in Dimension.objects.all()}
    if staff is None or idaho_cio is None or maine_cpo is None or not dimensions:
        return 0
    created = 0
    with transaction.atomic():
        roundtable = Roundtable.objects.filter(slug=DEMO_PAST_EVENT_SLUG).first()
        if roundtable is None:
            zone = ZoneInfo(DEMO_PAST_EVENT_TZ)
            day = timezone.now().astimezone(zone).date() - datetime.timedelta(days=DEMO_PAST_EVENT_DAYS_AGO)
            roundtable = events.create_roundtable(
                by=staff,
                kind=Roundtable.Kind.WORKSHOP,
                title="CIO and CPO workshop (demo)",
                starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
                ends_at=datetime.datetime.combine(day, datetime.time(16), tzinfo=zone),
                tz=DEMO_PAST_EVENT_TZ,
                place="St. Louis, Missouri (demo venue)",
                video_url="",
                hosts=Association.objects.filter(code__in=["NASPO", "NASCIO"]),
                description=DEMO_PAST_EVENT_DESCRIPTION,
            )
            Roundtable.objects.filter(pk=roundtable.pk).update(slug=DEMO_PAST_EVENT_SLUG)
            places = {j.code: j for j in Jurisdiction.objects.filter(code__in=["ID", "ME", "NC"])}
            invited = events.invite(roundtable, jurisdictions=places.values(), by=staff)  # past: no email
            marks = {(places["ID"].pk, "cio"): "attended", (places["ID"].pk, "cpo"): "attended"}
            marks |= {(places["ME"].pk, "cio"): "attended", (places["ME"].pk, "cpo"): "absent"}
            marks |= {(places["NC"].pk, "cio"): "absent", (places["NC"].pk, "cpo"): "absent"}
            events.record_attendance(roundtable, marks=marks, by=staff)
            created += 1 + 2 * len(invited)
        recorded = {o.title: o for o in roundtable.outcomes.all()}
        for title, dimension, text, source in DEMO_OUTCOMES:
            if title in recorded:
                continue
            recommendation = (
                Recommendation.objects.filter(publication__slug=source[0], number=source[1]).first() if source else None
            )
            recorded[title] = outcome_services.record_outcome(
                roundtable,
                by=staff,
                title=title,
                text=text,
                dimension=dimensions.get(dimension) or next(iter(dimensions.values())),
                recommendation=recommendation,
            )
            created += 1
        for title, *_ in DEMO_OUTCOMES:
            created += len(outcome_services.propose_outcome(recorded[title], by=staff))
        accept = OutcomeProposal.objects.filter(
            outcome=recorded[DEMO_OUTCOMES[0][0]], jurisdiction__code="ID", status=OutcomeProposal.Status.PROPOSED
        ).first()
        if accept is not None and outcome_services.current_plan(accept.jurisdiction, timezone.localdate()):
            outcome_services.accept_proposal(accept, by=idaho_cio)
            created += 1
        decline = OutcomeProposal.objects.filter(
            outcome=recorded[DEMO_OUTCOMES[1][0]], jurisdiction__code="ME", status=OutcomeProposal.Status.PROPOSED
        ).first()
        if decline is not None:
            outcome_services.decline_proposal(decline, by=maine_cpo, reason=DEMO_DECLINE_REASON)
    return created


# --- adoption ------------------------------------------------------------------------------------
# Every status below is invented for the demo; each note says so, and every evidence link points
# at example.org. One pattern per showcase state, read in library order (2016, 2017, 2025), so the
# three states differ and every status appears; the last recommendation stays unadopted everywhere,
# so the matrix's "nobody has adopted" list has something in it.
_A, _P, _E, _N, _X = "adopted", "in_progress", "exploring", "not_started", "not_applicable"
SHOWCASE_ADOPTION = {
    "ID": [_A, _A, _E, _P, _P, _A, _P, _A, _E, _N, _P, _A, _P, _A, _E, _N, _X],
    "ME": [_P, _A, _N, _E, _A, _E, _A, _A, _P, _E, _N, _P, _E, _P, _N, _X, _N],
    "NC": [_E, _P, _X, _A, _E, _N, _P, _E, _A, _A, _E, _N, _A, _N, _P, _E, _E],
}
# Which framework item of a state's plan carries out which recommendation, by (publication slug, number).
CARRIED_BY = {
    ("nascio-2016-call-for-reform", "1"): "I5",
    ("nascio-2016-call-for-reform", "2"): "I5",
    ("nascio-2016-call-for-reform", "4"): "G5",
    ("nascio-2016-call-for-reform", "5"): "I3",
    ("it-procurement-negotiations-2017", "R1"): "T2",
    ("it-procurement-negotiations-2017", "R2"): "G2",
    ("it-procurement-negotiations-2017", "R3"): "T1",
    ("it-procurement-negotiations-2017", "R4"): "I4",
    ("it-procurement-negotiations-2017", "R6"): "T3",
    ("it-procurement-negotiations-2017", "R7"): "I3",
    ("nascio-2025-procurement-initiative", "1"): "G4",
    ("nascio-2025-procurement-initiative", "2"): "I5",
}
EVIDENCE_KINDS = ["statute", "executive_order", "policy", "contract_clause"]
DEMO_NOTE = "Demo record, invented for trying Joint Plan: not {place}'s actual position."


def _demo_evidence_url(code: str, publication_slug: str, number: str) -> str:
    return f"https://example.org/demo/{code.lower()}/{publication_slug}/{number.lower()}"


def seed_adoption(*, scale: str) -> int:
    """Each demo state's adoption of the recommendations; at national scale, every jurisdiction's
    (the adoption area). Returns rows created.

    The showcase states (Idaho, Maine, North Carolina) record theirs through the service, as their
    CIO would, with linked plan items and one record each verified by NASPO staff, so the pages show
    history. National scale adds every other jurisdiction in bulk, from a random generator seeded
    per jurisdiction. A (jurisdiction, recommendation) pair that already has a row is left alone,
    so a second run creates nothing; with no recommendations in the library, nothing is done."""
    from django.db import transaction

    from actionplan.models import Item
    from directory.models import Jurisdiction, User
    from roundtables.services import adoption as adoption_services

    recommendations = adoption_services.recommendations_in_order()
    if not recommendations:
        return 0
    created = 0
    staff = User.objects.filter(email="staff@naspo.example").first()
    for code, pattern in SHOWCASE_ADOPTION.items():
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        cio = User.objects.filter(email=f"cio@{code.lower()}.example").first()
        if jurisdiction is None or cio is None:
            continue
        done = set(jurisdiction.adoptions.values_list("recommendation_id", flat=True))
        items = {
            item.framework_item.code: item
            for item in Item.objects.current()
            .filter(plan__jurisdiction=jurisdiction, framework_item__isnull=False)
            .select_related("framework_item")
            .order_by("plan__starts_on")
        }
        verified_one = jurisdiction.adoptions.filter(verified_at__isnull=False).exists()
        with transaction.atomic():
            for index, rec in enumerate(recommendations):
                if rec.pk in done:
                    continue
                status = pattern[index % len(pattern)]
                has_evidence = status == _A or (status == _P and index % 2 == 0)
                carried = items.get(CARRIED_BY.get((rec.publication.slug, rec.number), ""))
                adoption = adoption_services.record_adoption(
                    jurisdiction,
                    rec,
                    by=cio,
                    status=status,
                    note=DEMO_NOTE.format(place=jurisdiction.name),
                    evidence_kind=EVIDENCE_KINDS[index % len(EVIDENCE_KINDS)] if has_evidence else "",
                    evidence_url=_demo_evidence_url(code, rec.publication.slug, rec.number) if has_evidence else "",
                    items=[carried] if carried is not None and status in (_A, _P) else [],
                )
                created += 1
                if status == _A and staff is not None and not verified_one:
                    adoption_services.verify_adoption(adoption, by=staff)
                    verified_one = True
    if scale == "national":
        created += _seed_national_adoption(recommendations)
    return created


def _seed_national_adoption(recommendations: list) -> int:
    """Every jurisdiction's rows, in bulk: most recommendations recorded, older ones adopted more
    often, about a third of adopted evidence verified; the last recommendation adopted nowhere."""
    import datetime
    import random

    from django.db import transaction
    from django.utils import timezone

    from directory.models import Jurisdiction, User
    from roundtables.models import Adoption, AdoptionChange

    staff = User.objects.filter(email="staff@nascio.example").first()
    cios = {u.email: u for u in User.objects.filter(email__startswith="cio@", email__endswith=".example")}
    existing = set(Adoption.objects.values_list("jurisdiction_id", "recommendation_id"))
    now = timezone.now()
    rows: list[Adoption] = []
    last = len(recommendations) - 1
    for jurisdiction in Jurisdiction.objects.order_by("code"):
        rng = random.Random(f"adoption-demo:{jurisdiction.code}")  # noqa: S311 - demo data, not security
        cio = cios.get(f"cio@{jurisdiction.code.lower()}.example")
        for index, rec in enumerate(recommendations):
            # Every draw is made for every pair, so a pair's outcome never depends on which rows
            # exist already: a second run skips the same blanks and creates nothing.
            blank, draw, verify_draw = rng.random(), rng.random(), rng.random()
            when = now - datetime.timedelta(days=rng.randint(3, 400), minutes=rng.randint(0, 600))
            if (jurisdiction.pk, rec.pk) in existing or blank < 0.1:
                continue  # about one in ten not recorded yet
            adopt_chance = 0 if index == last else 0.4 * (1 - index / len(recommendations))
            cumulative = [(_A, adopt_chance), (_P, 0.2), (_E, 0.2), (_X, 0.05)]
            status = _N
            for candidate, chance in cumulative:
                if draw < chance:
                    status = candidate
                    break
                draw -= chance
            adopted = status == _A
            verified = adopted and staff is not None and verify_draw < 0.35
            rows.append(
                Adoption(
                    jurisdiction=jurisdiction,
                    recommendation=rec,
                    status=status,
                    note=DEMO_NOTE.format(place=jurisdiction.name),
                    evidence_kind=EVIDENCE_KINDS[index % len(EVIDENCE_KINDS)] if adopted else "",
                    evidence_url=_demo_evidence_url(jurisdiction.code, rec.publication.slug, rec.number)
                    if adopted
                    else "",
                    verified_at=when + datetime.timedelta(days=2) if verified else None,
                    verified_by=staff if verified else None,
                    updated_by=cio,
                    updated_at=when,
                )
            )
    with transaction.atomic():
        Adoption.objects.bulk_create(rows, batch_size=500)
        saved = Adoption.objects.filter(
            jurisdiction_id__in={r.jurisdiction_id for r in rows},
            recommendation_id__in={r.recommendation_id for r in rows},
        ).exclude(changes__isnull=False)
        AdoptionChange.objects.bulk_create(
            [
                AdoptionChange(
                    adoption=a,
                    kind=AdoptionChange.Kind.RECORDED,
                    actor_id=a.updated_by_id,
                    status=a.status,
                    summary=f"Status: {a.get_status_display()} (demo data)",
                    created_at=a.updated_at,
                )
                for a in saved
            ],
            batch_size=500,
        )
    return len(rows)


# Showcase items that learn from a peer's case study: (state, framework item code, case study slug).
# Idaho's own terms and conditions carry the recommendations Maine's and North Carolina's I3 and I5
# items answer; Idaho's I5 looks at Wisconsin's playbook.
CITATIONS = [
    ("ME", "I3", "idaho-terms-and-conditions"),
    ("NC", "I5", "idaho-terms-and-conditions"),
    ("ID", "I5", "wisconsin-it-procurement-playbook"),
]


def seed_citations() -> int:
    """A few showcase items cite a case study, as their owners would add it on the item's edit form
    (through the item service, so the item's timeline records it). An item already citing it, or a
    missing item, person or case study, is skipped, so a second run changes nothing. Returns the
    number of citations added."""
    from actionplan import services
    from actionplan.models import Item
    from directory.models import User
    from roundtables.models import CaseStudy

    added = 0
    for code, item_code, slug in CITATIONS:
        case_study = CaseStudy.objects.filter(slug=slug).first()
        item = (
            Item.objects.current()
            .filter(plan__jurisdiction__code=code, framework_item__code=item_code)
            .order_by("plan__starts_on")
            .first()
        )
        if case_study is None or item is None or item.case_studies.filter(pk=case_study.pk).exists():
            continue
        # The office that owns the item adds it (the CIO for a joint item).
        editor = User.objects.filter(email=f"{'cpo' if item.side == 'cpo' else 'cio'}@{code.lower()}.example").first()
        if editor is None:
            continue
        services.edit_item(
            item, by=editor, expected_version=item.version, case_studies=[*item.case_studies.all(), case_study]
        )
        added += 1
    return added


def seed(*, scale: str) -> int:
    """All of the above, in order; returns how many rows were created."""
    created = seed_events(scale=scale) + seed_outcomes(scale=scale) + seed_adoption(scale=scale)
    return created + seed_citations()
