"""Provinces and the centres that handle their reports."""

from __future__ import annotations

from sqlalchemy import ColumnElement, ForeignKey, ScalarSelect, String, select
from sqlalchemy.ext.hybrid import hybrid_property
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

    @hybrid_property
    def is_national(self) -> bool:
        """True for the national centre, which sees every case (in SQL: no province)."""
        return self.province_code is None

    @is_national.inplace.expression
    @classmethod
    def _is_national_expression(cls) -> ColumnElement[bool]:
        return cls.province_code.is_(None)

    @classmethod
    def national_id(cls) -> ScalarSelect[int]:
        """The national centre's id, as a scalar subquery."""
        return select(cls.id).where(cls.is_national).scalar_subquery()

    def __repr__(self) -> str:
        return f"<Centre {self.id} {self.name}>"
