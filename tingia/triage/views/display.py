"""How the staff pages word the clock and the matcher's reasons (template filters)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from tingia.triage.queue import whole_hours_and_minutes
from tingia.triage.views import bp


@bp.app_template_filter("clock_duration")
def clock_duration(delta: timedelta) -> str:
    """A deadline's distance in hours ("21 hours"), in minutes under an hour, never in days."""
    hours, minutes = whole_hours_and_minutes(delta)
    if hours:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    if minutes:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return _("less than a minute")


@bp.app_template_filter("match_reason")
def match_reason(basis: object, score: object = None) -> str:
    """Why the matcher grouped or suggested a report, in plain words ("" when it did not)."""
    percent = round(score) if isinstance(score, int | float) else None
    if basis == "url":
        return _("the same link")
    if basis == "image_exact":
        return _("the very same image")
    if basis == "image_similar":
        return _("a near-identical photo")
    if basis == "text":
        if percent is None:
            return _("similar wording")
        return _("similar wording (%(percent)d%% in common)", percent=percent)
    if basis == "ocr_text":
        if percent is None:
            return _("the text in a screenshot")
        return _("the text in a screenshot (%(percent)d%% in common)", percent=percent)
    return ""
