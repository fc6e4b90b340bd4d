from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Who is who"

    def ready(self) -> None:
        from allauth.account import signals as allauth_signals
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth import signals

        from directory import audit, mfa
        from directory.admin_access import sync_staff_group

        # After every migrate (and every test database flush): the staff group's permissions are
        # the ones directory/permissions.py lists, whatever was done to the group in between.
        post_migrate.connect(sync_staff_group, dispatch_uid="directory.sync_staff_group")
        # The sign-in audit: whatever signs people in and out sends these (directory/audit.py).
        signals.user_logged_in.connect(audit.on_signed_in, dispatch_uid="directory.audit.signed_in")
        signals.user_login_failed.connect(audit.on_sign_in_failed, dispatch_uid="directory.audit.sign_in_failed")
        signals.user_logged_out.connect(audit.on_signed_out, dispatch_uid="directory.audit.signed_out")
        # A person's own second factors, set up or removed on their two-factor pages (allauth.mfa).
        mfa_signals.authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="directory.mfa.added")
        mfa_signals.authenticator_removed.connect(mfa.on_authenticator_removed, dispatch_uid="directory.mfa.removed")
        allauth_signals.password_changed.connect(audit.on_password_changed, dispatch_uid="directory.audit.changed")
        allauth_signals.password_set.connect(audit.on_password_changed, dispatch_uid="directory.audit.set")
        allauth_signals.password_reset.connect(audit.on_password_reset, dispatch_uid="directory.audit.reset")
