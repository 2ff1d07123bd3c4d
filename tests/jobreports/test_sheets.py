"""The service sheet (服务报告单): what is frozen and sealed, the PDF in Chinese and English,
corrections as new versions, tampering refused, signing with and without a drawing."""

import base64
import hashlib
import io
import json
import os

import sqlalchemy as sa
from flask import current_app
from jobreports.conftest import pdf_text, resolved_on_site
from PIL import Image, ImageDraw

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.jobreports import pdf, services
from repairapp.jobreports.models import JobReport
from repairapp.tickets import work
from repairapp.tickets.models import Status, WorkType

SIGN = "/job-report/ticket/{}/sign"


def _png_data_url(size=(600, 200), fmt="PNG", mode="RGBA") -> str:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).line([(20, 150), (200, 40), (380, 160), (560, 50)],
                               fill=(11, 31, 58, 255) if mode == "RGBA" else "black", width=6)
    out = io.BytesIO()
    image.save(out, fmt)
    return f"data:image/png;base64,{base64.b64encode(out.getvalue()).decode()}"


def _sign(job, tech, name="陈经理", png=None):
    report = services.sign(job, tech, signer_name=name, signature_png=png,
                           tax_percent=current_app.config["TAX_RATE_PERCENT"])
    db.session.commit()
    return report


def _reports() -> list[JobReport]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(JobReport).order_by(JobReport.id)))


def test_signing_freezes_the_facts_and_seals_them(job, tech):
    """The content holds the machine, fault, work, times, parts, amounts (a visit at ¥800.00,
    6% contained: ¥45.28), coverage, engineer and signer; its hash is SHA-256 of its JSON."""
    report = _sign(job, tech)
    c = report.content
    assert (c["machine"]["tag"], c["machine"]["model"]) == ("EQ-07001", "GA-37")
    assert c["ticket"]["category"] == "no_power" and c["ticket"]["number"] == job.number
    assert c["work_done"] == "更换保险丝 / replaced the fuse"
    assert c["times"]["on_site_minutes"] == 45 and c["times"]["arrived_at"] is not None
    assert c["parts"] == [{"description": "Fuse 10A", "quantity": 2}]
    assert [(li["kind"], li["amount"]) for li in c["amounts"]["lines"]] == \
        [("visit", "800.00"), ("part", None)]
    assert (c["amounts"]["total"], c["amounts"]["tax"]) == ("800.00", "45.28")
    assert c["coverage"]["state"] == "not_covered" and c["amounts"]["chargeable"]
    assert c["engineer"] == {"name": "王工 Wang", "others": []}
    assert c["signature"]["name"] == "陈经理" and c["signature"]["png_sha256"] is None
    assert c["version"] == 1 and c["corrects"] is None
    by_hand = hashlib.sha256(json.dumps(c, sort_keys=True, ensure_ascii=False,
                                        separators=(",", ":")).encode()).hexdigest()
    assert report.content_sha256 == by_hand and services.is_intact(_reports()[0])


def test_pdf_text_in_chinese_and_english(client, auth, job, tech):
    """The PDF names machine, fault, work, parts, amounts, engineer, signer and the hash."""
    report = _sign(job, tech)
    auth.login(tech.email)
    zh = client.get(f"/job-report/{report.id}.pdf?lang=zh")
    en = client.get(f"/job-report/{report.id}.pdf?lang=en")
    assert zh.headers["Content-Type"] == "application/pdf" and zh.data.startswith(b"%PDF")
    for text in (pdf_text(zh.data), pdf_text(en.data)):
        for fact in ("EQ-07001", "GA-37", "开机无反应 / no power", "更换保险丝 / replaced the fuse",
                     "Fuse 10A", "¥800.00", "¥45.28", "王工 Wang", "陈经理", job.number,
                     report.content_sha256):
            assert fact in text, fact
    zh_text, en_text = pdf_text(zh.data), pdf_text(en.data)
    assert "服务报告单" in zh_text and "客户签字" in zh_text and "无法启动或不通电" in zh_text
    assert "Service sheet" in en_text and "Won't start / no power" in en_text
    assert "On-site visit" in en_text and "Not covered" in en_text


