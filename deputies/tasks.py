"""The deputies' beat job (name fixed in liaison/schedules.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def close_accounts_of_departed_deputies(today: str | None = None) -> int:
    """Nightly: deputies whose leaving day (entered ahead of time) has come lose their account (idempotent)."""
    import datetime as dt

    from .services import departed_deputies_close_accounts

    return departed_deputies_close_accounts(today=dt.date.fromisoformat(today) if today else None)
