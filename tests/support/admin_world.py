"""A tiny hand-made world for the login, permission and administration tests: four agencies
and one account per role, written straight into an empty database (not through the
commands under test)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import bcrypt

from data_access.commands.base import Actor
from data_access.db import write_session
from data_access.models import Agency, User

PASSWORD = "secret-pass-1"


@lru_cache(maxsize=8)
def password_hash(password: str = PASSWORD) -> str:
    """A bcrypt hash at the lowest cost: checking it takes a millisecond instead of the
    production cost's quarter second, which the login tests would pay hundreds of times.
    ``verify_password`` reads the cost from the hash, so nothing else differs."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode("ascii")


@dataclass(frozen=True)
class World:
    agencies: dict[str, int]  # key -> id
    users: dict[str, Actor]  # username -> Actor


# key: the agency's columns
AGENCIES = {
    "justice": {"name": "市司法局（测试）", "kind": "coordinator"},
    "housing": {"name": "市住建局（测试）", "kind": "department"},
    "town_a": {"name": "甲镇（测试）", "kind": "town"},
    "town_b": {"name": "乙镇（测试）", "kind": "town"},
}

# username: (role, agency key or None)
ACCOUNTS = {
    "admin": ("office", "justice"),
    "chair": ("chair", None),
    "viewer": ("observer", None),
    "head_a": ("head", "town_a"),
    "clerk_a": ("clerk", "town_a"),
    "head_b": ("head", "town_b"),
    "head_h": ("head", "housing"),
}


def build(engine=None) -> World:
    with write_session(engine) as s:
        agencies = {}
        for key, columns in AGENCIES.items():
            a = Agency(**columns, active=True)
            s.add(a)
            s.flush()
            agencies[key] = a.id
        actors = {}
        for username, (role, agency_key) in ACCOUNTS.items():
            agency_id = agencies[agency_key] if agency_key else None
            u = User(
                username=username, display_name=f"{username}（测试）", password_hash=password_hash(),
                role=role, agency_id=agency_id, active=True, failed_logins=0, language="zh",
            )
            s.add(u)
            s.flush()
            actors[username] = Actor(username=username, role=role, agency_id=agency_id, user_id=u.id)
    return World(agencies, actors)
