from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "aud": "A$", "cad": "C$"}


@register.filter
def money(amount: int | float | None) -> str:
    """249 → "$249"; 116931.82 → "$116,932"; 39.7727 → "$39.77" (cents only below 100)."""
    value = float(amount or 0)
    shown = f"{value:,.0f}" if value == int(value) or abs(value) >= 100 else f"{value:,.2f}"
    currency = settings.BILLING_CURRENCY
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{shown}" if symbol else f"{shown} {currency.upper()}"
