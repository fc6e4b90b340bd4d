"""Who is who: people, the 56 jurisdictions, the two associations, and who holds which role where.

Turnover is history, not deletion: a membership that ends gets an `ended_on` date and stays.
"""

from __future__ import annotations

import base64
import datetime
import re
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from cryptography import x509
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from directory.sides import PRINCIPAL_ROLES, Side

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError("Choose an IANA time zone, such as America/Chicago.", code="invalid_tz")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in matches the email address whatever its case (people type it both ways)."""
        return self.get(email__iexact=username or "")

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address and sees times in their own zone."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True, help_text="Job title, e.g. Deputy CIO.")
    tz = models.CharField(
        "time zone",
        max_length=64,
        default=settings.DEFAULT_USER_TZ,
        validators=[validate_timezone],
        help_text="Times on pages and in emails are shown in this zone.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin access by hand",
        default=False,
        help_text="May sign in to the Django admin whatever their roles: for the site's administrators. "
        "Association staff need not have it: their staff membership lets them in while it lasts.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    # Set on the instance by directory.permissions, which caches a person's current roles for the
    # length of the request; absent until first asked.
    _current_memberships: list[Membership]
    _current_staff_memberships: list[StaffMembership]
    # Set by directory.admin_access.StaffMembershipBackend: the staff group's permissions, while
    # this person holds a staff membership.
    _staff_group_perm_cache: set[str]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_whatever_its_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Jurisdiction(models.Model):
    """One of the 56 places with a state CIO and CPO: 50 states, DC and five inhabited territories."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        DISTRICT = "district", "Federal district"
        TERRITORY = "territory", "Territory"

    code = models.CharField("USPS code", max_length=2, unique=True)
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    tz = models.CharField("capital's time zone", max_length=64, validators=[validate_timezone])
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Month in which the jurisdiction's fiscal year begins (7 = July).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="jurisdiction_fy_month_1_12",
            ),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="jurisdiction_code_two_capitals"),
        ]

    def __str__(self) -> str:
        return self.name


