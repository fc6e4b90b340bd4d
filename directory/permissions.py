"""Every "may this person see or do that" rule lives here, and nowhere else.

Views, querysets (`.visible_to(user)`), digests and exports all ask these functions, so a rule is
changed in one place. Whatever a user may not see answers 404, never 403: nothing leaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from directory.sides import PRINCIPAL_ROLES, ROLE_SIDE, SIDE_ROLES

if TYPE_CHECKING:
    from actionplan.models import Item, Plan
    from directory.models import Invitation, Jurisdiction, Membership, StaffMembership, User


def is_association_staff(user: User | AnonymousUser) -> bool:
    """NASPO or NASCIO staff (or a superuser): read every plan and see the national view."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _current_staff_memberships(user) != []


def mfa_required(user: User | AnonymousUser) -> bool:
    """Must this person have a second factor before doing anything else? Association staff and
    superusers, who read every state's plan and may use the admin, when MFA_REQUIRED_FOR_STAFF is
    on (it is, unless the environment turns it off)."""
    return bool(settings.MFA_REQUIRED_FOR_STAFF) and is_association_staff(user)


def can_reset_mfa(actor: User | AnonymousUser, person: User) -> bool:
    """May `actor` remove every second factor of `person`, who lost them? Association staff may,
    for anyone but themselves (their own are on their own page) and other staff or superusers,
    whom only a superuser may reset."""
    if not is_association_staff(actor) or actor.pk == person.pk:
        return False
    return actor.is_superuser or not is_association_staff(person)


def current_memberships(user: User | AnonymousUser) -> list[Membership]:
    """The roles this person holds today, with their jurisdictions; cached on the user object
    for the length of the request so that templates and views can ask freely."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_current_memberships", None)
    if cached is None:
        from directory.models import Membership

        cached = list(Membership.objects.active().filter(user=user).select_related("jurisdiction"))
        user._current_memberships = cached
    return cached


def _current_staff_memberships(user: User) -> list[StaffMembership]:
    cached = getattr(user, "_current_staff_memberships", None)
    if cached is None:
        from directory.models import StaffMembership

        cached = list(StaffMembership.objects.active().filter(user=user).select_related("association"))
        user._current_staff_memberships = cached
    return cached


def staff_associations(user: User | AnonymousUser) -> list[str]:
    """Codes of the associations this person works for today (e.g. ["NASCIO"])."""
    if not user.is_authenticated:
        return []
    return [m.association.code for m in _current_staff_memberships(user)]


def can_view_jurisdiction_roster(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Who holds the CIO/CPO roles in a jurisdiction: its own members and association staff."""
    if is_association_staff(user):
        return True
    return any(m.jurisdiction_id == jurisdiction.pk for m in current_memberships(user))


def can_view_national_roster(user: User | AnonymousUser) -> bool:
    """The list of all 56 jurisdictions with their CIO and CPO is for association staff."""
    return is_association_staff(user)


def can_view_sign_in_audit(user: User | AnonymousUser) -> bool:
    """Everyone's sign-in events (who signed in, failed, was locked out, from where): association
    staff. Each person reads their own on "Recent sign-ins", and nobody else's."""
    return is_association_staff(user)


def can_view_bounces(user: User | AnonymousUser) -> bool:
    """The addresses whose mail bounces (each with its person and their roles, a sign they may have
    left office), and marking them resolved: association staff, who follow up turnover."""
    return is_association_staff(user)


def can_import_contacts(user: User | AnonymousUser) -> bool:
    """Importing a contact list invites people to any role in any jurisdiction (and ends roles):
    association staff only, like inviting to any role."""
    return is_association_staff(user)


def can_view_national_dashboard(user: User | AnonymousUser) -> bool:
    """The national dashboard names every jurisdiction and who in it has gone quiet, and its nudge
    emails them: association staff only."""
    return is_association_staff(user)