def test_the_pdf_is_the_same_bytes_every_time(job, tech):
    """Rendered twice from the same content, the PDF is identical (nothing else is stored)."""
    report = _sign(job, tech, png=base64.b64decode(_png_data_url().split(",")[1]))
    first = pdf.render(report, report.signature_png, locale="zh")
    assert first == pdf.render(report, report.signature_png, locale="zh")


def test_a_correction_is_a_new_version_that_says_what_it_corrects(client, auth, job, tech):
    """The desk corrects: version 2 names version 1, what changed and the changed section;
    version 1 is untouched and still downloads."""
    v1 = _sign(job, tech)
    sealed = v1.content_sha256
    desk = f.user(Role.DISPATCHER)
    auth.login(desk.email)
    client.set_cookie("lang", "en")
    answer = auth.post(f"/job-report/{v1.id}/correct", {
        "work_done": "更换保险丝并检查接线 / replaced the fuse, checked the wiring",
        "change_note": "Wiring check left out of the first sheet"})
    assert answer.status_code == 302
    first, second = _reports()
    assert (first.content_sha256, first.version, first.signer_name) == (sealed, 1, "陈经理")
    assert second.version == 2 and second.supersedes_id == first.id
    assert second.content["corrects"]["version"] == 1
    assert second.content["corrects"]["signed"]["name"] == "陈经理"
    assert second.content["changed"] == ["work_done"] and second.signer_name == ""
    text = pdf_text(client.get(f"/job-report/{second.id}.pdf?lang=en").data)
    assert "corrects version 1" in text and "Wiring check left out of the first sheet" in text
    assert "checked the wiring" in text and "Signed by 陈经理" in text
    zh = pdf_text(client.get(f"/job-report/{second.id}.pdf?lang=zh").data)
    assert "更正" in zh and "版本 1" in zh
    assert "replaced the fuse" in pdf_text(client.get(f"/job-report/{first.id}.pdf").data)


def test_a_correction_needs_a_note_and_the_latest_version(client, auth, job, tech):
    """Without "what changed" nothing is saved; an older version cannot be corrected."""
    v1 = _sign(job, tech)
    desk = f.user(Role.DISPATCHER)
    auth.login(desk.email)
    client.set_cookie("lang", "en")
    page = auth.post(f"/job-report/{v1.id}/correct", {"change_note": ""})
    assert page.status_code == 422 and "Say what this correction changes." in page.text
    assert len(_reports()) == 1
    services.correct(v1, desk, change_note="Amounts", work_done="x",
                     tax_percent=current_app.config["TAX_RATE_PERCENT"])
    db.session.commit()
    stale = auth.post(f"/job-report/{v1.id}/correct", {"change_note": "Again"},
                      page_url=f"/job-report/{v1.id}/correct", follow_redirects=True)
    assert "There is a newer version" in stale.text and len(_reports()) == 2


def test_a_tampered_row_is_not_served(client, auth, job, tech):
    """Content changed in the database after signing: staff and tracking link get a refusal."""
    report = _sign(job, tech)
    changed = {**report.content, "work_done": "nothing was done"}
    db.session.execute(sa.update(JobReport).where(JobReport.id == report.id)
                       .values(content=changed))
    db.session.commit()
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    staff = client.get(f"/job-report/{report.id}.pdf")
    assert staff.status_code == 409 and b"%PDF" not in staff.data
    assert "no longer matches the hash" in staff.text
    public = client.get(f"/job-report/t/{job.tracking_token}/v1.pdf")
    assert public.status_code == 409


