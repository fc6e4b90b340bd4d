# The production image: web (gunicorn), worker and beat all run from it (see docker-compose.yml).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
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
