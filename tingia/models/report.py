"""Citizens' reports and their attached images."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tingia.database import utcnow
from tingia.extensions import db
from tingia.models.enums import (
    CaseStatus,
    CategoryHint,
    Platform,
    ReportSource,
    ReportStatus,
    enum_type,
)
from tingia.models.province import Centre, Province
from tingia.models.user import User
from tingia.text import fold_words

if TYPE_CHECKING:
    from tingia.models.case import Case


class Report(db.Model):
    """One citizen's report. Contact fields are personal data: staff of the case's centre only."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    content: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2048), default=None)
    canonical_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    platform: Mapped[Platform] = mapped_column(enum_type(Platform, "report_platform"))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    # The centre the report was routed to (its province's): its contact details are for that
    # centre's staff (and the national centre's once it owns the report's case) only, whatever
    # case the report later sits in. Never changed.
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    category_hint: Mapped[CategoryHint] = mapped_column(
        enum_type(CategoryHint, "report_category_hint"), default=CategoryHint.UNSURE
    )
    contact_name: Mapped[str | None] = mapped_column(String(200), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(254), default=None)
    contact_phone: Mapped[str | None] = mapped_column(String(32), default=None)
    contact_consent: Mapped[bool] = mapped_column(default=False)
    # When the contact fields were emptied (retention period over, or the reporter's request).
    contact_erased_at: Mapped[datetime | None] = mapped_column(default=None)
    source: Mapped[ReportSource] = mapped_column(
        enum_type(ReportSource, "report_source", length=10), default=ReportSource.WEB
    )
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    # The member of staff who entered the report on a caller's behalf (hotline, phone, email).
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    # The web form's one-time key: a second submission of the same form (a double click, a
    # resend after a timeout) finds this report instead of creating another.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # Filled in by the worker.
    normalised_text: Mapped[str | None] = mapped_column(Text, default=None)
    # Text read from the report's screenshots, normalised when grouped (None before).
    normalised_ocr_text: Mapped[str | None] = mapped_column(Text, default=None)
    # Names and numbers of an article-length text ("|"-separated), for rewrites by other outlets.
    claim_terms: Mapped[str | None] = mapped_column(Text, default=None)
    # The normalised texts' token counts and 3-gram hashes (matching.textsim.gram_blob): what
    # scoring reads of a candidate instead of rebuilding its 3-grams. None before grouping.
    text_grams: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    ocr_grams: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True, default=None)
    match_score: Mapped[float | None] = mapped_column(default=None)
    match_basis: Mapped[str | None] = mapped_column(String(20), default=None)
    # What staff search finds the report by: its text, link and the text read from its
    # screenshots, folded (tingia.text.fold_words). Kept up to date on every flush (below); the
    # database indexes it (FTS5 on SQLite, GIN full-text on PostgreSQL: see the migrations).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    province: Mapped[Province] = relationship()
    centre: Mapped[Centre] = relationship()
    entered_by: Mapped[User | None] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="reports")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_reports_canonical_url", "canonical_url"),
        Index("ix_reports_unprocessed", "processed_at", "created_at"),
        Index("ix_reports_case_platform", "case_id", "platform"),  # the queue's platforms
        # From the reports a search found to their cases without reading the (long) rows.
        Index("ix_reports_id_case", "id", "case_id"),
        # Public search's province filter: the cases reported from a province, from the index.
        Index("ix_reports_province_case", "province_code", "case_id"),
    )

    @property
    def status(self) -> ReportStatus:
        """The reporter-facing status, derived from the case so it can never disagree with it."""
        if self.case is None or self.processed_at is None:
            return ReportStatus.RECEIVED
        if self.case.status == CaseStatus.OPEN:
            return ReportStatus.PROCESSED
        return ReportStatus(self.case.status.value)

    @property
    def has_contact(self) -> bool:
        """True when the reporter left any way to reach them."""
        return bool(self.contact_name or self.contact_email or self.contact_phone)

    def __repr__(self) -> str:
        return f"<Report {self.tracking_code}>"


class Attachment(db.Model):
    """An image sent with a report, stored by content hash, with its fingerprints."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    # Perceptual hashes as signed 64-bit integers (they fit a BIGINT); None until fingerprinted.
    phash: Mapped[int | None] = mapped_column(BigInteger, default=None)
    dhash: Mapped[int | None] = mapped_column(BigInteger, default=None)
    pdq: Mapped[str | None] = mapped_column(String(64), default=None)
    text_heavy: Mapped[bool | None] = mapped_column(default=None)
    ocr_text: Mapped[str | None] = mapped_column(Text, default=None)
    # The photo part (the image, or a photo shown inside a screenshot): whether there is one,
    # pHashes of its crop hypotheses (signed 64-bit, packed) and its ORB features (~9 KB).
    has_photo: Mapped[bool | None] = mapped_column(default=None)
    region_hashes: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # pHashes of a grid of crops, looked up but never stored in the photo-hash index.
    lookup_hashes: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    features: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    fingerprinted_at: Mapped[datetime | None] = mapped_column(default=None)
    # Staff decide whether an image may appear on a public verdict page.
    publishable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="attachments")


def search_document(content: str | None, url: str | None, ocr_texts: list[str | None]) -> str:
    """The folded words staff search matches a report by (accents and case optional)."""
    parts = [content, url, *ocr_texts]
    return " ".join(folded for part in parts if part and (folded := fold_words(part)))


def _changed(obj: object, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _keep_search_text(session: Session, _flush_context: object, _instances: object) -> None:
    """Rewrite the search text of reports whose content, link or screenshots' text changed."""
    touched: set[Report] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Report) and (obj in session.new or _changed(obj, "content", "url")):
            touched.add(obj)
        elif (
            isinstance(obj, Attachment)
            and obj.report is not None
            and (obj in session.new or _changed(obj, "ocr_text"))
        ):
            touched.add(obj.report)
    for report in touched:
        text = search_document(
            report.content, report.url, [image.ocr_text for image in report.attachments]
        )
        if report.search_text != text:
            report.search_text = text