def test_a_swapped_signature_or_signer_is_caught(job, tech):
    """The row's signer and image must be the ones the sealed content names."""
    report = _sign(job, tech, png=base64.b64decode(_png_data_url().split(",")[1]))
    db.session.execute(sa.update(JobReport).values(signer_name="Someone else"))
    db.session.commit()
    assert not services.is_intact(_reports()[0])
    db.session.execute(sa.update(JobReport).values(signer_name="陈经理",
                                                   signature_png=b"\x89PNG other"))
    db.session.commit()
    assert not services.is_intact(_reports()[0])
    assert report.content["signature"]["png_sha256"]


def test_without_javascript_the_typed_name_signs(client, auth, job, tech):
    """The form as a browser without JavaScript sends it: an empty drawing, the typed name."""
    auth.login(tech.email)
    answer = auth.post(SIGN.format(job.id), {"signer_name": "陈经理"})
    assert answer.status_code == 302 and answer.location.endswith(f"/tickets/{job.id}#job-report")
    [report] = _reports()
    assert report.signer_name == "陈经理" and report.signature_png is None
    assert report.created_by_id == tech.id and services.is_intact(report)
    client.set_cookie("lang", "en")
    text = pdf_text(client.get(f"/job-report/{report.id}.pdf?lang=en").data)
    assert "Signed with the typed name only." in text and "Signed by 陈经理" in text


def test_a_drawn_signature_is_reencoded_and_printed(client, auth, job, tech):
    """A PNG from the pad is stored re-encoded (grey with alpha) and its hash sealed."""
    auth.login(tech.email)
    auth.post(SIGN.format(job.id), {"signer_name": "陈经理", "signature": _png_data_url()})
    [report] = _reports()
    with Image.open(io.BytesIO(report.signature_png)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "LA", (600, 200))
    assert report.content["signature"]["png_sha256"] == \
        hashlib.sha256(report.signature_png).hexdigest()
    response = client.get(f"/job-report/{report.id}.pdf")
    assert response.status_code == 200 and b"/Subtype /Image" in response.data


def _refused(client, auth, job, signature: str, message: str):
    page = auth.post(SIGN.format(job.id), {"signer_name": "陈经理", "signature": signature})
    assert page.status_code == 422 and message in page.text
    assert 'value="陈经理"' in page.text  # the typed name is kept
    assert 'name="signature" type="hidden" value=""' in page.text  # the pad starts empty
    assert _reports() == []


def test_a_signature_that_is_not_a_png_is_refused(client, auth, job, tech):
    """A JPEG posing as PNG, or not an image at all: a clear message, nothing written."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    jpeg = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(jpeg, "JPEG")
    fake = "data:image/png;base64," + base64.b64encode(jpeg.getvalue()).decode()
    _refused(client, auth, job, fake, "only a PNG image from the signature pad")
    _refused(client, auth, job, "data:text/html;base64,PHNjcmlwdD4=", "could not be read")
    _refused(client, auth, job, "data:image/png;base64,@@@", "could not be read")


def test_a_huge_signature_is_refused(client, auth, job, tech):
    """Too many pixels, or too many bytes: a clear message, nothing written."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    _refused(client, auth, job, _png_data_url(size=(4000, 1000)), "too large")
    noise = Image.frombytes("L", (1000, 1000), os.urandom(1000 * 1000))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 300 * 1024
    _refused(client, auth, job,
             "data:image/png;base64," + base64.b64encode(out.getvalue()).decode(), "too large")


