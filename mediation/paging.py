"""One page of a long list, with what templates/_pager.html asks of it."""

from dataclasses import dataclass
from math import ceil

from flask import request

from mediation.core.schemas import LARGEST_ID


def page_number(per_page: int) -> int:
    """The page the query string asks for, from 1 to the last page any table could fill: a
    number past it (or not a number) would otherwise be an offset the database refuses."""
    number = request.args.get("page", 1, type=int)
    return min(max(number, 1), LARGEST_ID // per_page + 1)


@dataclass(frozen=True)
class Page:
    """``total`` is a lower bound when ``total_is_exact`` is False (a list too long to count
    on every request); the number of pages is then unknown (None), and ``has_next`` says
    whether another page follows (known from fetching one row more than a page)."""

    items: list
    page: int
    per_page: int
    total: int
    total_is_exact: bool = True
    has_next: bool | None = None

    def __post_init__(self) -> None:
        if self.has_next is None:
            object.__setattr__(self, "has_next", self.page < (self.pages or self.page))

    @property
    def pages(self) -> int | None:
        return max(1, ceil(self.total / self.per_page)) if self.total_is_exact else None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
