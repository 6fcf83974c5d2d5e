"""Running a command in the caller's transaction or in its own.

``uow``: an open write session (``data_access.db.write_session``) that the caller commits,
so that several commands form one all-or-nothing unit; without one the command opens its
own transaction and commits it (:func:`data_access.validation.run_write`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from data_access.validation import run_write

T = TypeVar("T")


def run_command(work: Callable[[Session], T], uow: Session | None = None) -> T:
    if uow is not None:
        result = work(uow)
        uow.flush()
        return result
    return run_write(work)
