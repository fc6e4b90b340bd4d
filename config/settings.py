"""Joint Plan settings: one module, driven by environment variables.

The defaults boot a fresh checkout for the quick start (SQLite, tasks in-process, mail to a local
folder and the console). Production mode is DEBUG off: then a real SECRET_KEY, ALLOWED_HOSTS and
EMAIL_URL are required, and the app refuses to start without them. The README lists every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.utils.csp import CSP

from config.env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_email_url,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # the quick start's SQLite file, mail folder and uploads

DEBUG = env_bool("DEBUG", False)

_INSECURE_KEY_PREFIX = "insecure-dev-only-"
SECRET_KEY = env_str("SECRET_KEY") or (_INSECURE_KEY_PREFIX + "joint-plan-quick-start-key-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1, maximum=65535)}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ConfigError("SITE_URL", f"must start with http:// or https:// (got {SITE_URL!r})")

if not DEBUG:
    if SECRET_KEY.startswith(_INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY", "must be set to a random string of 50+ characters when DEBUG is off")
    if not ALLOWED_HOSTS:
        raise ConfigError("ALLOWED_HOSTS", "must list this site's host names when DEBUG is off")
    if not env_str("SITE_URL"):
        raise ConfigError("SITE_URL", "must be set when DEBUG is off: it is the address used in email links")
    if not env_str("EMAIL_URL"):
        raise ConfigError("EMAIL_URL", "must be set when DEBUG is off, e.g. smtp+tls://user:pass@smtp.example.org")

INSTALLED_APPS = [
    "config.apps.AdminConfig",  # django.contrib.admin, on the site that lets association staff in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    # Signing in, password reset and change, and their rate limits (django-allauth; see ACCOUNT_*).
    "allauth",
    "allauth.account",
    # The second factor: authenticator apps (TOTP), recovery codes and passkeys (see MFA_*).
    "allauth.mfa",
    # Single sign-on through a state's own identity provider (OpenID Connect or SAML 2.0), set up
    # by staff in the admin (directory.IdentityProvider; see SOCIALACCOUNT_*).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "outbox",
    "directory",
    "library",
    "roundtables",
    "actionplan",
    "notifications",
    "reports",
]

MIDDLEWARE = [
    "config.views.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing shown to a signed-in person, and no download, is kept in the browser's cache.
    "directory.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "directory.middleware.SessionLimitsMiddleware",
    "directory.middleware.MFARequiredMiddleware",
    "directory.middleware.UserTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so its 405s still pass back through all of the above: GET, HEAD and POST only.
    "config.middleware.AllowedMethodsMiddleware",
]

if not DEBUG:
    # Serves the collected, hashed static files in production; runserver serves them in DEBUG.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "config.forms.USWDSRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.context_processors.viewer",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(
        "DATABASE_URL", env_str("DATABASE_URL") or "sqlite:///var/db.sqlite3", base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Association staff hold the staff group's admin permissions while their staff membership lasts.
    "directory.admin_access.StaffMembershipBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "actionplan:home"
LOGOUT_REDIRECT_URL = "login"

# --- Signing in (django-allauth) --------------------------------------------------------------
# By email address and password; nobody signs themselves up: staff and invitations make accounts
# (directory/accounts.py). A password is reset by a link in an email sent through the outbox, and
# the page answers the same whether or not an account has that address.
ACCOUNT_ADAPTER = "directory.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "directory.forms.SignInForm",
    "reset_password": "directory.forms.PasswordResetForm",
    "reset_password_from_key": "directory.forms.NewPasswordForm",
    "change_password": "directory.forms.ChangePasswordForm",
    "set_password": "directory.forms.SetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Staff type the address of every account, and invitations will prove it: no confirmation step.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
# No mail to an address that has no account ("someone asked to reset a password here"): the
# outbox carries mail for the site's people, not for whatever address a stranger types.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Tell people by email when their password is changed, reset or set, with when and from where
# (OWASP ASVS: notify after a change to authentication details), so a stranger's change is noticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# A session lasts as it did before allauth: SESSION_COOKIE_AGE, cut short by the idle and
# 12-hour limits of directory.middleware.SessionLimitsMiddleware. No "remember me" box.
ACCOUNT_SESSION_REMEMBER = True
# Changing or resetting a password ends every other session of that person (Django's session
# auth hash); the session that changed it goes on.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# A reset link works once, for three days (the reset email and pages say so).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# An invitation's link works once, for this many days (the email says until when); staff or the
# principal who sent it can resend it, which makes a new link and kills the old one.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1, maximum=30)
# Behind proxies of our own (TLS ended in front of gunicorn), every request would come from the
# proxy's address and the per-client-address limits would throttle everyone at once: name how
# many proxies append to X-Forwarded-For, and the client's address is read from there. Not more
# than there are: a client can write any X-Forwarded-For it likes before the first.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
# Throttling and lockout (NIST 800-53 AC-7), counted in the cache (CACHES below), in sliding
# windows: "10/15m/key" lets at most 10 failures with one address in any 15 minutes; the next
# attempt, right password or not, is refused until the oldest of them is 15 minutes old, so ten
# quick failures lock that address for 15 minutes. The message is the same for an address with
# no account. Per client address the ceiling is higher (50 in 15 minutes), because a state's
# offices reach us through a few shared addresses and one person's typos must not lock a whole
# office out; it still caps password spraying from one address. A locked-out person can reset
# their password, and a reset clears their address's count.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "50/15m/ip,10/15m/key",
    # Sign-in attempts of any outcome, per client address (allauth's default).
    "login": "30/m/ip",
    # Reset emails: 3 per address in 15 minutes (nobody's inbox is flooded), 20 per client address.
    "reset_password": "20/15m/ip,3/15m/key",
    # Guessing reset links: 20 tries per client address in 15 minutes.
    "reset_password_from_key": "20/15m/ip",
    # Wrong current passwords on the change-password page: 5 a minute per person (allauth's default).
    "change_password": "5/m/user",
    # Opening or answering an invitation's link (directory/invitations.py): 30 per client address in
    # 15 minutes, enough for a person's typos, too few to make guessing links pay.
    "accept_invitation": "30/15m/ip",
}

# --- The second factor (allauth.mfa) ----------------------------------------------------------
# An authenticator app's six-digit code (TOTP, with a QR code), ten single-use recovery codes for a
# lost device, and passkeys (WebAuthn), which also sign a person in on their own from the sign-in
# page. Managed under "Two-factor authentication" in the header (directory/accounts.py, MFAAdapter).
MFA_ADAPTER = "directory.accounts.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Joint Plan"
MFA_FORMS = {"add_webauthn": "directory.forms.AddPasskeyForm"}
# Association staff and superusers see every state's plan and the admin: after signing in they
# set up a second factor before anything else (directory.middleware.MFARequiredMiddleware).
# Others are offered it once, after sign-in. Off only where the environment says so.
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
# Passkeys are bound to the site's host name (the WebAuthn relying party): SITE_URL's host,
# whatever Host header a request carries. Browsers allow passkeys over plain http only on
# localhost, which is what the quick start and the browser tests use.
MFA_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "") or (urlsplit(SITE_URL).hostname or "localhost")
# Wrong codes (an authenticator app's or a recovery code) count as failed sign-ins of that person
# in ACCOUNT_RATE_LIMITS["login_failed"] above: 10 in 15 minutes lock the second step too. A code
# is refused a second time within its 30 seconds (allauth marks it used in the cache).

# --- Single sign-on (allauth.socialaccount) ----------------------------------------------------
# A state's identity provider signs in only accounts that already exist, with the address the
# provider says it verified, held by a current member of that state (directory/sso.py). Nobody is
# signed up through it; the sign-in page sends an address in a provider's domains there. A SAML
# provider's answers are held to directory.models.SAML_SECURITY whatever its settings say:
# signed assertions, strict checks of audience, destination and time, and no IdP-initiated sign-in.
SOCIALACCOUNT_ADAPTER = "directory.sso.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # the adapter links by verified address, checked itself
SOCIALACCOUNT_STORE_TOKENS = False  # we read who signed in, nothing else of theirs
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# How long the provider may take to answer our server's calls (its keys, the code for a token).
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# --- Time -------------------------------------------------------------------------------------
# Stored and scheduled in UTC; shown in each viewer's own zone (User.tz, see UserTimezoneMiddleware).
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
DEFAULT_USER_TZ = env_str("DEFAULT_USER_TZ", "America/New_York")
if DEFAULT_USER_TZ not in available_timezones():
    raise ConfigError("DEFAULT_USER_TZ", f"must be an IANA time zone such as America/Chicago (got {DEFAULT_USER_TZ!r})")

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed file names in production (collectstatic runs in the image build).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Sessions and security ---------------------------------------------------------------------
SESSION_IDLE_SECONDS = 30 * 60  # signed out after 30 minutes without a request ...
SESSION_MAX_SECONDS = 12 * 60 * 60  # ... and after 12 hours whatever happens
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Strict Content-Security-Policy: our own files only; the few inline scripts carry a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# --- Tasks (Celery) ---------------------------------------------------------------------------
REDIS_URL = parse_redis_url("REDIS_URL", env_str("REDIS_URL"))
# Without Redis (the quick start and unit tests) tasks run in-process, at the moment they are sent.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# A task may run for at most 5 minutes, far below the hour after which Redis hands an
# unacknowledged message to another worker: no task is ever run twice because it was slow.
CELERY_BROKER_VISIBILITY_SECONDS = 3600
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A hung or absent Redis must never hold a web request: every socket operation gives up within
# seconds, and publishing retries briefly before the caller falls back (see the outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_SECONDS,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task whose broker connection drops is delivered again; stop the first copy.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_LOCK_TIMEOUT = 5 * 60

# --- Cache ------------------------------------------------------------------------------------
# The sign-in rate limits (ACCOUNT_RATE_LIMITS) are counted here, so every web process must share
# one cache or each would count alone: Redis when REDIS_URL is set (production), through a backend
# that goes on without it during an outage (config/cache.py). Without Redis (the quick start, one
# process; unit tests) each process keeps its own in memory.
CACHES = {
    "default": {
        "BACKEND": "config.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cache",
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Email (Django 6.1 MAILERS) ---------------------------------------------------------------
_email_url = env_str("EMAIL_URL")
MAILERS = {
    "default": parse_email_url("EMAIL_URL", _email_url)
    if _email_url
    else {
        "BACKEND": "config.mail.FolderAndConsoleBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Joint Plan <no-reply@jointplan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where every email's footer sends people to choose which emails they get (a URL name, as
# LOGIN_URL may be). The outbox renders that footer but imports no app above it, so the page is
# named here, where the apps are wired together.
EMAIL_PREFERENCES_URL = "notifications:preferences"

# --- Email in: replies with updates, bounces (issue 16) -----------------------------------------
# The domain of the reply and bounce addresses (update+<token>@REPLY_DOMAIN,
# bounce+<token>@REPLY_DOMAIN), whose mail reaches the listener (manage.py receive_mail) or a
# provider's inbound webhook. Unset: no Reply-To, no bounce address, replies off.
REPLY_DOMAIN = (env_str("REPLY_DOMAIN") or "").strip().lower()
if REPLY_DOMAIN and ("@" in REPLY_DOMAIN or "." not in REPLY_DOMAIN.strip(".") or " " in REPLY_DOMAIN):
    raise ConfigError(
        "REPLY_DOMAIN", f"must be a domain name such as reply.jointplan.example.org (got {REPLY_DOMAIN!r})"
    )
REPLY_TOKEN_DAYS = env_int("REPLY_TOKEN_DAYS", 14, minimum=1, maximum=90)
# A message larger than this is refused by the listener (552) and the webhook (413), never stored.
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 10 * 1024 * 1024, minimum=64 * 1024, maximum=50 * 1024 * 1024)
# The shared secret a mail provider's inbound webhook sends (header X-Inbound-Secret, or HTTP
# basic auth's password). Unset: the webhook answers 404.
INBOUND_WEBHOOK_SECRET = env_str("INBOUND_WEBHOOK_SECRET") or ""

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = (env_str("LOG_LEVEL") or "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ConfigError("LOG_LEVEL", f"must be DEBUG, INFO, WARNING, ERROR or CRITICAL (got {LOG_LEVEL!r})")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
