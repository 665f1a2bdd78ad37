FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production VAR_DIR=/app/var
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
# collectstatic needs settings that pass the production checks; these build-time values are never used to serve.
RUN SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var
USER app

EXPOSE 8000
# Workers, timeouts and logging (JSON, without client addresses) come from gunicorn.conf.py and the environment.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]
