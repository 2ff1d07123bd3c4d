"""The Chinese catalogue reads as a native speaker writes: full-width punctuation in
Chinese sentences, 名称 for things and 姓名 only for people, one word per role."""

import io
import re
from pathlib import Path

from babel.messages.pofile import read_po

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.labels.services import Selection, print_batch
from repairapp.labels.sheets import SHEETS

CATALOGUE = (Path(__file__).resolve().parent.parent
             / "repairapp/translations/zh/LC_MESSAGES/messages.po")
HAN = re.compile(r"[\u3400-\u9fff]")
#: Code-like fragments where ASCII marks are right: examples of what to type, placeholders,
#: times, decimals and date ranges.
ALLOWED = (re.compile(r"09:00-12:00, 13:00-17:00|YYYY-MM-DD|name@company\.com|https://"),
           re.compile(r"%\(\w+\)[sd]"), re.compile(r"\d[:.]\d"), re.compile(r"\.\."))
ASCII_MARK = re.compile(r"[,.:;()?!]")
SPACE_AT_FULL_WIDTH = re.compile(r" [，。：；？！、）」”]|[（：，。；、「“] ")


def ascii_marks(text: str) -> list[str]:
    """ASCII punctuation in a Chinese sentence, code-like fragments left out."""
    if not HAN.search(text):
        return []
    for fragment in ALLOWED:
        text = fragment.sub("0", text)
    return ASCII_MARK.findall(text)


def chinese() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    pairs = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[0], s) for s in strings if message.id and s]
    return pairs


def test_chinese_sentences_use_full_width_punctuation():
    """No ASCII , . : ; ( ) ? ! in a Chinese msgstr (code-like fragments aside), and no space
    between Chinese and full-width punctuation."""
    wrong = [(k, v) for k, v in chinese() if ascii_marks(v) or SPACE_AT_FULL_WIDTH.search(v)]
    assert wrong == []


def test_the_guard_catches_ascii_punctuation():
    """The rule itself: a half-width comma, colon or bracket in Chinese is caught; example
    times and placeholders are not."""
    assert ascii_marks("已保存,请稍后") == [","]
    assert ascii_marks("金额(含税):") == ["(", ")", ":"]
    assert ascii_marks("例如 09:00-12:00, 13:00-17:00（午休），共 %(n)d 行。") == []
    assert ascii_marks("Plain English, (fine).") == []
    assert SPACE_AT_FULL_WIDTH.search("已保存 。")
    assert ASCII_BY_HAN.search(visible_text("<h1>我的工单 <small>(1)</small></h1>"))
    assert not ASCII_BY_HAN.search(visible_text("<dd>A (2026-01-01)</dd><dt>收费</dt>"))


def test_names_of_things_are_mingcheng_and_roles_have_one_word():
    """姓名 only where a person's name is asked; each role is called one thing everywhere."""
    pairs = dict(chinese())
    assert all("名称" not in pairs[k] for k in ("Your name",) if k in pairs)
    people = {"Your name", "Full name", "Tell us your name.", "Type your name to approve."}
    assert [k for k, v in pairs.items() if "姓名" in v and k not in people] == []
    assert pairs["Dispatcher"] == "调度员" and pairs["Admin"] == "管理员"
    assert pairs["Technician"] == "工程师"
    assert not [k for k, v in pairs.items() if "技术员" in v or "技师" in v]


def test_roles_label_stocks_and_print_history_read_in_chinese(client, auth):
    """The accounts list names roles, and a machine's print history its stock and printer,
    in Chinese; nothing of it shows the English or the code's key."""
    admin = f.user(Role.ADMIN, name="王芳")
    f.user(Role.DISPATCHER)
    machine = f.asset()
    print_batch(Selection(tags=(machine.tag,)), SHEETS["thermal-50x30"], io.BytesIO(),
                base_url="https://r.example", vendor="维修服务", hotline="400", user=admin)
    db.session.commit()
    auth.login(admin.email)
    client.set_cookie("lang", "zh")
    accounts = client.get("/accounts/users").get_data(as_text=True)
    assert "调度员" in accounts and "管理员" in accounts
    assert "· dispatcher" not in accounts and "· admin" not in accounts
    history = client.get(f"/labels/assets/{machine.id}").get_data(as_text=True)
    assert "由 王芳 打印，标签纸：热敏标签 50×30 毫米" in history
    assert "thermal-50x30" not in history.split('name="sheet"')[0]
    assert ">热敏标签 50×30 毫米</option>" in history


