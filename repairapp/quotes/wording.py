"""Names of quote lines, statuses and not-quality reasons, in the visitor's language."""

from flask_babel import lazy_gettext as _l

from repairapp.quotes.models import LineKind, NotQualityReason, QuoteStatus

SERVICE = {
    "none": _l("No call-out fee"),
    "remote": _l("Remote support fee"),
    "visit": _l("On-site visit fee"),
}
LINE_KIND = {
    LineKind.REMOTE_FEE: _l("Remote support fee"),
    LineKind.VISIT_FEE: _l("On-site visit fee"),
    LineKind.PERSON_DAY: _l("On-site work, person-days"),
    LineKind.TRAVEL_DAY: _l("Travel days (charged as person-days)"),
    LineKind.TRAVEL_COST: _l("Travel costs at cost"),
    LineKind.PART: _l("Part"),
}
QUOTE_STATUS = {
    QuoteStatus.DRAFT: _l("Draft"),
    QuoteStatus.SENT: _l("Waiting for the customer's approval"),
    QuoteStatus.APPROVED: _l("Approved"),
    QuoteStatus.DECLINED: _l("Declined"),
}
REASON = {
    NotQualityReason.MISUSE: _l("Misuse or mishandling"),
    NotQualityReason.THIRD_PARTY: _l("Third-party parts or consumables"),
    NotQualityReason.POWER_ENVIRONMENT: _l("Power supply or environment"),
    NotQualityReason.OTHER: _l("Other (say what in the note)"),
}
