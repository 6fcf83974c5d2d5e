"""Pointing ``DATABASE_URL`` at a test database for a while, and putting it back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from data_access import db


@contextmanager
def database_at(url: str) -> Iterator[Engine]:
    """``DATABASE_URL`` is ``url`` inside the block (the engine is yielded); afterwards it is
    what it was before, or unset, and the engines are dropped."""
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    db.reset_engines()
    try:
        yield db.get_engine()
    finally:
        db.reset_engines()
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old


def seeded_city(backend, name: str, *, scale: float, random_seed: int) -> str:
    """The URL of a new database ``name`` of ``backend`` (migrated), the sample city seeded in it."""
    from sample_data.seed import seed_city

    url = backend.new_database(name)
    engine = db.make_engine(url)
    seed_city(engine, scale=scale, random_seed=random_seed)
    engine.dispose()
    return url
