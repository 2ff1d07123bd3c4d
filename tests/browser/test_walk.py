"""Every page each demo role can reach, at 360×640 inside WeChat, in Chinese: nothing scrolls
sideways, tap targets are big enough, and no English UI text is left on a Chinese page.

One test per role walks the pages (the app's parameterless GET pages, plus every page linked
from them: a ticket, an asset, a customer, a contract, a calendar, a label page, the tracking
and scan pages ...), saves a screenshot of each to test-output/walk/<role>-<page>.png and
reports every problem found, all together.

The rules, measured in the browser:
- sideways scroll: the document is wider than the 360 px viewport;
- tap targets: a visible button, submit, [role=button], <summary>, tile, file input or
  button-styled link smaller than 44×44 px; any other visible link less than 24 px high.
  Every <details> is opened first, so the forms and menus inside them are measured too;
- untranslated text: a text node, button value, placeholder, title, label or the page title
  holding an ASCII word of 3+ letters once the data shown on the page (every string stored
  in the database, the vendor name, emails and web addresses) is taken out. Text marked as
  another language (lang="en", e.g. the language switch) or not for translation
  (translate="no", <code>, <kbd>, <samp>) and typed text (<textarea>) are skipped.
"""

import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import HTTPException

from browser.conftest import WECHAT_PHONE
from repairapp.assets.models import Asset
from repairapp.demo import DEMO_PASSWORD
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket

pytestmark = pytest.mark.browser

WIDTH = WECHAT_PHONE["viewport"]["width"]
TARGET = 44  # px, buttons and other tap targets, both ways
LINK_HEIGHT = 24  # px
HEADER_HEIGHT = 56  # px: one line of 44 px targets plus its padding
STAFF = {"technician": "tech1@example.com", "dispatcher": "dispatch@example.com",
         "admin": "admin@example.com"}
#: Pages each role's walk must reach (more are found by following links).
MUST_SEE = {
    "requester": {"scan-EQ-00101", "scan-form-errors", "tracking-submitted", "tracking-new",
                  "accounts-login"},
    "technician": {"jobs-index", "tickets-detail", "scan-staff", "accounts-password"},
    "dispatcher": {"dispatch-index", "tickets-detail", "ticket-new", "scan-staff"},
    "admin": {"dispatch-index", "assets-index", "assets-edit", "customers-edit",
              "customers-site", "contracts-edit", "contracts-plan", "sla-calendar",
              "labels-index", "labels-asset", "notifications-index", "accounts-users",
              "tickets-detail", "assets-new-errors"},
}
#: Not pages: files, images, the balancer's health checks (JSON), the language switch (it
#: would leave Chinese), log-out.
NOT_PAGES = {"static", "health.healthz", "health.readyz", "main.confirm_language", "tickets.photo",
             "assets.export_csv", "contracts.export_csv", "parts.export_csv", "reports.download",
             "reports.customer_pdf", "servicereports.pdf", "billing.renewal_pdf",
             "labels.calibration_page", "jobreports.staff_pdf", "jobreports.public_pdf",
             "maintenance.report_pdf_file", "accounts.logout"}
#: Names and codes written the same in Chinese UI text (Webhook is what WeCom, DingTalk and
#: Feishu call it in their own Chinese settings; chinesecalendar is a package's name; MTBF and
#: MTTR are how Chinese maintenance reports write them too, explained beside them).
NAMES = {"WeCom", "DingTalk", "Feishu", "WeChat", "SMTP", "CSV", "XLSX", "UTF", "Excel", "PDF",
         "SLA", "URL", "HTTPS", "IANA", "Webhook", "chinesecalendar", "MTBF", "MTTR"}
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])")
NOT_WORDS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+")

