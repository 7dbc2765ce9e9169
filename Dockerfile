# Career Ladder Builder: one image for the web processes and the background workers.
#   docker build -t career-ladder .
#   web:    gunicorn (the default command; gunicorn.conf.py reads WEB_CONCURRENCY, PORT)
#   worker: python manage.py worker  (the configured queue's worker: TASKS_BACKEND)
# See docs/deploy.md. Settings come from the environment (.env.example lists them).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint (PDFs) needs pango and fonts; pg_dump/pg_restore for `manage.py backup`
# (bookworm's client is PostgreSQL 15: use a server of 15, or install a newer client).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv \
 && useradd --create-home --uid 1000 app

WORKDIR /app
# dependencies first (a layer that changes only with uv.lock)
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
 && mkdir -p var/media \
 && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "clb.wsgi:application"]
