"""One page of a long list, with what templates/_pager.html asks of it."""

from dataclasses import dataclass
from math import ceil


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
