"""Password hashing (bcrypt, the scheme streamlit-authenticator also uses)."""

from __future__ import annotations

import bcrypt

MIN_LENGTH = 6


class WeakPassword(ValueError):
    """A password the product refuses; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少{MIN_LENGTH}位。", f"The password needs at least {MIN_LENGTH} characters.")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False
