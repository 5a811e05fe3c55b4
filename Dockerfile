# The app's image for compose.yaml, on the official Python image (docs/deploy.md).
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/forum
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python -c "from forum.i18n import compile_catalogs; compile_catalogs()" \
 && useradd --system --home-dir /srv/forum forum \
 && mkdir -p /srv/forum/instance && chown forum /srv/forum/instance
# The instance folder (the mail outbox when no SMTP server is set) is the only place the app writes.
USER forum
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
