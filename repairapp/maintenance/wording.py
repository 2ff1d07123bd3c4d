"""Names of the maintenance plans' choices, as every page shows them."""

from flask_babel import lazy_gettext as _l

from repairapp.maintenance.models import (
          Anchor,
          ItemKind,
          Shift,
          Target,
          Unit,
          VisitStatus,
)

TARGET = {Target.ASSET: _l("One machine"), Target.MODEL: _l("Every machine of a model"),
          Target.CONTRACT: _l("Every machine of a contract")}
UNIT = {Unit.DAY: _l("days"), Unit.WEEK: _l("weeks"), Unit.MONTH: _l("months"),
        Unit.QUARTER: _l("quarters"), Unit.YEAR: _l("years")}
ANCHOR = {Anchor.FIXED: _l("the first visit (fixed dates)"),
          Anchor.COMPLETION: _l("the last visit's completion")}
SHIFT = {Shift.BEFORE: _l("the working day before"), Shift.AFTER: _l("the working day after")}
ITEM_KIND = {ItemKind.PASS_FAIL: _l("Pass / fail"), ItemKind.NUMBER: _l("Reading with limits"),
             ItemKind.TEXT: _l("Text"), ItemKind.PHOTO: _l("Photo")}
VISIT_STATUS = {VisitStatus.PLANNED: _l("Planned"), VisitStatus.IN_PROGRESS: _l("In progress"),
                VisitStatus.DONE: _l("Done"), VisitStatus.CANCELLED: _l("Cancelled")}


def check_result(passed: bool | None) -> str:
    """A check's result as the report shows it: pass, fail, or — (nothing to judge)."""
    return {True: str(_l("Pass")), False: str(_l("Fail"))}.get(passed, "—")
