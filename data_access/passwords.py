"""Password hashing (bcrypt, the scheme streamlit-authenticator also uses)."""

from __future__ import annotations

import bcrypt

MIN_LENGTH = 6


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"密码至少{MIN_LENGTH}位。 / The password needs at least {MIN_LENGTH} characters.")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False
