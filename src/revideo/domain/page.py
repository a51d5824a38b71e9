"""A page of a longer list."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

import attrs

from revideo.domain.errors import ValidationError

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@attrs.frozen
class PageRequest:
    """Which slice of a list to return: 1-based page number and size."""

    number: int = 1
    size: int = 20

    def __attrs_post_init__(self) -> None:
        if self.number < 1:
            raise ValidationError("page", "must be 1 or more")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise ValidationError("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def every(fetch: Callable[[PageRequest], Page[T]], size: int = MAX_PAGE_SIZE) -> Iterator[T]:
    """Every item of a paged list, fetching one page at a time."""
    request = PageRequest(1, size)
    while True:
        page = fetch(request)
        yield from page.items
        if not page.has_next:
            return
        request = PageRequest(request.number + 1, size)


@attrs.frozen
class Page(Generic[T]):
    """Items of one page, and how many there are in all."""

    items: Sequence[T]
    total: int
    request: PageRequest = attrs.field(factory=PageRequest)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.size))

    @property
    def has_next(self) -> bool:
        return self.request.number < self.pages

    @property
    def has_prev(self) -> bool:
        return self.request.number > 1
