"""gunicorn's settings, read from the working directory by `gunicorn app:app` (flags override).

The app is loaded once, before the worker processes are forked (`preload_app`): each worker
would otherwise import and build it on its own, several seconds of CPU each on a busy machine,
during which it answers nothing. Workers then drop the database connections they inherited (none
are opened while the app is built; this makes sure) and build their own.
"""

workers = 3
worker_class = "gthread"
threads = 4
# Every answer closes its connection (no keep-alive). Threads of one process share one core (the
# GIL), and a kept-alive connection stays with the process that accepted it: measured under load
# (bench/load.py), the process that won the first accepts held 102 of the clients' connections and
# the other two 27 and 13, so one process was saturated (and its answers late) while the others
# idled. A new connection goes to whichever process accepts first, that is a free one. Behind a
# reverse proxy (which opens a connection per request to its upstream by default) nothing changes.
keepalive = 0
preload_app = True


def post_fork(server, worker) -> None:
    """In each new worker: no database connection shared with the parent process."""
    from app import app
    from tingia.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
