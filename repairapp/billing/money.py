"""Money rules used everywhere: Decimal, rounded half up to the fen, tax contained in totals."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """`amount` rounded half up to the fen (0.005 -> 0.01), as Chinese invoices round."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_contained(total: Decimal, tax_percent: Decimal) -> Decimal:
    """The tax contained in a tax-included total: total x r / (100 + r), to the fen."""
    return to_fen(total * tax_percent / (100 + tax_percent))


def yuan(amount: Decimal) -> str:
    """"¥12,800.00": how amounts are shown on pages, PDFs and in emails."""
    return f"¥{to_fen(amount):,.2f}"
