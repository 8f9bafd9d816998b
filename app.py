"""WSGI entry point: `flask --app app run`, `gunicorn app:app`."""

from tingia import create_app

app = create_app()
