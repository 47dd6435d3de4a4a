"""Small builders the tests share."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount


def make_lei(n: int) -> str:
    """A valid LEI numbered ``n`` (fictional prefix, check digits computed)."""
    prefix = f"3538000TEST{n:07d}"
    number = int("".join(str(int(c, 36)) for c in prefix + "00"))
    return f"{prefix}{98 - number % 97:02d}"


def strict_json(text: str) -> Any:
    """``text`` parsed as strict JSON: NaN, Infinity and -Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def due_in(days: int = 30) -> date:
    """A due date ``days`` after today: a proposal's due date may not be in the chain's past
    (the test chain keeps the host's clock)."""
    return date.today() + timedelta(days=days)


def fresh_account() -> LocalAccount:
    """A new random account holding no ether."""
    account: LocalAccount = Account.create()
    return account


class Clock:
    """An app's clock, moved by the tests."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
