"""Routing rules as data (DESIGN.md §4): an ordered table an admin edits."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Organization
from mediation.models.types import UTCDateTime, enum_column, utcnow
from workflows.case import Tier
from workflows.routing import Destination


class RoutingRuleRow(db.Model):
    """One rule; empty conditions always hold. Evaluated by ``position``, first match wins."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    # Built-in rules keep a key, so the case page explains them in the reader's language;
    # rules an admin adds are explained by their name.
    key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # Shown instead of the name when the interface is English (mediation.i18n.display_name).
    name_en: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    destination: Mapped[Destination] = mapped_column(enum_column(Destination, "destination"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    preferred_tier: Mapped[Tier | None] = mapped_column(enum_column(Tier, "rule_tier"))
    min_workers: Mapped[int | None] = mapped_column(Integer)
    min_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization | None] = relationship()
