"""The quarterly report as rows (for the printable page, the CLI's summary and CSV) and as an
XLSX workbook (openpyxl). Labels are in the current language (Vietnamese by default)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tingia.i18n import CATEGORY_LABELS, PLATFORM_LABELS, RATING_LABELS
from tingia.models import Category, Platform, Rating


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def summary_rows(report: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of every figure of the report, in order."""
    takedowns = report["takedowns"]
    rows: list[tuple[str, Any]] = [
        (_("Reports received"), report["reports_received"]),
        (_("Cases"), report["cases"]),
    ]
    rows += [
        (_("Cases: %(category)s", category=CATEGORY_LABELS[c]), report["by_category"][c])
        for c in Category
    ]
    rows.append((_("Cases not triaged yet"), report["by_category"]["untriaged"]))
    rows += [
        (_("Cases on %(platform)s", platform=PLATFORM_LABELS[p]), report["by_platform"][p])
        for p in Platform
    ]
    rows += [
        (_("Verdicts: %(rating)s", rating=RATING_LABELS[r]), report["verdicts_by_rating"][r])
        for r in Rating
    ]
    rows += [
        (_("Fraud warnings published"), report["fraud_warnings"]),
        (_("Removal requests"), takedowns["requested"]),
        (_("Content removed"), takedowns["removed"]),
        (_("Removal rate"), _rate(takedowns["removal_rate"])),
        (_("Removed within 24 hours"), _rate(takedowns["on_time_rate"])),
        (_("Median hours to triage"), _hours(report["median_hours_to_triage"])),
        (_("Median hours to publish"), _hours(report["median_hours_to_publish"])),
        (_("Cases past the 24-hour clock"), report["overdue_cases"]),
    ]
    return rows


def province_header() -> list[str]:
    """Column names of the national report's table of centres."""
    return [
        _("Province code"),
        _("Centre"),
        _("Reports received"),
        _("Cases"),
        _("Verdicts"),
        _("Fraud warnings published"),
        _("Removal requests"),
        _("Content removed"),
        _("Removal rate"),
        _("Cases past the 24-hour clock"),
    ]


def province_row(item: dict[str, Any]) -> list[Any]:
    """One centre's line of the national table."""
    return [
        item.get("province") or "",
        item.get("centre", ""),
        item["reports_received"],
        item["cases"],
        sum(item["verdicts_by_rating"].values()),
        item["fraud_warnings"],
        item["takedowns"]["requested"],
        item["takedowns"]["removed"],
        _rate(item["takedowns"]["removal_rate"]),
        item["overdue_cases"],
    ]


def _title(report: dict[str, Any]) -> str:
    return _(
        "Report %(period)s – %(centre)s",
        period=report["period"]["label"],
        centre=report["centre"]["name"],
    )


def to_csv(report: dict[str, Any]) -> str:
    """The report as CSV: the figures, then the top sources and (national) the centres."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_title(report)])
    writer.writerows(summary_rows(report))
    writer.writerow([])
    writer.writerow([_("Top offending sources"), _("Platform"), _("Violations")])
    writer.writerows([s["handle"], s["platform"], s["violations"]] for s in report["top_sources"])
    if "provinces" in report:
        writer.writerow([])
        writer.writerow(province_header())
        writer.writerows(province_row(item) for item in report["provinces"])
        writer.writerow(province_row({**report, "province": "", "centre": _("Total")}))
    return buffer.getvalue()


def to_xlsx(report: dict[str, Any]) -> bytes:
    """The report as an XLSX workbook: figures, top sources, and (national) the centres."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in summary_rows(report):
        sheet.append([str(label), value])
    sheet.column_dimensions["A"].width = 48
    sources = book.create_sheet(_("Offending sources")[:31])
    sources.append([_("Top offending sources"), _("Platform"), _("Address"), _("Violations")])
    for item in report["top_sources"]:
        sources.append([item["handle"], item["platform"], item["url"], item["violations"]])
    if "provinces" in report:
        table = book.create_sheet(_("Provinces")[:31])
        table.append(province_header())
        for item in report["provinces"]:
            table.append(province_row(item))
        table.append(province_row({**report, "province": "", "centre": _("Total")}))
        table.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
