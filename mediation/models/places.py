"""Administrative regions: district → street/town → community."""

from functools import lru_cache

from sqlalchemy import ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, enum_column
from mediation.translation import lazy_gettext as _l


class RegionLevel(TitledEnum):
    district = "district"
    street = "street"
    community = "community"


REGION_LEVEL_TITLES = {
    RegionLevel.district: _l("District"),
    RegionLevel.street: _l("Street / town"),
    RegionLevel.community: _l("Community"),
}
RegionLevel.TITLES = REGION_LEVEL_TITLES


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel, "region_level"))
    # GB/T 2260 administrative division code, e.g. 441802 for a district.
    code: Mapped[str | None] = mapped_column(String(12), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # A district's labour-dispute arbitration commission (劳动人事争议仲裁委员会) and legal-aid
    # station, as the administration records them: the advice and the documents name them.
    arbitration_commission: Mapped[str | None] = mapped_column(String(200))
    arbitration_address: Mapped[str | None] = mapped_column(String(200))
    arbitration_phone: Mapped[str | None] = mapped_column(String(30))
    legal_aid_station: Mapped[str | None] = mapped_column(String(200))
    legal_aid_address: Mapped[str | None] = mapped_column(String(200))
    legal_aid_phone: Mapped[str | None] = mapped_column(String(30))
    # Its basic people's court (基层人民法院): a payment order is applied for there (民事诉讼法
    # 第二百二十五条) and it rules on judicial confirmation (第二百零五条、第二百零六条), not
    # the pre-litigation mediation centre the network holds as the court's organisation.
    basic_court: Mapped[str | None] = mapped_column(String(200))
    basic_court_address: Mapped[str | None] = mapped_column(String(200))
    basic_court_phone: Mapped[str | None] = mapped_column(String(30))

    parent: Mapped["Region | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent")

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> "Region":
        region = self
        while region.level != RegionLevel.district and region.parent is not None:
            region = region.parent
        return region


@lru_cache(maxsize=4096)  # SQL constructs are immutable; one per region is plenty
def region_subtree(region_id: int) -> Select:
    """SELECT of the ids of a region and every region below it (a recursive CTE).

    One statement may hold two subtrees (a supervisor's jurisdiction and the region a
    filter picked): the CTE is named after its region, and built once per region, so the
    same region twice is the same CTE rather than two that clash."""
    tree = (
        select(Region.id)
        .where(Region.id == region_id)
        .cte(f"region_tree_{int(region_id)}", recursive=True)
    )
    tree = tree.union_all(select(Region.id).where(Region.parent_id == tree.c.id))
    return select(tree.c.id)


def region_line(region_id: int) -> Select:
    """SELECT of the ids of a region and every region above it (a recursive CTE). Named
    the same for every region, it compiles once: the region is a bound value."""
    line = (
        select(Region.id, Region.parent_id)
        .where(Region.id == region_id)
        .cte("region_line", recursive=True)
    )
    line = line.union_all(select(Region.id, Region.parent_id).where(Region.id == line.c.parent_id))
    return select(line.c.id)
