# One image for web, worker and beat; docker-compose.yml changes only the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# libcairo draws the evidence pack's charts as PNG (CairoSVG); the slim image has none.
RUN apt-get update && apt-get install -y --no-install-recommends libcairo2 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY burden ./burden
COPY councils ./councils
COPY inspections ./inspections
RUN pip install --no-cache-dir .
COPY . .
# Static files collected as production serves them: with DEBUG off, so WhiteNoise's manifest
# storage writes hashed, compressed copies and staticfiles.json (with DEBUG on no manifest is
# written, and every page of a DEBUG-off container failed with "Missing staticfiles manifest
# entry"). The key is a placeholder that collectstatic needs to start, never used at run time.
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
RUN useradd --create-home burden
USER burden
EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
CMD ["gunicorn", "burden.wsgi:application", "--config", "python:burden.gunicorn_conf"]
