"""Service calendars as admins keep them."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.extensions import db
from repairapp.sla.calendar import Calendar


class ServiceCalendar(db.Model):
    """Weekly working hours (site time zone) minus holidays; plans name one."""

    __tablename__ = "service_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: {"0": [[540, 720], [780, 1020]], ...}: weekday -> minute intervals from local midnight.
    hours: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Use China's statutory holidays and make-up working days (调休).
    china_holidays: Mapped[bool] = mapped_column(default=True)

    days: Mapped[list["CalendarDay"]] = relationship(order_by="CalendarDay.day",
                                                     cascade="all, delete-orphan")

    @property
    def week(self) -> dict[int, tuple[tuple[int, int], ...]]:
        """The weekly hours as plain values (without loading the entered days)."""
        return {int(k): tuple(tuple(i) for i in v) for k, v in self.hours.items()}

    def spec(self) -> Calendar:
        """The plain-value calendar that the SLA arithmetic and ticket snapshots use; one
        following China's holidays carries the schedules an admin entered."""
        official = OfficialDay.entered() if self.china_holidays else {}
        return Calendar(
            hours=self.week,
            china_holidays=self.china_holidays,
            closed=frozenset(d.day for d in self.days if not d.is_working),
            extra=frozenset(d.day for d in self.days if d.is_working),
            official_years=frozenset(d.year for d in official),
            official_off=frozenset(d for d, working in official.items() if not working),
            official_on=frozenset(d for d, working in official.items() if working))


class CalendarDay(db.Model):
    """A day an admin declared closed, or working although the week says otherwise."""

    __tablename__ = "calendar_days"
    __table_args__ = (sa.UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("service_calendars.id"))
    day: Mapped[date]
    is_working: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(200), default="")


class OfficialDay(db.Model):
    """A day of China's official holiday schedule for a year, as an admin entered it from
    the State Council's notice: a day off, or a make-up working day (调休). Used for years
    the installed chinesecalendar does not know; applies to every calendar that follows
    China's holidays."""

    __tablename__ = "official_holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    #: True: a make-up working day; False: a day off (statutory holiday or in lieu).
    is_working: Mapped[bool]
    #: The holiday's name as the notice gives it, e.g. 春节.
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    @staticmethod
    def entered() -> dict[date, bool]:
        """Every entered day -> is it a make-up working day."""
        return dict(db.session.execute(sa.select(OfficialDay.day, OfficialDay.is_working)).all())
