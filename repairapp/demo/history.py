"""The demo's tickets, told through the same services the pages use, as of past times.

Open jobs for every technician in each working state, new requests waiting in the dispatch
queue, and four months of closed history: rated, closed by the system, answered late, fixed
late, reopened. Due times come from each plan's calendar (`file_ticket`), breaches are
recorded as the deadline sweep and the workflow record them, ratings as the tracking page
stores them. A seeded random generator keeps the story the same for the same `now`.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.billing.work import Terms
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.notifications.models import Notification
from repairapp.sla.calendar import Calendar, add_working_minutes
from repairapp.sla.sweep import check
from repairapp.tickets import work
from repairapp.tickets.models import OPEN_STATUSES, Category, Status, Ticket, WorkType
from repairapp.tickets.services import file_ticket
from repairapp.tickets.workflow import Actor, change_status

C, S = Category, Severity
REQUESTERS = [("周师傅", "139 0000 0001"), ("陈经理", "138 1234 5601"),
              ("赵主管", "137 6543 2102"), ("孙工", "136 2468 1303"), ("刘班长", "135 1357 2404")]
#: Routine faults for the closed history: category, what the requester wrote, what the
#: technician told the customer, on site or remote, a part used (or None).
FAULTS = [
    (C.ERROR, "伺服报警 E42，设备停机 / servo alarm E42, machine stopped",
     "更换伺服编码器电缆，试运行正常 / replaced the servo encoder cable; test run fine",
     WorkType.ON_SITE, "编码器电缆 Encoder cable"),
    (C.MECHANICAL, "运行时异响 / grinding noise while running",
     "更换磨损轴承并加注润滑脂 / replaced a worn bearing and greased it",
     WorkType.ON_SITE, "轴承 6205 Bearing"),
    (C.NO_POWER, "开机无反应 / does not power on",
     "控制电源保险丝熔断，已更换 / control fuse blown, replaced", WorkType.ON_SITE,
     "保险丝 Fuse 10A"),
    (C.SOFTWARE, "程序无法下载到 PLC / cannot download the program to the PLC",
     "远程恢复 PLC 通讯参数 / restored the PLC's communication settings remotely",
     WorkType.REMOTE, None),
    (C.QUALITY, "加工尺寸偏差 0.05 mm / parts 0.05 mm out of tolerance",
     "重新标定刀具补偿 / recalibrated the tool offsets", WorkType.ON_SITE, None),
    (C.OTHER, "操作面板按键失灵 / panel buttons unresponsive",
     "远程指导客户重置面板 / guided the customer through a panel reset", WorkType.REMOTE, None),
    (C.ERROR, "通讯超时报警 / communication timeout alarm",
     "交换机端口故障，改接备用端口 / faulty switch port, moved to a spare one",
     WorkType.REMOTE, None),
]
COMMENTS = {5: ["很快，谢谢 / quick, thanks", "工程师很专业 / very professional", ""],
            4: ["修好了，就是来得有点晚 / fixed, a bit late arriving", ""],
            3: ["第二次才修好 / fixed on the second visit"]}
HISTORY_DAYS = 125  # four months and a bit
ROUTINE = 20  # closed tickets besides the late, slow and reopened ones


@dataclass
class Story:
    """Runs service calls as of past times and keeps what they stamped at those times."""

    now: datetime
    rng: random.Random
    dispatcher: User
    technicians: list[User]
    terms: Terms
    soon_percent: int
    seen_notification: int = 0

    def at(self, ticket: Ticket, when: datetime, action: Callable, *args, **kwargs):
        """Call `action` as of `when`. Services that take no `now` stamp the real clock on
        the events, work logs and announcements they add; those move back to `when`."""
        if when > self.now:
            raise ValueError(f"the demo story reached {when:%Y-%m-%d %H:%M}, after now")
        events, logs, status = len(ticket.events), len(ticket.work_logs), ticket.status
        result = action(*args, **kwargs)
        for row in [*ticket.events[events:], *ticket.work_logs[logs:]]:
            row.created_at = when
        if ticket.status is Status.CLOSED and status is not Status.CLOSED:
            ticket.closed_at = when
        for note in db.session.scalars(sa.select(Notification).where(
                Notification.id > self.seen_notification).order_by(Notification.id)):
            note.created_at = when
            for delivery in note.deliveries:
                delivery.created_at = delivery.next_attempt_at = when
            self.seen_notification = note.id
        return result

    def file(self, asset: Asset, when: datetime, severity: Severity, category: Category,
             text: str) -> Ticket:
        name, phone = self.rng.choice(REQUESTERS)
        ticket = file_ticket(asset, category=category, severity=severity, description=text,
                             requester_name=name, requester_phone=phone,
                             idempotency_key=uuid.uuid4().hex, now=when)
        return self.at(ticket, when, lambda: ticket)

    def assign(self, ticket: Ticket, tech: User, when: datetime) -> None:
        self.at(ticket, when, work.assign, ticket, tech, self.dispatcher)

    def move(self, ticket: Ticket, to: Status, when: datetime, note: str = "") -> None:
        """The assigned technician taps the next step."""
        self.at(ticket, when, change_status, ticket, to, Actor.ASSIGNEE, user=ticket.assignee,
                note=note, now=when)

    def check_in(self, ticket: Ticket, when: datetime) -> None:
        self.at(ticket, when, work.check_in, ticket, ticket.assignee, now=when)

    def resolve(self, ticket: Ticket, when: datetime, note: str, work_type: WorkType,
                minutes: int, part: str | None = None) -> None:
        parts = [work.Part(part, 1)] if part else []
        self.at(ticket, when, work.resolve, ticket, ticket.assignee, resolution_note=note,
                work_type=work_type, minutes=minutes, parts=parts, terms=self.terms, now=when)

    def sweep(self, ticket: Ticket, when: datetime) -> None:
        """The minute-by-minute deadline check, as cron ran it at `when`."""
        self.at(ticket, when, check, ticket, when, self.soon_percent, set())

    def rate(self, ticket: Ticket, when: datetime, rating: int) -> None:
        comment = self.rng.choice(COMMENTS[rating])
        self.at(ticket, when, work.confirm_fixed, ticket, rating=rating, comment=comment)


def _minutes(ticket: Ticket, start: datetime, minutes: int) -> datetime:
    """`minutes` of the ticket's working time after `start` (its plan's calendar)."""
    return add_working_minutes(start, minutes, Calendar.from_json(ticket.sla_calendar),
                               ticket.asset.site.timezone)


def _targets(ticket: Ticket) -> tuple[int, int]:
    response, resolution = ticket.sla_targets[ticket.severity.value]
    return response, resolution


def _filing_time(story: Story, days_ago: int, tz: str) -> datetime:
    """A moment in the working day, `days_ago` days before now, on the site's clock."""
    day = story.now.astimezone(ZoneInfo(tz)).date() - timedelta(days=days_ago)
    minute = story.rng.randint(8 * 60 + 40, 16 * 60 + 30)
    local = datetime.combine(day, time(minute // 60, minute % 60), ZoneInfo(tz))
    return local.astimezone(story.now.tzinfo)


def _work_until_resolved(story: Story, ticket: Ticket, acked: datetime, budget: int,
                         fault: tuple) -> datetime:
    """On the way and on site (or remote), resolved `budget` working minutes after `acked`;
    on a late ticket the deadline sweep escalates on the way."""
    _category, _text, note, work_type, part = fault
    rng = story.rng
    if work_type is WorkType.ON_SITE:
        story.move(ticket, Status.ON_THE_WAY, acked + timedelta(minutes=rng.randint(3, 10)))
        story.check_in(ticket, _minutes(ticket, acked, max(15, budget // 3)))
    else:
        story.move(ticket, Status.IN_PROGRESS, acked + timedelta(minutes=rng.randint(2, 8)))
    done = _minutes(ticket, acked, budget)
    if done > ticket.resolution_due_at:
        story.sweep(ticket, ticket.resolution_due_at + timedelta(minutes=1))
    story.resolve(ticket, done, note, work_type, rng.choice([30, 45, 60, 90, 120]), part)
    return done


def _closed(story: Story, asset: Asset, days_ago: int, fault: tuple, tech: User,
            kind: str = "rated") -> Ticket:
    """One ticket from filing to closed. kind: rated | auto (closed by the system) |
    late (fixed after its deadline) | slow (answered after its deadline) | reopened."""
    rng = story.rng
    severity = rng.choices([S.CRITICAL, S.MAJOR, S.MINOR], [2, 5, 4])[0]
    filed = _filing_time(story, days_ago, asset.site.timezone)
    ticket = story.file(asset, filed, severity, fault[0], fault[1])
    story.assign(ticket, tech, filed + timedelta(minutes=rng.randint(2, 6)))
    response, resolution = _targets(ticket)
    if kind == "slow":
        story.sweep(ticket, ticket.response_due_at + timedelta(minutes=1))
        ack_after = response + rng.randint(30, 90)
    else:
        ack_after = max(8, int(response * rng.uniform(0.1, 0.25)))
    acked = _minutes(ticket, filed, ack_after)
    story.move(ticket, Status.ACKNOWLEDGED, acked)
    if kind == "late":  # fixed 2 to 5 working hours after the deadline
        budget = resolution - ack_after + rng.randint(120, 300)
    else:
        budget = max(20, int(min(resolution, 720) * rng.uniform(0.4, 0.8)) - ack_after)
    done = _work_until_resolved(story, ticket, acked, budget, fault)
    if kind == "reopened":
        back = done + timedelta(hours=rng.randint(2, 5))
        story.at(ticket, back, work.reopen_by_requester, ticket,
                 "用了半天又出现同样的问题 / the same fault came back after half a day")
        again = _minutes(ticket, back, rng.randint(60, 150))
        story.check_in(ticket, again)
        done = _minutes(ticket, again, rng.randint(60, 120))
        story.resolve(ticket, done, "找到根本原因：接线端子松动，已紧固并复查 / root cause: a "
                      "loose terminal, tightened and rechecked", WorkType.ON_SITE, 90)
    if kind == "auto":
        days = current_app.config["AUTOCLOSE_DAYS"]
        story.at(ticket, done + timedelta(days=days, minutes=3), work.auto_close, ticket,
                 now=done + timedelta(days=days, minutes=3))
    else:
        rating = 3 if kind == "reopened" else 4 if kind in ("late", "slow") else \
            rng.choice([5, 5, 5, 4])
        story.rate(ticket, done + timedelta(minutes=rng.randint(20, 300)), rating)
    return ticket


def _history(story: Story, assets: dict[str, Asset]) -> None:
    """Four months of closed tickets, oldest first, spread over both technicians."""
    rng = story.rng
    wang, li = story.technicians
    # The special cases sit on fast plans far enough back for every step to be over.
    cases = [(74, assets["EQ-00106"], FAULTS[6], wang, "late"),  # level A, 7×24
             (47, assets["EQ-00103"], FAULTS[1], li, "slow"),  # 8 h site, office hours
             (33, assets["EQ-00105"], FAULTS[0], wang, "reopened")]  # 24 h site
    pool = [a for tag, a in assets.items() if tag != "EQ-00101"]  # new in warranty: no history
    free = [d for d in range(7, HISTORY_DAYS) if d not in {c[0] for c in cases}]
    for n, days_ago in enumerate(rng.sample(free, ROUTINE)):
        kind = "auto" if days_ago > 20 and rng.random() < 0.2 else "rated"
        cases.append((days_ago, rng.choice(pool), rng.choice(FAULTS), (wang, li)[n % 2], kind))
    for days_ago, asset, fault, tech, kind in sorted(cases, key=lambda c: -c[0]):
        _closed(story, asset, days_ago, fault, tech, kind)  # numbered in filing order


def _ago(story: Story, hours: float) -> datetime:
    return story.now - timedelta(hours=hours)


def _open_jobs(story: Story, assets: dict[str, Asset]) -> None:
    """Today's work, in filing order: each technician's jobs in different states, two
    waiting for the requester's confirmation, two new ones for the dispatcher."""
    wang, li = story.technicians
    a, h = assets, (lambda hours: _ago(story, hours))
    press = story.file(a["EQ-00104"], h(5 * 24), S.MAJOR, C.ERROR,
                       "液压站报警 E-217，射胶压力不足 / hydraulic alarm E-217, low injection "
                       "pressure")
    story.assign(press, wang, h(5 * 24 - 0.1))
    story.move(press, Status.ACKNOWLEDGED, h(5 * 24 - 0.5))
    story.move(press, Status.ON_THE_WAY, h(5 * 24 - 0.6))
    story.check_in(press, h(5 * 24 - 2))
    story.at(press, h(5 * 24 - 3.5), work.log_work, press, wang, work_type=WorkType.ON_SITE,
             minutes=90, notes="比例阀卡滞，需更换 / proportional valve sticks, needs replacing")
    story.move(press, Status.WAITING_PARTS, h(5 * 24 - 3.6),
               "等待比例阀到货 / waiting for the proportional valve")

    belt = story.file(a["EQ-00107"], h(2 * 24), S.MINOR, C.QUALITY,
                      "输送皮带跑偏 / conveyor belt runs off track")
    story.assign(belt, li, h(2 * 24 - 0.2))
    story.move(belt, Status.ACKNOWLEDGED, h(2 * 24 - 1))
    story.move(belt, Status.IN_PROGRESS, h(2 * 24 - 1.2))
    story.move(belt, Status.WAITING_PARTS, h(2 * 24 - 2),
               "皮带边缘磨损，等待新皮带 / belt edge worn, waiting for a new belt")

    for tag, tech, fault in (("EQ-00110", li, FAULTS[3]), ("EQ-00102", wang, FAULTS[2])):
        ticket = story.file(a[tag], h(28), S.MAJOR, fault[0], fault[1])
        story.assign(ticket, tech, h(27.9))
        story.move(ticket, Status.ACKNOWLEDGED, h(27.5))
        if fault[3] is WorkType.ON_SITE:
            story.check_in(ticket, h(26))
        else:
            story.move(ticket, Status.IN_PROGRESS, h(27.4))
        story.resolve(ticket, h(3), fault[2], fault[3], 45)

    labels = story.file(a["EQ-00108"], h(26), S.MINOR, C.ERROR,
                        "贴标位置偏移 / labels land off position")
    story.assign(labels, li, h(25.9))
    story.move(labels, Status.ACKNOWLEDGED, h(25))
    story.check_in(labels, h(23))
    story.move(labels, Status.WAITING_CUSTOMER, h(22.5),
               "请客户提供新标签样张 / waiting for the customer's new label sample")

    air = story.file(a["EQ-00103"], h(3.2), S.MAJOR, C.MECHANICAL,
                     "排气温度高，自动停机 / discharge temperature high, it trips")
    story.assign(air, wang, h(3.1))
    story.move(air, Status.ACKNOWLEDGED, h(2.9))
    story.move(air, Status.ON_THE_WAY, h(0.4))

    stacker = story.file(a["EQ-00105"], h(2), S.CRITICAL, C.NO_POWER,
                         "堆垛机停在 3 巷道，伺服无电 / stacker stopped in aisle 3, servo has "
                         "no power")
    story.assign(stacker, li, h(1.95))
    story.move(stacker, Status.ACKNOWLEDGED, h(1.85))
    story.move(stacker, Status.ON_THE_WAY, h(1.7))
    story.check_in(stacker, h(0.6))

    story.file(a["EQ-00111"], h(1.2), S.MINOR, C.MECHANICAL,
               "打包带卡住，无法送带 / strap jams and will not feed")

    wms = story.file(a["EQ-00106"], h(0.85), S.CRITICAL, C.SOFTWARE,
                     "WMS 界面无法登录 / WMS screen will not log in")
    story.assign(wms, wang, h(0.8))
    story.move(wms, Status.ACKNOWLEDGED, h(0.7))

    story.file(a["EQ-00112"], h(0.2), S.MAJOR, C.ERROR,
               "分拣口 7 卡包 / parcels jam at chute 7")


def tell(now: datetime, seed: int, staff: list[User], assets: list[Asset]) -> None:
    """Add the demo's tickets: closed history first, then the open jobs, as of `now`; then
    the deadline sweep runs once, as cron would have, so what is overdue is recorded."""
    story = Story(now=now, rng=random.Random(seed),  # noqa: S311 -- a repeatable demo
                  dispatcher=next(u for u in staff if u.role is Role.DISPATCHER),
                  technicians=[u for u in staff if u.role is Role.TECHNICIAN],
                  terms=Terms.from_config(current_app.config),
                  soon_percent=current_app.config["NOTIFY_SOON_PERCENT"])
    by_tag = {a.tag: a for a in assets}
    _history(story, by_tag)
    _open_jobs(story, by_tag)
    for ticket in db.session.scalars(sa.select(Ticket).where(
            Ticket.status.in_(OPEN_STATUSES), Ticket.paused_at.is_(None))).all():
        story.sweep(ticket, now)
