"""The demo's maintenance plans: visits in the coming weeks for each technician."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from repairapp.accounts.models import Role
from repairapp.contracts.models import Contract
from repairapp.extensions import db
from repairapp.maintenance.models import (
    Anchor,
    ChecklistItem,
    ItemKind,
    MaintenancePlan,
    Shift,
    Target,
    Unit,
)
from repairapp.maintenance.services import generate
from repairapp.sla.models import ServiceCalendar

CHECKS = (("外观及运行声音正常 Looks and sounds normal", ItemKind.PASS_FAIL, None, None),
          ("供电电压 Supply voltage (V)", ItemKind.NUMBER, "210", "230"),
          ("滤网清洁 Filters clean", ItemKind.PASS_FAIL, None, None),
          ("现场照片 Photo of the machine", ItemKind.PHOTO, None, None),
          ("其他情况 Other findings", ItemKind.TEXT, None, None))


def _checks() -> list[ChecklistItem]:
    return [ChecklistItem(position=n, label=label, kind=kind, is_required=kind
                          is not ItemKind.TEXT, min_value=low and Decimal(low),
                          max_value=high and Decimal(high))
            for n, (label, kind, low, high) in enumerate(CHECKS)]


def load(now: datetime, staff, assets) -> int:
    """A quarterly inspection of the first contract's machines for the first technician, a
    monthly health check of one machine for the second, and one left to dispatch; visits
    generated as the sweep would. Returns how many visits."""
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    techs = [u for u in staff if u.role is Role.TECHNICIAN]
    calendar = db.session.scalars(sa.select(ServiceCalendar).order_by(ServiceCalendar.id)).first()
    contract = db.session.scalars(sa.select(Contract).order_by(Contract.id)).first()
    common = {"anchor": Anchor.FIXED, "calendar": calendar, "shift": Shift.AFTER,
              "notice_days": 14}
    plans = [
        MaintenancePlan(name="季度巡检 Quarterly inspection", target=Target.CONTRACT,
                        contract_id=contract.id, every=1, unit=Unit.QUARTER,
                        start_date=today + timedelta(days=4), engineer=techs[0], **common),
        MaintenancePlan(name="月度健康检查 Monthly health check", target=Target.ASSET,
                        asset_id=assets[1].id, every=1, unit=Unit.MONTH,
                        start_date=today + timedelta(days=9), engineer=techs[-1], **common),
        MaintenancePlan(name="半年保养 Half-yearly service", target=Target.ASSET,
                        asset_id=assets[2].id, every=6, unit=Unit.MONTH,
                        start_date=today + timedelta(days=12), **common),
    ]
    for plan in plans:
        plan.items = _checks()
    db.session.add_all(plans)
    db.session.flush()
    return generate(now)
