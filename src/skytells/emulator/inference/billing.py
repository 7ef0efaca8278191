"""Credits for inference: each answer costs its tokens times the model's price per token.

An account with unlimited credits (the default) is never charged. Otherwise the cost of the whole
answer (prompt and completion tokens) is checked before anything is sent: an account with no credits
left, or fewer than the cost, gets 402 ``INSUFFICIENT_CREDITS`` and is not charged; else the cost is
deducted.

>>> charge(accounts, account, tokens=120, price_per_token=6e-07)   # deducts 0.000072
"""

from __future__ import annotations

from skytells.emulator.accounts import Account, Accounts
from skytells.emulator.errors import ApiError


def cost_of(tokens: int, price_per_token: float) -> float:
    """What `tokens` tokens cost (rounded to 9 decimals)."""
    return round(tokens * price_per_token, 9)


def charge(accounts: Accounts, account: Account, *, tokens: int, price_per_token: float) -> float:
    """Deduct the cost of `tokens` (402 when the balance does not cover it); the cost."""
    cost = cost_of(tokens, price_per_token)
    if account.credits is not None:
        if account.credits <= 0 or account.credits < cost:
            raise ApiError(
                "INSUFFICIENT_CREDITS",
                f"Insufficient credits: this request costs {cost:g}, the balance is {account.credits:g}.",
                status=402,
            )
        accounts.charge(account, cost)
    return cost