MEASURE = """({width: W, target: TARGET, link: LINK}) => {
  // W is the phone's width, not innerWidth: a mobile viewport widens to fit what overflows
  for (const d of document.querySelectorAll('details')) d.open = true;
  const shown = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  const name = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim()
         .replace(/\\s+/g, '.') : '') + (text ? ' "' + text.slice(0, 30) + '"' : '');
  };
  const size = el => { const r = el.getBoundingClientRect();
    return Math.round(r.width) + 'x' + Math.round(r.height); };
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (/auto|scroll|hidden/.test(getComputedStyle(p).overflowX)) return true; }
    return false; };
  const over = [...document.body.querySelectorAll('*')].filter(el =>
    shown(el) && el.getBoundingClientRect().right > W + 0.5 && !scrolls(el));
  const wide = over.filter(el => !over.includes(el.parentElement)).slice(0, 5)
    .map(el => name(el) + ' right=' + Math.round(el.getBoundingClientRect().right));
  const targets = 'button, input[type=submit], input[type=button], input[type=reset], '
    + 'input[type=image], input[type=file], [role=button], summary, label.tile, label.check, '
    + 'a.button';
  const small = [...document.querySelectorAll(targets)].filter(shown).filter(el => {
    const r = el.getBoundingClientRect(); return r.width < TARGET || r.height < TARGET; })
    .map(el => name(el) + ' ' + size(el));
  const short = [...document.querySelectorAll('a[href]')].filter(el => shown(el)
    && !el.matches(targets) && el.getBoundingClientRect().height < LINK)
    .map(el => name(el) + ' ' + size(el));
  const language = el => el.closest('[lang]').lang.split('-')[0];
  const skip = el => el.closest('script, style, textarea, code, kbd, samp, [translate=no]')
    || language(el) !== language(document.body);
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.data.trim() && !skip(n.parentElement)) texts.push(n.data.trim());
  }
  for (const el of document.querySelectorAll(
      '[placeholder], [title], [aria-label], [alt], input[type=submit], input[type=button]')) {
    if (skip(el)) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt', 'value'])
      if (el.getAttribute(a) && (a !== 'value' || /submit|button/.test(el.type)))
        texts.push(el.getAttribute(a));
  }
  const bar = document.querySelector('header.bar'), brand = document.querySelector('.brand');
  const header = {height: bar.getBoundingClientRect().height,
                  brandCut: brand.scrollWidth > brand.clientWidth};
  return {scrollWidth: document.documentElement.scrollWidth, wide, small, short, texts, header};
}"""
LIMITS = {"width": WIDTH, "target": TARGET, "link": LINK_HEIGHT}


def english_words(text: str, data: list[str]) -> list[str]:
    """ASCII words of 3+ letters left in `text` once data, emails, addresses and names go."""
    text = NOT_WORDS.sub(" ", text)
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return [w for w in WORD.findall(text) if w not in NAMES]


def stored_strings(vendor: str) -> list[str]:
    """Every string in the database (what pages show as data), longest first."""
    db.session.rollback()  # see what the server committed
    values = {vendor}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
                values.update(db.session.scalars(sa.select(column).distinct()))
    return sorted((v for v in values if v and WORD.search(v)), key=len, reverse=True)


