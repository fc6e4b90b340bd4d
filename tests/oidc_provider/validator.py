"""The claims the test provider puts in its ID tokens and userinfo: email, email_verified, name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.email not in settings.UNVERIFIED_EMAILS,
            "name": user.get_full_name() or user.email,
        }