def test_every_page_header_names_the_vendor_from_settings(app, client):
    """The vendor's own name (REPAIRAPP_VENDOR_NAME) heads the public and the staff pages."""
    saved, app.config["VENDOR_NAME"] = app.config["VENDOR_NAME"], "华东设备维修"
    try:
        machine = f.asset()
        db.session.commit()
        for url in (f"/r/{machine.active_label.code}", "/accounts/login"):
            page = client.get(url).get_data(as_text=True)
            assert '<span class="brand">华东设备维修</span>' in page, url
    finally:
        app.config["VENDOR_NAME"] = saved


BLOCK = r"p|div|li|dt|dd|td|th|tr|h\d|section|ul|ol|br|header|nav|form|label|button|option|table"


def visible_text(html: str) -> str:
    """The page's text as read: lines per block element, inline tags, scripts and styles
    left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "\n", html, flags=re.S)
    html = re.sub(rf"</?(?:{BLOCK})\b[^>]*>", "\n", html)
    return re.sub(r"[ \t]+", " ", re.sub(r"<[^>]+>", "", html))


#: A Chinese character next to an ASCII mark, with or without a space between.
ASCII_BY_HAN = re.compile(r"[\u3400-\u9fff] ?[,:;?!()]|[,:;?!()] ?[\u3400-\u9fff]")


def test_chinese_pages_use_full_width_punctuation(app, client, auth):
    """A ticket's pages as a Chinese requester and technician see them: no ASCII marks
    beside Chinese, on the scan page, confirmation, tracking page, ticket page and My jobs."""
    from datetime import date

    from repairapp.tickets.models import WorkType
    from repairapp.tickets.work import log_work

    tech = f.user(Role.TECHNICIAN)
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, f.plan(), date(2020, 1, 1), date(2099, 12, 31))
    ticket = f.ticket(machine, assignee=tech)
    log_work(ticket, tech, work_type=WorkType.REMOTE, minutes=30)
    db.session.commit()
    client.set_cookie("lang", "zh")
    pages = [f"/r/{machine.active_label.code}", f"/t/{ticket.tracking_token}"]
    texts = {url: visible_text(client.get(url).get_data(as_text=True)) for url in pages}
    auth.login(tech.email)
    for url in (f"/tickets/{ticket.id}", "/jobs/"):
        texts[url] = visible_text(client.get(url).get_data(as_text=True))
    wrong = {url: ASCII_BY_HAN.findall(text) for url, text in texts.items()}
    assert wrong == {url: [] for url in texts}


ADMIN_PAGES = ("/dispatch/", "/assets/", "/customers/", "/contracts/", "/contracts/plans",
               "/sla/", "/labels/", "/notifications/", "/accounts/users")


def test_chinese_admin_pages_use_full_width_punctuation(client, auth):
    """The admin's lists and record pages, with a record on each, in Chinese: no ASCII marks
    beside Chinese."""
    from datetime import date

    machine = f.asset(accepted=date(2020, 1, 1))
    deal = f.contract(machine, f.plan(), date(2020, 1, 1), date(2099, 12, 31))
    ticket = f.ticket(machine)
    admin = f.user(Role.ADMIN)
    db.session.commit()
    auth.login(admin.email)
    client.set_cookie("lang", "zh")
    urls = ADMIN_PAGES + (f"/tickets/{ticket.id}", f"/assets/{machine.id}",
                          f"/contracts/{deal.id}", f"/customers/{machine.site.customer.id}",
                          f"/labels/assets/{machine.id}")
    pages = {url: client.get(url) for url in urls}
    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(pages, 200)
    wrong = {url: ASCII_BY_HAN.findall(visible_text(page.get_data(as_text=True)))
             for url, page in pages.items()}
    assert wrong == {url: [] for url in urls}
