"""What a chargeable repair costs: per-incident terms from settings, items from the work log."""

import math
from dataclasses import dataclass
from decimal import Decimal

from repairapp.billing.money import tax_contained, to_fen
from repairapp.tickets.models import WorkLog, WorkType

PERSON_DAY_MINUTES = 8 * 60


@dataclass(frozen=True)
class Terms:
    """Tax-included prices for work outside coverage."""

    remote: Decimal
    visit: Decimal
    person_day: Decimal
    tax_percent: Decimal

    @classmethod
    def from_config(cls, config) -> "Terms":
        return cls(config["FEE_REMOTE"], config["FEE_VISIT"], config["FEE_PERSON_DAY"],
                   config["TAX_RATE_PERCENT"])

    def tax_in(self, total: Decimal) -> Decimal:
        """The tax contained in a tax-included amount."""
        return tax_contained(total, self.tax_percent)


@dataclass(frozen=True)
class Item:
    kind: str  # remote | visit | person_day | part
    description: str
    quantity: Decimal
    unit_price: Decimal | None  # None: quoted separately (parts)

    @property
    def amount(self) -> Decimal | None:
        return None if self.unit_price is None else to_fen(self.quantity * self.unit_price)


def items_for(logs: list[WorkLog], terms: Terms) -> list[Item]:
    """Billable items for a chargeable ticket's work: one remote incident if any remote work;
    on site, a visit up to half a day, else person-days in half-day steps; parts listed."""
    items: list[Item] = []
    if any(log.work_type is WorkType.REMOTE for log in logs):
        items.append(Item("remote", "remote", Decimal(1), terms.remote))
    on_site = sum(log.minutes for log in logs if log.work_type is WorkType.ON_SITE)
    if any(log.work_type is WorkType.ON_SITE for log in logs):
        halves = max(1, math.ceil(on_site / (PERSON_DAY_MINUTES / 2)))
        if halves == 1:
            items.append(Item("visit", "visit", Decimal(1), terms.visit))
        else:
            items.append(Item("person_day", "person_day", Decimal(halves) / 2,
                              terms.person_day))
    for log in logs:
        items += [Item("part", part.description, Decimal(part.quantity), None)
                  for part in log.parts]
    return items


def total(items: list[Item]) -> Decimal:
    return sum((i.amount for i in items if i.amount is not None), Decimal("0.00"))
