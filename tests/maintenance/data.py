"""Maintenance test data: an office calendar, plans with checks."""

from dataclasses import dataclass
from datetime import date

import factories as f
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance import reports
from repairapp.maintenance.models import (
    Anchor,
    ChecklistItem,
    InspectionReport,
    ItemKind,
    MaintenancePlan,
    MaintenanceVisit,
    ResultPhoto,
    Shift,
    Target,
    Unit,
    VisitResult,
    VisitStatus,
)
from repairapp.sla.models import ServiceCalendar


def office() -> ServiceCalendar:
    """Monday to Friday 09:00-17:00 with China's holidays and make-up days."""
    calendar = ServiceCalendar(name=f"Office {next(f._seq)}", china_holidays=True,
                               hours={str(d): [[540, 1020]] for d in range(5)})
    return f._add(calendar)


def plan(asset=None, *, start, every=1, unit=Unit.MONTH, anchor=Anchor.FIXED,
         shift=Shift.AFTER, calendar=None, engineer=None, items=(), **kw) -> MaintenancePlan:
    """A plan for one machine (made here when not given) with the given checks."""
    asset = asset or f.asset()
    new = MaintenancePlan(name=kw.pop("name", "Quarterly inspection"), target=Target.ASSET,
                          asset_id=asset.id, every=every, unit=unit, anchor=anchor,
                          start_date=start, shift=shift, calendar=calendar,
                          engineer_id=engineer.id if engineer else None,
                          notice_days=kw.pop("notice_days", 7), **kw)
    for position, (label, kind, low, high) in enumerate(items):
        new.items.append(ChecklistItem(position=position, label=label, kind=kind,
                                       min_value=low, max_value=high, is_required=True))
    db.session.add(new)
    db.session.commit()
    return new


CHECKS = (("Fan runs quietly", ItemKind.PASS_FAIL, None, None),
          ("Supply voltage (V)", ItemKind.NUMBER, 210, 230),
          ("Remarks", ItemKind.TEXT, None, None))


@dataclass(frozen=True)
class World:
    """For the security sweeps: a plan on a machine with visits in every state."""

    plan: MaintenancePlan
    planned: MaintenanceVisit     #: the technician's, to start at the machine
    inspecting: MaintenanceVisit  #: the technician's, started: the checklist is open
    done: MaintenanceVisit        #: the technician's, done, a result with a photo, unsigned
    unassigned: MaintenanceVisit  #: nobody's yet: the desk assigns it
    photo_id: int
    report: InspectionReport      #: the customer's signed report of another done visit
    finished: MaintenanceVisit    #: first of a round of two done, unsigned visits (a day on)

    @property
    def check_id(self) -> int:
        return self.plan.checks[0].id


def world(asset, tech, photo) -> World:
    """Build (and commit) the maintenance part of the security world."""
    new = plan(asset, start=date(2030, 1, 1), items=CHECKS[:1], engineer=tech)
    visits = [MaintenanceVisit(plan_id=new.id, asset_id=asset.id, period_key=f"p{n}",
                               due_date=date(2030, 1, 1), assignee_id=tech.id,
                               status=VisitStatus.PLANNED) for n in range(5)]
    planned, inspecting, done, unassigned, signed = visits
    inspecting.status = VisitStatus.IN_PROGRESS
    for finished in (done, signed):
        finished.status, finished.done_at = VisitStatus.DONE, utcnow()
        finished.results.append(VisitResult(item_id=new.checks[0].id, value="pass",
                                            passed=True, note=""))
    unassigned.assignee_id = None
    result = done.results[0]
    result.photos.append(ResultPhoto(content=photo.content, width=photo.width,
                                     height=photo.height))
    db.session.add_all(visits)
    db.session.flush()
    report = reports.sign([signed], tech, signer_name="Chen", signature_png=None,
                          is_round=False)
    finished = [MaintenanceVisit(plan_id=new.id, asset_id=asset.id, period_key=f"r{n}",
                                 due_date=date(2030, 1, 2), assignee_id=tech.id,
                                 status=VisitStatus.DONE, done_at=utcnow()) for n in range(2)]
    db.session.add_all(finished)
    db.session.commit()
    return World(new, planned, inspecting, done, unassigned, result.photos[0].id, report,
                 finished[0])
