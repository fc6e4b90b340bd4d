"""Run the test identity provider: migrate its database, create its users and the one client (the
site under test), then serve HTTP on 127.0.0.1:PORT (0: any free port, printed) until killed. Started by process.OIDCProvider:

    python -m tests.oidc_provider.serve PORT SETUP_JSON
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    port, setup_path = int(sys.argv[1]), Path(sys.argv[2])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    setup = json.loads(setup_path.read_text())
    call_command("migrate", verbosity=0)
    for person in setup["users"]:
        User.objects.create_user(person["email"], person["email"], person["password"])
    Application.objects.create(
        name="Joint Plan",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=setup["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )

    # Port 0: the system picks a free one, told to the parent on stdout once it is bound. On
    # loopback unless IDP_HOST says otherwise (0.0.0.0 in a container: demo.py).
    run(
        os.environ.get("IDP_HOST", "127.0.0.1"),
        port,
        get_wsgi_application(),
        threading=True,
        on_bind=lambda bound: print(bound, flush=True),
    )


if __name__ == "__main__":
    main()