def test_a_blank_pad_counts_as_no_drawing(client, auth, job, tech):
    """An untouched canvas sent anyway signs by the typed name alone."""
    blank = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, "PNG")
    auth.login(tech.email)
    auth.post(SIGN.format(job.id), {
        "signer_name": "陈经理",
        "signature": "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()})
    [report] = _reports()
    assert report.signature_png is None


def test_signing_twice_is_refused(client, auth, job, tech):
    """Once signed for this resolution, the sign page sends back to the ticket."""
    _sign(job, tech)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get(SIGN.format(job.id), follow_redirects=True)
    assert "Nothing to sign" in page.text and len(_reports()) == 1


def test_a_job_resolved_remotely_has_no_sheet_to_sign(client, auth, tech):
    """Nobody was at the machine: there is no customer signature to take."""
    ticket = f.ticket(assignee=tech, status=Status.ACKNOWLEDGED)
    work.resolve(ticket, tech, resolution_note="Reset remotely", work_type=WorkType.REMOTE)
    db.session.commit()
    assert not services.can_sign(ticket)
    auth.login(tech.email)
    assert client.get(SIGN.format(ticket.id)).status_code == 302
    assert "sign-sheet" not in client.get(f"/tickets/{ticket.id}").text


def test_reopened_and_resolved_again_is_signed_again_as_version_2(job, tech):
    """The requester reopens, the technician fixes it again on site: the customer signs a
    second version, which replaces the first."""
    v1 = _sign(job, tech)
    work.reopen_by_requester(job, "Still no power")
    work.check_in(job, tech)
    work.resolve(job, tech, resolution_note="更换继电器 / replaced the relay",
                 work_type=WorkType.ON_SITE, minutes=30)
    db.session.commit()
    v2 = _sign(job, tech, name="陈经理")
    assert (v2.version, v2.supersedes_id, v2.content["corrects"]["version"]) == (2, v1.id, 1)
    assert v2.content["times"]["on_site_minutes"] == 75
    text = pdf_text(pdf.render(v2, None, locale="en"))
    assert "reopened and resolved again" in text


def test_the_tracking_page_links_every_version_without_login(client, job, tech):
    """The requester's tracking link lists the sheet and downloads it; a wrong token: 404."""
    report = _sign(job, tech)
    client.set_cookie("lang", "en")
    page = client.get(f"/t/{job.tracking_token}").text
    assert "Service sheet" in page and f"/job-report/t/{job.tracking_token}/v1.pdf" in page
    answer = client.get(f"/job-report/t/{job.tracking_token}/v1.pdf")
    assert answer.status_code == 200 and report.content_sha256 in pdf_text(answer.data)
    assert answer.headers["Cache-Control"] == "no-store"
    assert client.get(f"/job-report/t/{'x' * 43}/v1.pdf").status_code == 404
    assert client.get(f"/job-report/t/{job.tracking_token}/v2.pdf").status_code == 404


def test_the_requester_is_emailed_a_link_to_the_pdf(app, smtp, tech):
    """With an address on the ticket, signing queues one email with the PDF's link."""
    from repairapp.notifications import outbox
    from repairapp.notifications.transports import Smtp

    job = resolved_on_site(email="chen@customer.cn", locale="en", technician=tech)
    _sign(job, tech)
    outbox.deliver_due(Smtp.from_config(app.config))
    sheet = [m for m in smtp.to("chen@customer.cn") if "service sheet" in m["Subject"]]
    assert len(sheet) == 1
    body = sheet[0].get_content()
    assert f"/job-report/t/{job.tracking_token}/v1.pdf" in body and "陈经理" in body
    assert f"/t/{job.tracking_token}" in body


def test_resolving_on_site_leads_to_the_sign_page(client, auth, tech):
    """The technician's resolve form, on site: next is the customer's signature; remote: the
    ticket page."""
    at_machine = f.ticket(assignee=tech, status=Status.ON_SITE)
    remote = f.ticket(assignee=tech, status=Status.ACKNOWLEDGED)
    auth.login(tech.email)
    for ticket, kind, where in ((at_machine, "on_site", SIGN.format(at_machine.id)),
                                (remote, "remote", f"/tickets/{remote.id}")):
        answer = auth.post(f"/tickets/{ticket.id}/resolve",
                           {"work_type": kind, "notes": "Replaced the fuse", "minutes": "30"},
                           page_url=f"/tickets/{ticket.id}")
        assert answer.status_code == 302 and answer.location == where