class Walk:
    """One role's walk: visits pages once per URL rule, measures, screenshots."""

    def __init__(self, app, page, live_server, role, output_dir):
        self.adapter = app.url_map.bind("localhost")
        self.page, self.base, self.role = page, live_server, role
        self.out = output_dir / "walk"
        self.out.mkdir(exist_ok=True)
        self.seen: set[str] = set()
        self.visited: list[str] = []
        self.problems: list[str] = []
        self.texts: dict[str, list[str]] = defaultdict(list)

    def rule(self, url: str) -> tuple[str, str] | None:
        """(endpoint, rule) for a local URL, None for other hosts and unknown paths."""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(self.base).netloc:
            return None
        try:
            rule, _args = self.adapter.match(parts.path, method="GET", return_rule=True)
        except HTTPException:
            return None
        return rule.endpoint, rule.rule

    def visit(self, url: str, name: str | None = None, follow: bool = True) -> None:
        """Open a page (once per rule unless named), check it, queue the pages it links."""
        found = self.rule(url)
        if not found or found[0] in NOT_PAGES or (name is None and found[1] in self.seen):
            return
        url = url if url.startswith("http") else self.base + url
        if name is None:  # found by the walk: ask first, rendering only pages to check
            answer = self.page.request.get(url)  # the page's cookies, redirects followed
            skip = self.skipped(found, answer.status, answer.url)
            answer.dispose()
            if skip:
                return
        response = self.page.goto(url)
        if self.skipped(found, response.status, self.page.url):
            return
        landed = self.rule(self.page.url)
        self.seen.update({found[1], landed[1] if landed else found[1]})
        self.check(name or (landed or found)[0].replace(".", "-"), response.status)
        if follow:
            for href in self.page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
                self.visit(href)

    def skipped(self, found: tuple[str, str], status: int, url: str) -> bool:
        """Not for this role, or a redirect to a page already walked."""
        landed = self.rule(url)
        return status in (403, 404) or bool(landed and landed[0] != found[0]
                                            and landed[1] in self.seen)

    def check(self, name: str, status: int) -> None:
        """Measure the current page; screenshot it as the user first sees it."""
        if name in self.visited:  # e.g. /sla/new after /sla/1: both are sla.calendar
            name = f"{name}-{sum(v == name or v.startswith(f'{name}-') for v in self.visited) + 1}"
        self.visited.append(name)
        # In CSS pixels (360 px wide): a third of the device's 1080 px each way, a ninth of
        # the pixels to encode; the measurements below are in CSS pixels either way.
        self.page.screenshot(path=self.out / f"{self.role}-{name}.png", full_page=True,
                             scale="css")
        if status >= 400:
            self.problems.append(f"{name}: HTTP {status}")
        m = self.page.evaluate(MEASURE, LIMITS)
        if m["scrollWidth"] > WIDTH:
            self.problems.append(f"{name}: scrolls sideways ({m['scrollWidth']} px): "
                                 + "; ".join(m["wide"]))
        if m["header"]["height"] > HEADER_HEIGHT:
            self.problems.append(f"{name}: header on more than one line")
        if m["header"]["brandCut"]:
            self.problems.append(f"{name}: vendor name cut off in the header")
        for what in m["small"]:
            self.problems.append(f"{name}: tap target under {TARGET}×{TARGET}: {what}")
        for what in m["short"]:
            self.problems.append(f"{name}: link under {LINK_HEIGHT} px high: {what}")
        self.texts[name] = m["texts"]

    def untranslated(self, vendor: str) -> None:
        data = stored_strings(vendor)
        for name, texts in self.texts.items():
            for text in dict.fromkeys(texts):
                if words := english_words(text, data):
                    self.problems.append(f"{name}: untranslated {words} in {text[:80]!r}")


def _log_in(page, live_server, email):
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    assert "/accounts/login" not in page.url, "demo log-in failed"


def _parameterless_pages(app) -> list[str]:
    """Every GET page of the app's URL map that needs no parameter."""
    return sorted(r.rule for r in app.url_map.iter_rules()
                  if "GET" in r.methods and not r.arguments and r.endpoint not in NOT_PAGES)


def _one_ticket_per_status() -> list[Ticket]:
    tickets = db.session.scalars(sa.select(Ticket).order_by(Ticket.id)).all()
    return list({t.status: t for t in tickets}.values())


def _walk_requester(walk: Walk) -> None:
    """Scan every demo label, file a request (first with mistakes), follow the tracking
    links of the demo's tickets."""
    assets = db.session.scalars(sa.select(Asset).order_by(Asset.tag)).all()
    for asset in assets:
        if asset.active_label:
            walk.visit(f"/r/{asset.active_label.code}", f"scan-{asset.tag}", follow=False)
    for ticket in _one_ticket_per_status():
        walk.visit(f"/t/{ticket.tracking_token}", f"tracking-{ticket.status.value}",
                   follow=False)
    page = walk.page
    busy = set(db.session.scalars(sa.select(Ticket.asset_id).where(
        Ticket.status.not_in([Status.RESOLVED, Status.CLOSED]))))
    free = next(a for a in assets if a.active_label and a.id not in busy)
    walk.visit(f"/r/{free.active_label.code}", "scan-form", follow=False)
    page.locator("label.tile", has=page.locator("input[value=error]")).click()
    page.locator("label.tile", has=page.locator("input[value=stopped]")).click()
    page.fill("input[name=phone]", "1390000")  # too short, and no name
    page.eval_on_selector("#request", "form => form.noValidate = true")
    page.click("#request button.primary")
    page.wait_for_load_state()
    walk.check("scan-form-errors", 200)
    page.fill("input[name=name]", "周师傅")
    page.fill("input[name=phone]", "139 0000 0001")
    page.click("#request button.primary")
    page.wait_for_url("**/submitted")
    walk.check("tracking-submitted", 200)
    walk.visit(page.get_attribute("#tracking-link", "href"), "tracking-new-request")
    walk.visit("/accounts/login")


