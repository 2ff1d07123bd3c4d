"""SLA due times: the one place that turns a plan's targets into deadlines."""

from datetime import datetime, timedelta

from repairapp.contracts.models import ServicePlan, Severity


def due_times(
    plan: ServicePlan | None, severity: Severity, start: datetime
) -> tuple[datetime | None, datetime | None]:
    """(response due, resolution due) for a ticket filed at `start`; None where no promise.

    The clock is 24x7 for now; service calendars replace the addition below.
    """
    if plan is None:
        return None, None
    response, resolution = plan.targets(severity)
    return (
        start + timedelta(minutes=response) if response is not None else None,
        start + timedelta(minutes=resolution) if resolution is not None else None,
    )
