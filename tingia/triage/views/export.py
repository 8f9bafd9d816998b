"""The queue as CSV, with the filters it is shown with (scoped to the user's centre). Reporters'
contact details are never exported."""

from __future__ import annotations

import csv
import io

from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user

from tingia.database import utcnow
from tingia.extensions import db
from tingia.i18n import CASE_STATUS_LABELS, CATEGORY_LABELS, PLATFORM_LABELS
from tingia.triage.forms import QueueFilterForm
from tingia.triage.queue import queue_query, queue_rows
from tingia.triage.views import bp
from tingia.triage.views.common import province_choices

BATCH = 500
EXCERPT = 300


def _header() -> list[str]:
    return [
        _("Case"),
        _("Status"),
        _("Category"),
        _("Centre"),
        _("Reports"),
        _("First seen"),
        _("Last seen"),
        _("Overdue"),
        _("Assignee"),
        _("Platforms"),
        _("Content"),
        _("Link"),
    ]


def _line(row) -> list[str]:
    case, first = row.case, row.representative
    return [
        str(case.id),
        str(CASE_STATUS_LABELS[case.status]),
        str(CATEGORY_LABELS[case.category]) if case.category else "",
        case.centre.name,
        str(case.report_count),
        case.first_seen.isoformat(),
        case.last_seen.isoformat(),
        _("yes") if row.clock.overdue else _("no"),
        case.assignee.display_name if case.assignee else "",
        ", ".join(str(PLATFORM_LABELS[p]) for p in row.platforms),
        (first.content or "")[:EXCERPT] if first else "",
        (first.url or "") if first else "",
    ]


@bp.get("/export.csv")
def export_queue():
    """The cases the queue shows with these filters, every page of them, as CSV."""
    form = QueueFilterForm(formdata=request.args)
    if current_user.is_national:
        form.province.choices = form.province.choices[:1] + province_choices()
    query = queue_query(current_user, form.filters())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    offset = 0
    while cases := db.session.scalars(query.limit(BATCH).offset(offset)).all():
        writer.writerows(_line(row) for row in queue_rows(list(cases)))
        offset += BATCH
    name = f"tingia-queue-{utcnow():%Y%m%d-%H%M}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(buffer.getvalue(), mimetype="text/csv", headers=headers)
