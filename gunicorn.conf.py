"""gunicorn's settings, read from the working directory by `gunicorn app:app` (flags override).

The app is loaded once, before the worker processes are forked (`preload_app`): each worker
would otherwise import and build it on its own, several seconds of CPU each on a busy machine,
during which it answers nothing. Workers then drop the database connections they inherited (none
are opened while the app is built; this makes sure) and build their own.
"""

workers = 3
worker_class = "gthread"
threads = 4
# Citizens' browsers and API clients reuse a connection for their next request.
keepalive = 5
preload_app = True


def post_fork(server, worker) -> None:
    """In each new worker: no database connection shared with the parent process."""
    from app import app
    from tingia.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
