"""A real OpenID Connect identity provider for the single sign-on tests: a small Django project of
its own (django-oauth-toolkit's OIDC support) that runs as a separate process on a free port,
with its own SQLite database, users and signing key. `process.OIDCProvider` starts and stops it.
Tests only: nothing in the site imports it."""
