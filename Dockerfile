# The Kooperationsatlas for docker-compose.yml: gunicorn behind nginx, settings from the
# environment (kooperationsatlas.settings.production).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=kooperationsatlas.settings.production \
    KOOPERATIONSATLAS_VAR_DIR=/srv/var

RUN useradd --system --create-home --home-dir /home/atlas atlas \
    && mkdir -p /srv/var/static /srv/var/media \
    && chown -R atlas:atlas /srv/var

WORKDIR /app
# The site runs from its checkout (templates, static files and data beside the code),
# hence an editable install, as with `make run`; the exact, hash-checked runtime versions
# of requirements.lock (no test tools: those are in requirements-dev.lock).
COPY --chown=atlas:atlas . /app
RUN pip install --require-hashes -r requirements.lock && pip install --no-deps -e .

USER atlas
EXPOSE 8000
CMD ["gunicorn", "kooperationsatlas.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
