"""The customer's signed inspection report (one visit) and the round (one technician's visits
at one site due on one day, in order, one signature for all): services on both databases,
routes as a phone without JavaScript sends them (the typed name signs), the PDF's text."""

import base64
import io
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from jobreports.conftest import pdf_text
from maintenance.data import CHECKS, plan
from PIL import Image

import factories as f
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance import inspection, report_pdf, reports, rounds
from repairapp.maintenance.models import InspectionReport, MaintenanceVisit, VisitStatus
from repairapp.tickets.models import Ticket

DAY = date(2030, 3, 4)


def _visit(tech, asset, day=DAY, name="Quarterly inspection") -> MaintenanceVisit:
    new = plan(asset, start=day, engineer=tech, items=CHECKS, name=name)
    visit = MaintenanceVisit(plan_id=new.id, asset_id=asset.id, period_key=day.isoformat(),
                             due_date=day, assignee_id=tech.id if tech else None,
                             status=VisitStatus.PLANNED)
    db.session.add(visit)
    db.session.commit()
    return visit


def _done(visit, tech, fan="pass", volts="221", note=""):
    """Start and complete the visit as the technician would (a failed fan opens a ticket)."""
    inspection.start(visit, tech)
    ids = [item.id for item in visit.plan.checks]
    with force_locale("en"):  # a failed check's ticket is described in words
        inspection.complete(visit, tech, {
            ids[0]: inspection.Answer(fan, note), ids[1]: inspection.Answer(volts),
            ids[2]: inspection.Answer("Dusty room")})
    db.session.commit()
    db.session.refresh(visit)
    return visit


@pytest.fixture
def site():
    return f.site(name="Plant 3", contact_name="陈主管 Chen")


@pytest.fixture
def day_round(tech, site):
    """Three visits of `tech` at `site` due on DAY, plus visits that are not of that round:
    another day, another site, another technician, one cancelled."""
    machines = [f.asset(site=site, tag=t, name=n) for t, n in (
        ("EQ-30003", "Compressor C"), ("EQ-30001", "Compressor A"), ("EQ-30002", "Chiller B"))]
    ours = [_visit(tech, m) for m in machines]
    _visit(tech, f.asset(site=site), DAY + timedelta(days=1))
    _visit(tech, f.asset())
    _visit(f.user(), f.asset(site=site))
    cancelled = _visit(tech, f.asset(site=site))
    cancelled.status = VisitStatus.CANCELLED
    db.session.commit()
    return ours


def test_a_round_is_the_technicians_visits_at_the_site_that_day_by_tag(tech, day_round):
    """Exactly the three visits, by asset tag until the technician reorders them."""
    found = rounds.round_of(day_round[0])
    assert [v.asset.tag for v in found] == ["EQ-30001", "EQ-30002", "EQ-30003"]
    assert all(rounds.round_of(v) == found for v in day_round)


def test_the_technician_reorders_the_round_and_the_order_holds(tech, day_round):
    last = day_round[0]  # EQ-30003, third by tag
    rounds.move(last, -1)
    rounds.move(last, -1)
    rounds.move(last, -1)  # already first: stays
    db.session.commit()
    db.session.expire_all()
    found = rounds.round_of(day_round[1])
    assert [v.asset.tag for v in found] == ["EQ-30003", "EQ-30001", "EQ-30002"]
    assert [v.round_position for v in found] == [0, 1, 2]
    rounds.move(found[1], 1)
    db.session.commit()
    assert [v.asset.tag for v in rounds.round_of(last)] == ["EQ-30003", "EQ-30002", "EQ-30001"]
    assert rounds.next_visit(rounds.round_of(last)).asset.tag == "EQ-30003"


