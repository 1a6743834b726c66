"""Numbers as the site's language writes them: ``£25,000``, ``£1,785.71``, ``1,200``, ``12.5%``.

Outputs are written by maintainers as digits (``25000``, ``1785.71``); a ``unit`` says when they
are money or a percentage. They are shown with the site language's grouping and decimal mark
(Babel's CLDR data: ``en`` writes 25,000.5, ``fr`` 25 000,5) and with exactly the decimals that
were written, so nothing is rounded and nothing is invented (25000 is £25,000, not £25,000.00);
money that has pence shows the currency's minor digits (1.5 GBP is £1.50, as money is written).
"""

from __future__ import annotations

from decimal import Decimal

from babel.core import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision

from .model import OUTPUT_UNITS

DEFAULT_LOCALE = "en_GB"


def locale_for(language: str | None) -> str:
    """The Babel locale of the site's language (``theme.language``: ``en``, ``cy``, ``pt-BR``);
    English is British English, as the archive is; an unknown language falls back to it."""
    if not language or language.lower() in ("en", "en-gb", "en_gb"):
        return DEFAULT_LOCALE
    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LOCALE


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_figure(value: Decimal, unit: str | None = None, locale: str = DEFAULT_LOCALE) -> str:
    """``value`` in ``unit`` (a key of :data:`~projarchive.model.OUTPUT_UNITS`, or None for a count)."""
    value = Decimal(value)  # a schema Figure formats as written; here the locale decides
    digits = _decimals(value)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    if unit is None:
        return format_decimal(value, format=pattern, locale=locale)
    if unit == "percent":
        return format_percent(value / 100, format=pattern + "%", locale=locale)
    if unit in OUTPUT_UNITS:  # the locale's own pattern (£25,000 in en, 25 000 € in fr), our decimals
        if 0 < digits < get_currency_precision(unit):
            pattern = "#,##0." + "0" * get_currency_precision(unit)
        standard = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
        money = standard.replace("#,##0.00", pattern).replace("#,##,##0.00", pattern)
        return format_currency(value, unit, format=money, locale=locale, currency_digits=False)
    raise ValueError(f"unknown unit {unit!r}")

