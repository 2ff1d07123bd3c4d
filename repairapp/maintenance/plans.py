"""Saving a plan from its form, and the form's values from a plan."""

from repairapp.extensions import db
from repairapp.maintenance.forms import ROWS_FREE
from repairapp.maintenance.models import (
    Anchor,
    ChecklistItem,
    ItemKind,
    MaintenancePlan,
    Shift,
    Target,
    Unit,
)


def _id(value) -> int | None:
    return int(value) if value not in (None, "", "0") else None


def form_data(plan: MaintenancePlan) -> dict:
    """What the form shows for a saved plan: its values, its checks, then empty rows."""
    items = [{"check": i.label, "kind": i.kind.value, "min_value": i.min_value,
              "max_value": i.max_value, "is_required": i.is_required} for i in plan.checks]
    return {"name": plan.name, "target": plan.target.value,
            "asset_tag": plan.asset.tag if plan.asset else "", "model": plan.model,
            "contract_id": str(plan.contract_id or 0), "every": plan.every,
            "unit": plan.unit.value, "anchor": plan.anchor.value, "start_date": plan.start_date,
            "calendar_id": str(plan.calendar_id or 0), "shift": plan.shift.value,
            "notice_days": plan.notice_days, "engineer_id": str(plan.engineer_id or 0),
            "is_archived": plan.is_archived,
            "items": items + [{"is_required": True}] * ROWS_FREE}


def save(plan: MaintenancePlan | None, form, asset) -> MaintenancePlan:
    """Create or update a plan; its checklist becomes the form's labelled rows, in order
    (rows beyond it are marked removed, so past results keep the check they answered)."""
    if plan is None:
        plan = MaintenancePlan()
        db.session.add(plan)
    target = Target(form.target.data)
    plan.name, plan.target = form.name.data.strip(), target
    plan.asset_id = asset.id if target is Target.ASSET else None
    plan.model = form.model.data.strip() if target is Target.MODEL else ""
    plan.contract_id = _id(form.contract_id.data) if target is Target.CONTRACT else None
    plan.every, plan.unit = form.every.data, Unit(form.unit.data)
    plan.anchor, plan.start_date = Anchor(form.anchor.data), form.start_date.data
    plan.calendar_id, plan.shift = _id(form.calendar_id.data), Shift(form.shift.data)
    plan.notice_days, plan.engineer_id = form.notice_days.data, _id(form.engineer_id.data)
    plan.is_archived = form.is_archived.data
    rows = [row for row in form.items if (row.check.data or "").strip()]
    kept = plan.checks
    for position, row in enumerate(rows):
        item = kept[position] if position < len(kept) else ChecklistItem()
        item.position, item.label = position, row.check.data.strip()
        item.kind, item.is_required = ItemKind(row.kind.data), row.is_required.data
        number = item.kind is ItemKind.NUMBER
        item.min_value = row.min_value.data if number else None
        item.max_value = row.max_value.data if number else None
        if position >= len(kept):
            plan.items.append(item)
    for item in kept[len(rows):]:
        item.position = -1
    db.session.flush()
    return plan