class Association(models.Model):
    """NASPO or NASCIO: the national bodies whose staff watch every jurisdiction."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    members_are = models.CharField(max_length=100, help_text="Who the members are, e.g. state CIOs.")
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MembershipQuerySet[M: Membership | StaffMembership](models.QuerySet[M]):
    """Shared by Membership and StaffMembership: both are spans of time with the same two dates."""

    def active(self, on: datetime.date | None = None) -> MembershipQuerySet[M]:
        """Memberships in force on a date (today by default, in UTC)."""
        day = on or timezone.now().date()
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class Membership(models.Model):
    """A person's role in one jurisdiction, for a span of time."""

    class Role(models.TextChoices):
        # The one name of each role, on every page and in every email (see role_label); a
        # person's own job title (User.title) is theirs and is never shown in a role's place.
        CIO = "cio", "Chief Information Officer"
        CPO = "cpo", "Chief Procurement Officer"
        CIO_DELEGATE = "cio_delegate", "Delegate of the CIO"
        CPO_DELEGATE = "cpo_delegate", "Delegate of the CPO"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True, help_text="Leave empty while the role is held.")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction__name", "role", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
            # A jurisdiction has one CIO and one CPO at a time; the database makes sure of it.
            models.UniqueConstraint(
                fields=["jurisdiction", "role"],
                condition=Q(ended_on__isnull=True, role__in=list(PRINCIPAL_ROLES)),
                name="one_current_cio_and_cpo_per_jurisdiction",
                violation_error_message="This jurisdiction already has someone in that role.",
            ),
            models.UniqueConstraint(
                fields=["user", "jurisdiction", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_current_membership_per_user_role",
                violation_error_message="This person already holds that role here.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.jurisdiction}"

    @property
    def side(self) -> Side | None:
        """The office this role acts for; viewers act for neither."""
        if self.role in (self.Role.CIO, self.Role.CIO_DELEGATE):
            return Side.CIO
        if self.role in (self.Role.CPO, self.Role.CPO_DELEGATE):
            return Side.CPO
        return None

    @property
    def counterpart_roles(self) -> list[str]:
        """The principal roles on the other side: a CIO's counterpart is the CPO, and vice versa."""
        side = self.side
        if side is Side.CIO:
            return [self.Role.CPO]
        if side is Side.CPO:
            return [self.Role.CIO]
        return [self.Role.CIO, self.Role.CPO]


def role_label(role: str) -> str:
    """A role's one name ("Chief Procurement Officer", "Delegate of the CIO"), from a role value."""
    return str(Membership.Role(role).label)


def with_role_in(
    users: models.QuerySet[User], *, jurisdiction_id: int, roles: tuple[str, ...] | list[str]
) -> models.QuerySet[User]:
    """`users`, each with `role_here`: the first of `roles` they hold in the jurisdiction today (a
    principal before a delegate). One subquery, so a list of people can name their roles."""
    held = (
        Membership.objects.active()
        .filter(jurisdiction_id=jurisdiction_id, role__in=roles, user_id=models.OuterRef("pk"))
        .order_by("role")
    )
    return users.annotate(role_here=models.Subquery(held.values("role")[:1]))


def name_and_role(user: User) -> str:
    """A person as a list of choices shows them: "Marcus Oyelaran, Chief Procurement Officer" (the
    role from `with_role_in`), or just their name when they hold none of the roles asked about."""
    role = getattr(user, "role_here", None)
    return f"{user.full_name}, {role_label(role)}" if role else str(user)


class StaffMembership(models.Model):
    """A person on the staff of NASPO or NASCIO: reads every plan, sees the national dashboard."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="staff_memberships")
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(max_length=150, blank=True)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["association__code", "user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="staff_membership_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["user", "association"],
                condition=Q(ended_on__isnull=True),
                name="one_current_staff_membership_per_association",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.association} staff"


class IdentityProviderQuerySet(models.QuerySet["IdentityProvider"]):
    def for_address(self, email: str) -> IdentityProvider | None:
        """The provider whose domains cover this address (the part after the @), or None."""
        domain = email.strip().lower().rpartition("@")[2]
        if not domain:
            return None
        # A few dozen rows at most (one or two a jurisdiction): read in Python, not a LIKE per domain.
        return next((p for p in self.select_related("app", "jurisdiction") if domain in p.domains), None)


class IdentityProvider(models.Model):
    """A state's own sign-in service, set up by staff: allauth's SocialApp holds the protocol's
    settings (OpenID Connect issuer, client id and secret); this row says whose it is, which
    addresses it vouches for, and whether that state's people must use it (directory/sso.py)."""

    app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.PROTECT,
        related_name="identity_provider",
        verbose_name="provider settings",
        help_text="The protocol's settings, under Social applications: for OpenID Connect the client id, "
        'secret and {"server_url": ...}; for SAML the name in its addresses (client id), a provider ID of '
        "its own and the identity provider's entity ID, single sign-on URL and signing certificate.",
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="identity_providers")
    email_domains = models.TextField(
        help_text="The address domains it signs people in for, one a line (idaho.gov). Only an account "
        "with an address in one of them, held by a current member of this jurisdiction, is signed in by it."
    )
    require_sso = models.BooleanField(
        "require single sign-on",
        default=False,
        help_text="Refuse password sign-in to addresses in these domains: they sign in through the provider.",
    )

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction__name", "id"]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.app}"

    @property
    def domains(self) -> list[str]:
        return [line.strip().lower().lstrip("@") for line in self.email_domains.splitlines() if line.strip()]

    def clean(self) -> None:
        """Each domain well formed and vouched for by one provider only: two states' providers
        claiming one domain would let either sign in the other's people."""
        bad = [d for d in self.domains if not DOMAIN.fullmatch(d)]
        if bad:
            raise ValidationError(
                {"email_domains": f"Not a domain: {', '.join(bad)}. Type one a line, like idaho.gov."}
            )
        others = IdentityProvider.objects.exclude(pk=self.pk)
        taken = sorted({d for other in others for d in other.domains} & set(self.domains))
        if taken:
            raise ValidationError({"email_domains": f"Another provider already covers {', '.join(taken)}."})
        self.email_domains = "\n".join(self.domains)
        if self.app_id is not None and self.app.provider == SAML:
            problems = saml_settings_problems(self.app)
            if problems:
                raise ValidationError({"app": problems})


# A SAML provider's answers are checked by python3-saml (through allauth) with these settings,
# whatever staff typed in its Social application's "advanced" settings (directory/sso.py applies
# them; the admin refuses settings that say otherwise):
SAML = "saml"
SAML_SECURITY = {
    # Schema, audience (our entity ID), destination and recipient (our ACS), issuer (the IdP's
    # entity ID), NotBefore/NotOnOrAfter and InResponseTo all checked; anything off is refused.
    "strict": True,
    # The assertion, which holds the address, signed with the certificate staff pasted in.
    "want_assertion_signed": True,
    # No SHA-1 signatures or digests.
    "reject_deprecated_algorithm": True,
    # Only an answer to a sign-in this browser started here (its InResponseTo names the request
    # kept in the session, used once): an unsolicited answer could be replayed into any browser.
    "reject_idp_initiated_sso": True,
}
CLIENT_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


def saml_settings_problems(app: SocialApp) -> list[str]:
    """What is wrong with a SAML Social application for our use, in words staff can act on: a
    name fit for its addresses, a provider ID of its own, the IdP's entity ID, single sign-on URL
    and certificate typed in (not fetched from a metadata URL, so the certificate that vouches for
    addresses is the one staff checked), and nothing that loosens SAML_SECURITY."""
    problems = []
    client_id, provider_id = str(app.client_id), str(app.provider_id)
    if not CLIENT_SLUG.fullmatch(client_id):
        problems.append(
            "Its client id names it in Joint Plan's SAML addresses (/sign-in/saml/<client id>/acs/): "
            "use lower-case letters, digits and hyphens, like idaho."
        )
    if not provider_id or provider_id == SAML:
        problems.append(
            "Give it a provider ID of its own (the identity provider's entity ID will do): "
            "it tells apart the people each SAML provider signs in."
        )
    settings_json = app.settings or {}
    idp = settings_json.get("idp") if isinstance(settings_json, dict) else None
    if not isinstance(idp, dict):
        return [*problems, 'Its settings need an "idp" block with entity_id, sso_url and x509cert.']
    if idp.get("metadata_url"):
        problems.append(
            'Type the identity provider\'s entity_id, sso_url and x509cert into "idp" instead of a '
            "metadata_url: the certificate that vouches for addresses must be the one you checked."
        )
    if not str(idp.get("entity_id", "")).strip():
        problems.append('"idp" needs the identity provider\'s entity_id.')
    if not re.fullmatch(r"https?://[^\s/]+\S*", str(idp.get("sso_url", ""))):
        problems.append('"idp" needs the identity provider\'s single sign-on address as sso_url (https://...).')
    if not _is_certificate(str(idp.get("x509cert", ""))):
        problems.append('"idp" needs the identity provider\'s signing certificate as x509cert (PEM or base64).')
    advanced = settings_json.get("advanced") or {}
    loosened = sorted(k for k, v in SAML_SECURITY.items() if isinstance(advanced, dict) and advanced.get(k, v) != v)
    if loosened:
        problems.append(f'Joint Plan requires these "advanced" settings to stay true: {", ".join(loosened)}.')
    return problems


def _is_certificate(text: str) -> bool:
    body = re.sub(r"-----(?:BEGIN|END) CERTIFICATE-----|\s", "", text)
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except ValueError:
        return False
    return bool(body)


DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class SeededRow(models.Model):
    """What `manage.py load_reference` last wrote into one reference row (its seeded fields and
    links), so that the next load can tell a row nobody touched, which it may correct, from one
    staff edited in the admin, which it leaves alone (directory/reference.py: upsert)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    values = models.JSONField(help_text="The seeded fields and links as the seed last wrote them, as JSON.")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="seeded_row_once")]

    def __str__(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model} #{self.object_id}"


class SignInEvent(models.Model):
    """One thing that happened to a person's way in: a sign-in or a failed one, a sign-out, a
    password or second factor changed, an invitation, a role granted or ended (directory/audit.py
    records them; the kinds are listed there).

    Append-only, like actionplan's Activity: written once by `audit.record`, never changed or
    deleted, not even in the admin; the database refuses it too (migration 0006).
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        SIGNED_OUT = "signed_out", "Signed out"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
        PASSWORD_RESET = "password_reset", "Password reset"
        MFA_ENROLLED = "mfa_enrolled", "Second factor added"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        MFA_RESET_BY_STAFF = "mfa_reset_by_staff", "Second factor reset by staff"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
        INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
        ROLE_GRANTED = "role_granted", "Role granted"
        ROLE_ENDED = "role_ended", "Role ended"
        SSO_LINKED = "sso_linked", "Single sign-on linked"

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Whose account it is about. PROTECT, like Activity's actor: the audit outlives nothing it
    # names, and SET_NULL would be an UPDATE that the append-only trigger refuses anyway. Empty for
    # a failed sign-in with an address that has no account.
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="sign_in_events")
    # The address as typed (stripped, lower-case), kept even when it names no account, so that
    # staff can see someone trying addresses.
    email = models.CharField("address typed", max_length=254, blank=True)
    # Who did it, when not the person themself: the staff member who granted a role or reset a
    # second factor, the principal who sent an invitation.
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ip_address = models.GenericIPAddressField("client address", null=True, blank=True)
    user_agent = models.CharField("browser", max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True, help_text="A few facts about the event, as JSON.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The staff page (newest first, by kind or by client address) and each person's own.
            models.Index(fields=["-created_at", "-id"], name="signinevent_recent"),
            models.Index(fields=["kind", "-created_at"], name="signinevent_kind_recent"),
            models.Index(fields=["user", "-created_at"], name="signinevent_user_recent"),
            models.Index(fields=["ip_address", "-created_at"], name="signinevent_ip_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user or self.email or 'unknown'}"


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked: listed with Resend and Revoke, expired or not."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An invitation to hold a role in a jurisdiction, sent by email as a single-use link.

    The link carries a random token; only its SHA-256 is stored (`token_hash`), so neither a
    database reader nor the admin can open someone's invitation. Resending stores a new hash,
    which kills the old link; accepting or revoking it ends the invitation (directory/invitations.py).
    """

    email = models.EmailField("email address", help_text="Stored in lower case.")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    starts_on = models.DateField("role starts on", default=timezone.localdate)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    times_resent = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="invitation_email_lower_case"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
            # One open invitation per address, place and role: a second would be a second link.
            models.UniqueConstraint(
                fields=["email", "jurisdiction", "role"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_invitation_per_address_and_role",
                violation_error_message="This address already has an invitation to that role here.",
            ),
        ]
        indexes = [models.Index(fields=["jurisdiction", "-created_at"], name="invitation_by_jurisdiction")]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}, {self.jurisdiction}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at