def test_a_visit_is_signed_once_and_the_content_is_sealed(tech):
    """The report freezes each check, the ticket the failed one opened, the technician and
    times; its hash checks out; a second signature is refused and changes nothing."""
    visit = _done(_visit(tech, f.asset(tag="EQ-31001")), tech, fan="fail", note="Bearing")
    ticket = db.session.scalars(sa.select(Ticket)).one()
    report = reports.sign([visit], tech, signer_name=" 陈主管 ", signature_png=None,
                          is_round=False)
    db.session.commit()
    content = report.content
    assert report.signer_name == "陈主管" and content["kind"] == "visit"
    assert content["technician"] == tech.name and content["signature"]["name"] == "陈主管"
    [frozen] = content["visits"]
    assert frozen["machine"]["tag"] == "EQ-31001" and frozen["done_at"]
    fan, volts, remark = frozen["checks"]
    assert (fan["passed"], fan["ticket"], fan["note"]) == (False, ticket.number, "Bearing")
    assert (volts["value"], volts["limits"], volts["passed"]) == ("221", "210–230", True)
    assert remark["passed"] is None and remark["value"] == "Dusty room"
    assert reports.is_intact(report)
    db.session.refresh(visit)
    assert visit.report_id == report.id

    with pytest.raises(reports.NotSignable):
        reports.sign([visit], tech, signer_name="Someone", signature_png=None, is_round=False)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(InspectionReport.id))) == 1


def test_a_tampered_report_fails_its_check(tech):
    """A changed value, a visit taken out, or a swapped signer break the seal."""
    visit = _done(_visit(tech, f.asset()), tech)
    report = reports.sign([visit], tech, signer_name="Chen", signature_png=None,
                          is_round=False)
    db.session.commit()
    content = dict(report.content)
    content["visits"] = [{**content["visits"][0], "checks": []}]
    report.content = content
    db.session.commit()
    assert not reports.is_intact(report)
    again = _done(_visit(tech, f.asset()), tech)
    other = reports.sign([again], tech, signer_name="Chen", signature_png=None,
                         is_round=False)
    db.session.commit()
    other.signer_name = "Somebody else"
    db.session.commit()
    assert not reports.is_intact(other)


def test_only_done_visits_of_the_technician_are_signed(tech):
    planned = _visit(tech, f.asset())
    with pytest.raises(reports.NotSignable):
        reports.sign([planned], tech, signer_name="Chen", signature_png=None, is_round=False)
    done = _done(_visit(tech, f.asset()), tech)
    with pytest.raises(reports.NotSignable):
        reports.sign([done], f.user(), signer_name="Chen", signature_png=None, is_round=False)
    with pytest.raises(ValueError):
        reports.sign([done], tech, signer_name="  ", signature_png=None, is_round=False)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(InspectionReport.id))) == 0


def test_the_round_report_covers_exactly_the_days_visits_in_order(tech, day_round):
    """One signature for the round: the three visits in the technician's order, none of the
    others; each visit points at it; the visits can be signed no more, alone or again."""
    for visit in day_round:
        _done(visit, tech, fan="fail" if visit.asset.tag == "EQ-30002" else "pass")
    rounds.move(day_round[0], -1)  # EQ-30003 before EQ-30002
    db.session.commit()
    visits = rounds.round_of(day_round[0])
    report = reports.sign(visits, tech, signer_name="陈主管 Chen", signature_png=None,
                          is_round=True)
    db.session.commit()
    content = report.content
    assert content["kind"] == "round" and report.is_round and report.day == DAY
    assert [v["machine"]["tag"] for v in content["visits"]] == ["EQ-30001", "EQ-30003",
                                                                "EQ-30002"]
    covered = set(db.session.scalars(sa.select(MaintenanceVisit.id)
                                     .where(MaintenanceVisit.report_id == report.id)))
    assert covered == {v.id for v in day_round}
    assert content["site"] == {"name": "Plant 3", "address": "1 Factory Road",
                               "contact": "陈主管 Chen"}
    assert reports.is_intact(report)
    for again in ([day_round[1]], rounds.round_of(day_round[0])):
        with pytest.raises(reports.NotSignable):
            reports.sign(again, tech, signer_name="X", signature_png=None, is_round=True)
        db.session.rollback()


def test_a_round_is_signed_only_when_every_visit_is_done(tech, day_round):
    _done(day_round[0], tech)
    assert not rounds.is_complete(rounds.round_of(day_round[0]))
    assert rounds.next_visit(rounds.round_of(day_round[0])).asset.tag == "EQ-30001"