# --- People and invitations ----------------------------------------------------------------------
# A jurisdiction's people page (who holds which role, pending invitations, ended roles) is for its
# CIO, CPO and their delegates (delegates read it, to know who they work with) and association
# staff; viewers and other states get a 404. Association staff invite anyone to any role; a CIO
# invites CIO delegates and viewers for their own state, a CPO CPO delegates and viewers; nobody
# else invites. Whoever may grant a role may also resend or revoke an invitation to it.


def can_view_people(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    return is_association_staff(user) or bool(jurisdiction_sides(user, jurisdiction.pk))


def invitable_roles(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> list[str]:
    """The roles this person may invite someone to in this jurisdiction, in the roles' order."""
    from directory.models import Membership

    every = [role.value for role in Membership.Role]
    if is_association_staff(user):
        return every
    allowed: set[str] = set()
    for m in _memberships_in(user, jurisdiction.pk):
        if m.role in PRINCIPAL_ROLES:
            allowed |= {role for role in SIDE_ROLES[ROLE_SIDE[m.role]] if role not in PRINCIPAL_ROLES}
            allowed.add(Membership.Role.VIEWER.value)
    return [role for role in every if role in allowed]


def can_manage_invitation(user: User | AnonymousUser, invitation: Invitation) -> bool:
    """Resend or revoke an invitation: whoever may invite someone to its role there."""
    return invitation.role in invitable_roles(user, invitation.jurisdiction)


# --- Plans ---------------------------------------------------------------------------------------
# Reading a plan's pages (dashboard, items, updates, comments, evidence files): a state's own members
# (every role) and association staff; members of other states once it is shared with peers or made
# public. The public (signed out, or signed in with no role in any state) never reads those pages:
# a public plan has a public page for them (reports/public_urls.py), which shows what the state
# published and never comments, evidence files or who did what.
# Writing: the CIO, the CPO and their delegates, each for their own side; viewers only read.


def _memberships_in(user: User | AnonymousUser, jurisdiction_id: int) -> list[Membership]:
    return [m for m in current_memberships(user) if m.jurisdiction_id == jurisdiction_id]


SHARED_WITH_OTHER_STATES = ("peers", "public")


def plan_visibility_q(user: User | AnonymousUser) -> Q:
    """A filter over Plan rows for the plans whose pages this person may read (Plan.objects.visible_to)."""
    if is_association_staff(user):
        return Q()
    own = {m.jurisdiction_id for m in current_memberships(user)}
    if not own:
        return Q(pk__in=[])
    return Q(jurisdiction_id__in=own) | Q(sharing__in=SHARED_WITH_OTHER_STATES)


def can_view_plan(user: User | AnonymousUser, plan: Plan) -> bool:
    """A plan's own pages, comments and evidence files included (see above)."""
    if is_association_staff(user):
        return True
    memberships = current_memberships(user)
    if any(m.jurisdiction_id == plan.jurisdiction_id for m in memberships):
        return True
    return plan.sharing in SHARED_WITH_OTHER_STATES and bool(memberships)


def can_view_comments_and_evidence(user: User | AnonymousUser, plan: Plan) -> bool:
    """A plan's comments and evidence files: whoever reads its pages (can_view_plan), and so never
    the public, whatever the sharing. Its own rule so that the evidence download and the pages ask
    the question they mean, should reading a plan ever widen again."""
    return can_view_plan(user, plan)


def can_view_public_page(plan: Plan) -> bool:
    """A plan's public page: anyone, signed in or not, once its CIO and CPO have both made it public."""
    return plan.sharing == "public"


def public_plans_q() -> Q:
    """A filter over Plan rows for the plans that have a public page (can_view_public_page)."""
    return Q(sharing="public")


def sides_for(user: User | AnonymousUser, plan: Plan) -> set[str]:
    """The offices this person may act for in this plan: {"cio"}, {"cpo"}, or none."""
    return {ROLE_SIDE[m.role] for m in _memberships_in(user, plan.jurisdiction_id) if m.role in ROLE_SIDE}


def is_plan_member(user: User | AnonymousUser, plan: Plan) -> bool:
    """Any current role in the plan's jurisdiction, viewers included."""
    return bool(_memberships_in(user, plan.jurisdiction_id))


def can_write_plan(user: User | AnonymousUser, plan: Plan) -> bool:
    """Add items and act on the plan at all (members who act for a side)."""
    return bool(sides_for(user, plan))


def is_plan_principal(user: User | AnonymousUser, plan: Plan) -> bool:
    """The CIO or the CPO themself (not a delegate)."""
    return _is_principal_in(user, plan.jurisdiction_id)


def can_adopt(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Starting a plan commits both offices: the CIO or the CPO does it, not a delegate."""
    return _is_principal_in(user, jurisdiction.pk)


def can_take_out(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """A state's takeout (everything about it, as one zip) is for its CIO and CPO, who answer for
    its records; not delegates, viewers, or association staff (who have the admin)."""
    return _is_principal_in(user, jurisdiction.pk)


def _is_principal_in(user: User | AnonymousUser, jurisdiction_id: int) -> bool:
    return any(m.role in PRINCIPAL_ROLES for m in _memberships_in(user, jurisdiction_id))


def can_change_sharing(user: User | AnonymousUser, plan: Plan) -> bool:
    return is_plan_principal(user, plan)


def acting_sides(user: User | AnonymousUser, item: Item) -> list[str]:
    """The sides this person may act for on this item: their own side, if the item is theirs or joint."""
    return sorted(sides_for(user, item.plan) & set(item.sides))


def can_edit_item(user: User | AnonymousUser, item: Item) -> bool:
    return item.archived_at is None and bool(acting_sides(user, item))


def can_sign_off(user: User | AnonymousUser, item: Item) -> bool:
    return item.side == "joint" and can_edit_item(user, item)


def can_comment(user: User | AnonymousUser, plan: Plan) -> bool:
    """Members who act for a side, and association staff (who follow and nudge)."""
    return can_write_plan(user, plan) or is_association_staff(user)


def can_transfer_items(user: User | AnonymousUser, plan: Plan) -> bool:
    """When someone leaves, the remaining members or association staff hand their items on."""
    return can_write_plan(user, plan) or is_association_staff(user)


# --- Trends (reports) -----------------------------------------------------------------------------
# A plan's figures over time go exactly as far as the plan's own pages, and so never to the public:
# the trends pages are not public pages. The national trends are for association staff.


def can_view_national_trends(user: User | AnonymousUser) -> bool:
    """The whole country's weekly figures, and each state's beside the others: association staff."""
    return is_association_staff(user)


def can_view_plan_trends(user: User | AnonymousUser, plan: Plan) -> bool:
    """One plan's weekly figures: whoever is signed in and reads the plan (Plan.objects.visible_to)."""
    return user.is_authenticated and can_view_plan(user, plan)


def can_view_state_trends(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """A state's trends page even before any of its plans has something to show (it then says what
    comes next): the state's own members and association staff. Anyone else finds the page only
    when one of the state's plans is theirs to read (can_view_plan_trends)."""
    return is_association_staff(user) or is_jurisdiction_member(user, jurisdiction)


# --- Peer benchmarks -------------------------------------------------------------------------------
# A state's dashboard compares its plan with the anonymized distribution of the plans that members
# of every state may read anyway; staff, who read every plan, compare states by name
# (reports/benchmarks.py holds the privacy design).


def contributes_to_peer_benchmark(plan: Plan) -> bool:
    """A plan's figures join the peers' distribution only when it is shared with other states
    (peers or public); a private plan's never do."""
    return plan.sharing in SHARED_WITH_OTHER_STATES


def may_name_in_national_report(plan: Plan | None) -> bool:
    """The national quarterly report names a state beside its figures, adoption, attendance and
    decisions only when its standing plan is shared with other states (peers or public), or when
    it has none; a private plan's state is only counted, never named."""
    return plan is None or plan.sharing in SHARED_WITH_OTHER_STATES


def can_view_peer_benchmark(user: User | AnonymousUser, plan: Plan) -> bool:
    """Where a plan stands among its peers, on its dashboard: its own members and association
    staff. A member of another state reading a shared plan is not shown that state's standing."""
    return is_plan_member(user, plan) or is_association_staff(user)


def can_view_named_benchmarks(user: User | AnonymousUser) -> bool:
    """Every state's figures by name beside the peers' distribution: association staff."""
    return is_association_staff(user)


# --- Roundtables, the recommendation library and adoption ----------------------------------------
# Events, publications, recommendations, case studies and the timeline are national and read by
# every signed-in person. Association staff run events (create, invite, record attendance and
# outcomes) and verify adoption evidence. A state's members who act for a side register their own
# side for an event, decide on outcomes proposed to their state, and record their state's adoption;
# nobody edits another state's. A state's adoption detail is read by its members and by staff; other
# states see only national counts, never who, except what a state chose to publish: anyone reads
# those statuses, with their evidence links, on the public adoption page.


def can_view_library(user: User | AnonymousUser) -> bool:
    """Events, recommendations, case studies and the timeline: anyone signed in."""
    return user.is_authenticated


def can_manage_events(user: User | AnonymousUser) -> bool:
    """Create and edit events, invite jurisdictions, record attendance and outcomes."""
    return is_association_staff(user)


def jurisdiction_sides(user: User | AnonymousUser, jurisdiction_id: int) -> set[str]:
    """The offices this person acts for in a jurisdiction: {"cio"}, {"cpo"}, both or none."""
    return {ROLE_SIDE[m.role] for m in _memberships_in(user, jurisdiction_id) if m.role in ROLE_SIDE}


def acting_jurisdictions(user: User | AnonymousUser) -> list[Jurisdiction]:
    """The jurisdictions this person acts for (any side), for pickers and "my state" links."""
    seen: dict[int, Jurisdiction] = {}
    for m in current_memberships(user):
        if m.role in ROLE_SIDE:
            seen.setdefault(m.jurisdiction_id, m.jurisdiction)
    return sorted(seen.values(), key=lambda j: j.name)


def can_register(user: User | AnonymousUser, jurisdiction: Jurisdiction, side: str) -> bool:
    """Say who comes from an office: that office's CIO or CPO, or their delegate."""
    return side in jurisdiction_sides(user, jurisdiction.pk)


def can_decide_outcome(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Accept an outcome into the state's plan, or decline it: members who act for a side."""
    return bool(jurisdiction_sides(user, jurisdiction.pk))


def can_view_proposals(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Outcomes proposed to a state and what it decided: its own members (viewers read) and
    association staff (who read every state's, and decide none)."""
    return is_association_staff(user) or is_jurisdiction_member(user, jurisdiction)


def proposal_visibility_q(user: User | AnonymousUser) -> Q:
    """A filter over OutcomeProposal rows for the proposals this person may read (the rule above)."""
    if is_association_staff(user):
        return Q()
    return Q(jurisdiction_id__in=sorted({m.jurisdiction_id for m in current_memberships(user)}))


def can_view_adoption(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """A state's adoption record, evidence included: its own members and association staff."""
    return is_association_staff(user) or is_jurisdiction_member(user, jurisdiction)


def is_jurisdiction_member(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    return bool(_memberships_in(user, jurisdiction.pk))


def can_edit_adoption(user: User | AnonymousUser, jurisdiction: Jurisdiction) -> bool:
    """Record a state's status on a recommendation: members who act for a side, for their own state only."""
    return bool(jurisdiction_sides(user, jurisdiction.pk))


def can_verify_adoption(user: User | AnonymousUser) -> bool:
    return is_association_staff(user)


def can_view_adoption_matrix(user: User | AnonymousUser) -> bool:
    """Recommendations × jurisdictions, by name: association staff."""
    return is_association_staff(user)


def published_adoptions_q() -> Q:
    """A filter over Adoption rows for what anyone may read on the public adoption page: the records
    a state's members chose to publish (`is_public`), and of those only the status and the evidence
    link, never the note or an uploaded document."""
    return Q(is_public=True)


# --- The Django admin, the staff's back office -------------------------------------------------
# Association staff sign in to the admin through their staff membership, for as long as it lasts,
# and hold there exactly the model permissions below: the "Association staff" group, which
# directory/admin_access.py makes equal to this list after every migrate. Never a superuser's
# powers: no account or permission to change (changing an account can make it a superuser), no
# staff membership to grant (one opens this admin), nothing deleted that is history. Anyone else
# gets in only with `is_staff`, set by hand for the site's administrators.

STAFF_GROUP = "Association staff"

_VIEW = ("view",)
_WRITE = ("view", "add", "change", "delete")

# Model label -> what staff may do with its rows in the admin ("view", "add", "change", "delete").
STAFF_ADMIN_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Who is who: staff read every account, keep the jurisdictions' facts right and record who
    # holds which role (a role that ends gets an end date; turnover is history, not deletion).
    "directory.user": _VIEW,
    "directory.jurisdiction": ("view", "change"),
    "directory.association": _VIEW,
    "directory.membership": ("view", "add", "change"),
    "directory.staffmembership": _VIEW,
    "directory.seededrow": _VIEW,
    "directory.signinevent": _VIEW,  # the sign-in audit: append-only
    # A state's identity provider: its protocol settings (allauth's SocialApp: client id, secret,
    # server address) and whose it is, which domains it covers, whether it is required.
    "directory.identityprovider": _WRITE,
    "socialaccount.socialapp": _WRITE,
    "directory.invitation": _VIEW,  # sent, resent and revoked on the people pages
    # What the associations publish is theirs to write; the four dimensions are fixed.
    "library.dimension": _VIEW,
    "library.framework": _WRITE,
    "library.frameworkitem": _WRITE,
    "library.publication": _WRITE,
    "library.recommendationarea": _WRITE,
    "library.recommendation": _WRITE,
    "library.milestone": _WRITE,
    "library.casestudy": _WRITE,
    # What the associations convene: staff run the events; the states decide on proposals.
    "roundtables.roundtable": _WRITE,
    "roundtables.agendasession": _WRITE,
    "roundtables.attendance": _WRITE,
    "roundtables.outcome": _WRITE,
    "roundtables.outcomeproposal": _VIEW,
    # What states commit to and do, and the mail they get: read here, changed through the app,
    # where every change is checked and recorded.
    "actionplan.plan": _VIEW,
    "actionplan.item": _VIEW,
    "actionplan.update": _VIEW,
    "actionplan.signoff": _VIEW,
    "actionplan.comment": _VIEW,
    "actionplan.attachment": _VIEW,
    "actionplan.activity": _VIEW,
    "actionplan.adoption": _VIEW,
    "actionplan.adoptionchange": _VIEW,
    "notifications.preference": _VIEW,
    "notifications.remindersent": _VIEW,
    "notifications.nudge": _VIEW,
    "outbox.outgoingemail": _VIEW,
    # Email in (issue 16): what arrived and what reading it came to, the reply addresses and
    # status links mail carried, and the addresses that bounce; all written by the mail pipeline.
    "outbox.inboundemail": _VIEW,
    "notifications.replyaddress": _VIEW,
    "notifications.statuslink": _VIEW,
    "notifications.addressbounce": _VIEW,
    "reports.snapshot": _VIEW,
    "reports.exportjob": _VIEW,
}


def staff_admin_permission_names() -> set[str]:
    """STAFF_ADMIN_PERMISSIONS as Django names them: {"library.add_publication", ...}."""
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in STAFF_ADMIN_PERMISSIONS.items()
        for action in actions
    }


def can_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin: association staff while their staff membership lasts (what they may do
    there is STAFF_ADMIN_PERMISSIONS), and accounts given admin access by hand (`is_staff`)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or _current_staff_memberships(user) != []
