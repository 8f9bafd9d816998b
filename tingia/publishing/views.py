"""Public pages."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("publishing", __name__)


@bp.route("/")
def home():
    """The home page: a clear way to report."""
    return render_template("publishing/home.html")
