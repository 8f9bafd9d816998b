"""Staff pages of the case workflow under /staff/: the queue (queue.py), the case page and its
images (case.py) and the case actions (actions.py).

Every object is fetched through centres.scoping (another centre's object answers 404), every rule
is in triage/service.py; a view parses the form, calls the service and commits once.
"""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("staff", __name__)


@bp.before_request
@login_required
def _staff_only() -> None:
    """Every staff page needs a signed-in user: enforced here, so no route can forget it."""


from tingia.triage.views import actions, case, display, export, queue  # noqa: E402,F401  (routes on bp)