def _walk_staff(walk: Walk, app, email: str) -> None:
    _log_in(walk.page, walk.base, email)
    for rule in _parameterless_pages(app):
        walk.visit(rule)
    for ticket in _one_ticket_per_status():
        walk.visit(f"/tickets/{ticket.id}", f"ticket-{ticket.status.value}")
    machine = db.session.scalar(sa.select(Asset).order_by(Asset.tag).limit(1))
    walk.visit(f"/r/{machine.active_label.code}", "scan-staff")
    if email == STAFF["admin"]:  # a staff form sent empty: its error summary
        walk.visit("/assets/new", "assets-new", follow=False)
        walk.page.eval_on_selector("main form", "form => form.noValidate = true")
        walk.page.click("main form button.primary")
        walk.page.wait_for_selector("#error-summary")
        walk.check("assets-new-errors", 200)


@pytest.mark.parametrize("role", ["requester", "technician", "dispatcher", "admin"])
def test_every_page_fits_a_wechat_phone_in_chinese(
        app, wechat_phone, live_server, demo_scan_url, output_dir, role):
    """Each role's pages at 360×640 in WeChat: no sideways scroll, targets ≥ 44 px, links
    ≥ 24 px high, no untranslated English; all problems listed together."""
    walk = Walk(app, wechat_phone.new_page(), live_server, role, output_dir)
    if role == "requester":
        _walk_requester(walk)
    else:
        _walk_staff(walk, app, STAFF[role])
    walk.untranslated(app.config["VENDOR_NAME"])
    print(f"{role}: {len(walk.visited)} pages: {', '.join(walk.visited)}")
    assert MUST_SEE[role] <= set(walk.visited)
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)


def test_the_untranslated_check_finds_english_ui_text(app, wechat_phone, live_server):
    """The same page in English trips the check: it would see a real untranslated string."""
    wechat_phone.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = wechat_phone.new_page()
    page.goto(f"{live_server}/accounts/login")
    texts = page.evaluate(MEASURE, LIMITS)["texts"]
    found = {w for t in texts for w in english_words(t, stored_strings("RepairApp"))}
    assert {"Log", "Password"} <= found
    assert english_words("保存 Save · 退出 Log out", []) == ["Save", "Log", "out"]
    machine = "CNC 加工中心 Machining centre"
    assert english_words(f"{machine} 报修", [machine]) == []


def test_a_long_vendor_name_fits_the_header(app, wechat_phone, live_server, demo_scan_url):
    """A 14-character company name stays whole beside the dispatcher's link and the menu."""
    name = app.config["VENDOR_NAME"]
    app.config["VENDOR_NAME"] = "华东精密设备维修服务有限公司"
    try:
        page = wechat_phone.new_page()
        _log_in(page, live_server, STAFF["dispatcher"])
        header = page.evaluate(MEASURE, LIMITS)["header"]
    finally:
        app.config["VENDOR_NAME"] = name
    assert header == {"height": pytest.approx(48, abs=8), "brandCut": False}


def test_the_menu_works_without_javascript(browser, live_server, demo_scan_url):
    """With scripts off an admin opens the ☰ menu, reaches Accounts and logs out from it."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **WECHAT_PHONE)
    page = context.new_page()
    _log_in(page, live_server, STAFF["admin"])
    assert not page.is_visible(".menu-list")
    page.click(".menu > summary")
    page.click(".menu-list >> text=账号管理")
    page.wait_for_url("**/accounts/users")
    page.click(".menu > summary")
    page.click(".menu-list button:has-text('退出登录')")
    page.wait_for_url("**/accounts/login*")
    context.close()


def test_the_layout_checks_see_what_they_are_for(wechat_phone, live_server):
    """A wide table, a tiny button and a squat link put on a page are each reported."""
    page = wechat_phone.new_page()
    page.goto(f"{live_server}/accounts/login")
    page.eval_on_selector("main", """main => {  // styles set by script: CSP refuses style=""
        main.insertAdjacentHTML('beforeend', '<table id="wide"><tr><td>x</td></tr></table>'
            + '<button id="tiny">x</button><a id="squat" href="#">x</a>');
        Object.assign(main.querySelector('#wide').style, {width: '500px'});
        Object.assign(main.querySelector('#tiny').style, {minHeight: '0', height: '20px'});
        Object.assign(main.querySelector('#squat').style, {padding: '0', fontSize: '10px'});
    }""")
    m = page.evaluate(MEASURE, LIMITS)
    assert m["scrollWidth"] > WIDTH and any("table#wide" in w for w in m["wide"])
    assert any("button#tiny" in s for s in m["small"])
    assert any("a#squat" in s for s in m["short"])