def test_the_round_pdf_lists_each_machine_and_the_signer(app, tech, day_round):
    for visit in day_round:
        _done(visit, tech, fan="fail" if visit.asset.tag == "EQ-30002" else "pass",
              note="Noisy bearing" if visit.asset.tag == "EQ-30002" else "")
    report = reports.sign(rounds.round_of(day_round[0]), tech, signer_name="陈主管 Chen",
                          signature_png=None, is_round=True)
    db.session.commit()
    ticket = db.session.scalars(sa.select(Ticket)).one()
    en = pdf_text(report_pdf.render(report, None, locale="en"))
    for text in ("Inspection round report", "Plant 3", "EQ-30001", "EQ-30002", "EQ-30003",
                 "Compressor A", "Chiller B", "Fan runs quietly", "Noisy bearing",
                 "221 (allowed 210–230)", ticket.number, tech.name, "Signed by 陈主管 Chen",
                 "Signed with the typed name only.", report.content_sha256):
        assert text in en, text
    assert en.index("EQ-30001") < en.index("EQ-30002") < en.index("EQ-30003")
    zh = pdf_text(report_pdf.render(report, None, locale="zh"))
    assert "巡检" in zh and "陈主管 Chen" in zh and ticket.number in zh
    assert report_pdf.render(report, None, locale="en") == \
        report_pdf.render(report, None, locale="en")


SIGN = "/maintenance/visits/{}/sign"
ROUND = "/maintenance/visits/{}/round"


def test_without_javascript_the_typed_name_signs_one_visit(client, auth, tech):
    """A phone without JavaScript: the form sends an empty drawing and the typed name; the
    visit page then links the PDF."""
    visit = _done(_visit(tech, f.asset(tag="EQ-32001")), tech, fan="fail")
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get(f"/maintenance/visits/{visit.id}").get_data(as_text=True)
    assert SIGN.format(visit.id) in page
    form = client.get(SIGN.format(visit.id)).get_data(as_text=True)
    assert "Fan runs quietly" in form and 'id="sign-pad" hidden' in form
    answer = auth.post(SIGN.format(visit.id), {"signer_name": "陈经理", "signature": ""})
    assert answer.status_code == 302
    [report] = db.session.scalars(sa.select(InspectionReport)).all()
    assert report.signer_name == "陈经理" and report.signature_png is None
    page = client.get(f"/maintenance/visits/{visit.id}").get_data(as_text=True)
    assert f"/maintenance/reports/{report.id}.pdf" in page
    text = pdf_text(client.get(f"/maintenance/reports/{report.id}.pdf?lang=en").data)
    assert "Inspection report" in text and "EQ-32001" in text and "Signed by 陈经理" in text

    again = client.get(SIGN.format(visit.id))
    assert again.status_code == 302  # nothing left to sign
    assert db.session.scalar(sa.select(sa.func.count(InspectionReport.id))) == 1


def test_a_name_is_required_and_a_bad_drawing_is_refused(client, auth, tech):
    visit = _done(_visit(tech, f.asset()), tech)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    empty = auth.post(SIGN.format(visit.id), {"signer_name": ""})
    assert empty.status_code == 422
    assert "The customer types their name to sign." in empty.get_data(as_text=True)
    bad = auth.post(SIGN.format(visit.id), {"signer_name": "Chen",
                                            "signature": "data:image/png;base64,AAAA"})
    assert bad.status_code == 422 and "could not be read" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(InspectionReport.id))) == 0


