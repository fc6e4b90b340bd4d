# Two images. `idp` (built only for docker-compose's sso-demo profile): the tests' OpenID Connect
# provider, for trying single sign-on by hand; never for production. The last stage, the default:
# the production image, from which web (gunicorn), worker and beat all run (see docker-compose.yml).
FROM python:3.12-slim-bookworm AS idp
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
# Only what the provider needs, at the versions the tests run it with.
RUN pip install --no-cache-dir $(grep -hiE '^(django|django-oauth-toolkit|jwcrypto|cryptography|oauthlib|requests)==' requirements.txt requirements-dev.txt)
COPY tests/__init__.py tests/
COPY tests/oidc_provider tests/oidc_provider
RUN useradd --system --uid 10001 idp
USER idp
ENV IDP_HOST=0.0.0.0 IDP_PORT=9000
EXPOSE 9000
CMD ["python", "-m", "tests.oidc_provider.demo"]

FROM python:3.12-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# The test provider came in for the idp stage only (.dockerignore).
RUN rm -rf tests
# Hashed, compressed static files for whitenoise. The values are placeholders for the build only:
# the real ones come from the environment at run time.
RUN DEBUG=0 SECRET_KEY=build-only-placeholder-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build SITE_URL=https://build.invalid EMAIL_URL=console:// STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 jointplan && mkdir -p /app/var && chown jointplan /app/var
USER jointplan
ENV STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
