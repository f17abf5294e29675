# One image for web, worker and beat; docker-compose.yml changes only the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY burden ./burden
COPY councils ./councils
COPY inspections ./inspections
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
RUN useradd --create-home burden
USER burden
EXPOSE 8000
CMD ["gunicorn", "burden.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
