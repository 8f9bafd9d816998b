"""Provinces and the centres that handle their reports."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tingia.extensions import db


class Province(db.Model):
    """One of Vietnam's 34 provincial-level units (codes as in Resolution 202/2025/QH15)."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    centre: Mapped[Centre | None] = relationship(back_populates="province", uselist=False)

    def __repr__(self) -> str:
        return f"<Province {self.code} {self.name}>"


class Centre(db.Model):
    """A verification centre: one per province, plus the national centre (no province)."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("provinces.code"), unique=True, default=None
    )
    name: Mapped[str] = mapped_column(String(200))

    province: Mapped[Province | None] = relationship(back_populates="centre")

    @property
    def is_national(self) -> bool:
        """True for the national centre, which sees every case."""
        return self.province_code is None

    def __repr__(self) -> str:
        return f"<Centre {self.id} {self.name}>"