def _png_data_url() -> str:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    image.paste((10, 10, 10, 255), (50, 90, 550, 110))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_the_round_page_orders_and_the_contact_signs_once(client, auth, tech, day_round):
    """The round page lists the three machines; moving one changes the order; once all
    are done the site contact (prefilled) signs once, with a drawing, for the round."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    first = day_round[0]
    page = client.get(ROUND.format(first.id)).get_data(as_text=True)
    assert page.index("EQ-30001") < page.index("EQ-30002") < page.index("EQ-30003")
    assert "Customer signs the round report" not in page
    moved = auth.post(f"{ROUND.format(first.id)}/move", {"direction": "up"},
                      page_url=ROUND.format(first.id))
    assert moved.status_code == 302
    page = client.get(ROUND.format(first.id)).get_data(as_text=True)
    assert page.index("EQ-30001") < page.index("EQ-30003") < page.index("EQ-30002")
    refused = client.get(f"{ROUND.format(first.id)}/sign")
    assert refused.status_code == 302  # not every visit is done
    for visit in day_round:
        _done(visit, tech)
    page = client.get(ROUND.format(first.id)).get_data(as_text=True)
    assert "Customer signs the round report" in page
    form = client.get(f"{ROUND.format(first.id)}/sign").get_data(as_text=True)
    assert 'value="陈主管 Chen"' in form  # the site's contact, prefilled
    answer = auth.post(f"{ROUND.format(first.id)}/sign",
                       {"signer_name": "陈主管 Chen", "signature": _png_data_url()})
    assert answer.status_code == 302
    [report] = db.session.scalars(sa.select(InspectionReport)).all()
    assert report.is_round and report.signature_png and reports.is_intact(report)
    assert [v["machine"]["tag"] for v in report.content["visits"]] == [
        "EQ-30001", "EQ-30003", "EQ-30002"]
    page = client.get(ROUND.format(first.id)).get_data(as_text=True)
    assert f"/maintenance/reports/{report.id}.pdf" in page
    assert client.get(f"{ROUND.format(first.id)}/sign").status_code == 302
    double = auth.post(f"{ROUND.format(first.id)}/sign", {"signer_name": "X"},
                       page_url=ROUND.format(first.id))
    assert double.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(InspectionReport.id))) == 1


def test_my_jobs_names_the_round(client, auth, tech, site):
    today = utcnow().date()
    for tag in ("EQ-33001", "EQ-33002"):
        _visit(tech, f.asset(site=site, tag=tag), today)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get("/jobs/").get_data(as_text=True)
    assert page.count("Round: 2 machines at Plant 3") == 1


def test_another_technician_never_sees_the_report(client, auth, tech):
    visit = _done(_visit(tech, f.asset()), tech)
    report = reports.sign([visit], tech, signer_name="Chen", signature_png=None,
                          is_round=False)
    db.session.commit()
    auth.login(f.user().email)
    assert client.get(f"/maintenance/reports/{report.id}.pdf").status_code == 404
    assert client.get(ROUND.format(visit.id)).status_code == 404


def test_a_tampered_report_is_not_served(client, auth, tech):
    visit = _done(_visit(tech, f.asset()), tech)
    report = reports.sign([visit], tech, signer_name="Chen", signature_png=None,
                          is_round=False)
    db.session.commit()
    report.content = {**report.content, "technician": "Someone"}
    db.session.commit()
    auth.login(tech.email)
    assert client.get(f"/maintenance/reports/{report.id}.pdf").status_code == 409


def test_two_phones_signing_at_once_make_one_report(app, tech):
    """Two phones send the signature at the same moment: each has read the visit unsigned;
    the conditional update lets one report take it, the other is refused and rolled back."""
    visit_id = _done(_visit(tech, f.asset()), tech).id
    tech_id = tech.id
    db.session.remove()
    start, outcomes = threading.Barrier(2), []

    def sign(name: str):
        with app.app_context():
            visit = db.session.get(MaintenanceVisit, visit_id)
            by = db.session.get(type(tech), tech_id)
            assert reports.can_sign([visit])
            start.wait()
            try:
                reports.sign([visit], by, signer_name=name, signature_png=None,
                             is_round=False)
                db.session.commit()
                outcomes.append("signed")
            except reports.NotSignable:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign, args=(n,)) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    [report] = db.session.scalars(sa.select(InspectionReport)).all()
    assert db.session.get(MaintenanceVisit, visit_id).report_id == report.id
    assert reports.is_intact(report)


def test_a_round_with_a_visit_signed_alone_is_not_signed_again(client, auth, tech, day_round):
    for visit in day_round:
        _done(visit, tech)
    reports.sign([day_round[1]], tech, signer_name="Chen", signature_png=None, is_round=False)
    db.session.commit()
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get(ROUND.format(day_round[0].id)).get_data(as_text=True)
    assert "signed one by one" in page and "Customer signs the round report" not in page
    assert client.get(f"{ROUND.format(day_round[0].id)}/sign").status_code == 302
