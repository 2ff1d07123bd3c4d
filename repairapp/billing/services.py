"""A contract's money as its page shows it, and recording a payment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from repairapp.billing.fees import Gap, Price, contract_price
from repairapp.billing.models import RenewalNotice
from repairapp.billing.renewals import lapse_gap
from repairapp.contracts.models import Contract
from repairapp.extensions import db


@dataclass(frozen=True)
class ContractMoney:
    """What a contract costs and whether it is paid."""

    contract: Contract
    #: The term's fee and the back-payment of the lapse before it; None: the plan has no fee.
    price: Price | None
    gap: Gap | None
    tax: Decimal | None
    notices: list[RenewalNotice]


def contract_money(contract: Contract, tax_percent: Decimal) -> ContractMoney:
    gap = lapse_gap(contract)
    price = contract_price(contract, gap)
    notices = list(db.session.scalars(sa.select(RenewalNotice).where(
        RenewalNotice.contract_id == contract.id).order_by(RenewalNotice.threshold_days.desc())))
    return ContractMoney(contract, price, gap, price.tax(tax_percent) if price else None,
                         notices)


def record_payment(contract: Contract, paid_on: date | None, reference: str) -> None:
    """Paid on `paid_on` with the bank's `reference`; no date: unpaid (a payment undone)."""
    contract.paid_on = paid_on
    contract.payment_reference = reference.strip() if paid_on else ""
    db.session.flush()
