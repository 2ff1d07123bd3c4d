"""Label batches from the admin page and the command line; re-issuing a label."""

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp

import factories as f
from conftest import Auth
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.labels.models import LabelPrint
from repairapp.labels.sheets import SHEETS
from repairapp.tickets.models import Ticket


def decoded(pdf: bytes) -> set[str]:
    texts = set()
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=300 / 72).to_pil().convert("L")
        texts |= {c.text for c in zxingcpp.read_barcodes(image)}
    return texts


def url(asset) -> str:
    return f"HTTP://127.0.0.1:5000/R/{asset.active_label.code}"


@pytest.fixture
def admin(auth):
    auth.login(f.user(Role.ADMIN).email)
    return auth


@pytest.fixture
def fleet():
    site = f.site()
    other = f.site()
    return [f.asset(tag=f"EQ-{n:05d}", site=site) for n in range(100, 105)] + \
        [f.asset(tag="EQ-09000", site=other)]


def batch(admin, **fields):
    return admin.post("/labels/", {"sheet": "a4-3x8", "start_row": "1", "start_col": "1",
                                   **fields})


def test_batch_by_customer_is_one_pdf_with_each_assets_code(admin, fleet):
    """Choosing a customer prints exactly its assets; history records each printing."""
    response = batch(admin, customer=str(fleet[0].site.customer_id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert decoded(response.data) == {url(a) for a in fleet[:5]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LabelPrint)) == 5


def test_tag_range_explicit_list_and_never_printed(admin, fleet):
    """A tag range, an explicit list, and "never printed" each narrow the batch."""
    assert decoded(batch(admin, tag_from="EQ-00101", tag_to="EQ-00102").data) == \
        {url(fleet[1]), url(fleet[2])}
    assert decoded(batch(admin, tags="EQ-00104\nEQ-09000").data) == {url(fleet[4]), url(fleet[5])}
    never = decoded(batch(admin, never_printed="y").data)
    assert never == {url(fleet[0]), url(fleet[3])}


def test_empty_selection_explains_and_keeps_the_form(admin, client, fleet):
    """A selection that matches nothing says so and keeps what was typed."""
    client.set_cookie("lang", "en")
    response = batch(admin, search="no-such-machine")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No asset" in page and "no-such-machine" in page


def test_start_position_beyond_the_sheet_is_refused(admin, client, fleet):
    """Row 9 does not exist on a 3x8 sheet."""
    client.set_cookie("lang", "en")
    response = batch(admin, start_row="9")
    assert response.status_code == 422 and "8 rows" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_admins_print_labels(client, auth, role):
    """Label pages are for admins only."""
    auth.login(f.user(role).email)
    assert client.get("/labels/").status_code == 403
    assert client.get("/labels/calibration/a4-3x8").status_code == 403


def test_calibration_pdf_download(admin, client):
    """Each stock has a calibration page to download."""
    response = client.get("/labels/calibration/a4-2x7")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/labels/calibration/nope").status_code == 404


def reissue(admin, machine, **kwargs):
    """Confirm the replacement on its page, as an admin would."""
    url = f"/labels/assets/{machine.id}/reissue"
    return admin.post(url, {"replaces": machine.active_label.code}, page_url=url, **kwargs)


def test_reissue_revokes_the_old_code(admin, client, fleet):
    """After a re-issue the old URL says "replaced" and files nothing; the new one works."""
    machine = fleet[0]
    old = machine.active_label.code
    reissue(admin, machine)
    db.session.expire_all()
    new = machine.active_label.code
    assert new != old
    assert client.get(f"/r/{old}").status_code == 410
    assert client.post(f"/r/{old}", data={"name": "x"}).status_code == 410
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0
    auth = Auth(client)
    auth.logout()
    assert client.get(f"/r/{new}").status_code == 200
    page = client.get(f"/labels/assets/{machine.id}")
    assert page.status_code == 302  # logged out now


def test_printing_history_per_asset(admin, client, fleet):
    """The asset's label page lists each code and when, on which stock and by whom."""
    batch(admin, tags="EQ-00100")
    page = client.get(f"/labels/assets/{fleet[0].id}").get_data(as_text=True)
    printer = db.session.scalar(sa.select(LabelPrint)).user
    assert fleet[0].active_label.code in page and "a4-3x8" in page and printer.name in page


def test_print_one_label_from_the_asset_page(admin, client, fleet):
    """After a re-issue, "Print this label now" gives a PDF with just the new code."""
    machine = fleet[0]
    reissue(admin, machine)
    db.session.expire_all()
    response = admin.post("/labels/", {"tags": machine.tag, "sheet": "thermal-40x30",
                                       "start_row": "1", "start_col": "1"},
                          page_url=f"/labels/assets/{machine.id}")
    assert decoded(response.data) == {url(machine)}


def test_anonymous_and_non_admin_writes_are_refused(client, auth, fleet):
    """No log-in: sent to the log-in page; a technician: 403 on re-issue and import."""
    assert "/accounts/login" in client.get("/labels/").headers["Location"]
    auth.login(f.user(Role.TECHNICIAN).email)
    page = client.get("/jobs/").get_data(as_text=True)
    from conftest import token_from
    for url_ in (f"/labels/assets/{fleet[0].id}/reissue", "/assets/import", "/contracts/import"):
        assert client.post(url_, data={"csrf_token": token_from(page)}).status_code == 403
    db.session.expire_all()
    assert len(fleet[0].labels) == 1


def test_command_line_batch(runner, tmp_path, fleet):
    """`flask labels --customer ... --template ... -o file.pdf` writes the same PDF."""
    out = tmp_path / "labels.pdf"
    result = runner.invoke(args=["labels", "--customer", fleet[0].site.customer.name,
                                 "--template", "thermal-50x30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 label(s)" in result.output
    assert decoded(out.read_bytes()) == {url(a) for a in fleet[:5]}
    bad = runner.invoke(args=["labels", "--customer", "Nobody", "-o", str(out)])
    assert bad.exit_code != 0 and "no customer named" in bad.output


LONG_URL = ("https://repair.very-long-subdomain.example-vendor-company.com.cn"
            "/customers/service/requests")


@pytest.fixture
def long_public_url(app):
    saved = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = LONG_URL
    yield LONG_URL
    app.config["PUBLIC_URL"] = saved


def test_a_long_public_address_is_flagged_before_printing(admin, client, long_public_url):
    """Codes that would print under 0.5 mm per module are named, stock by stock."""
    client.set_cookie("lang", "en")
    page = client.get("/labels/").get_data(as_text=True)
    assert "is long, so QR codes get small modules" in page
    assert f"{SHEETS['thermal-40x30'].title}: 0.46 mm" in page
    assert f"{SHEETS['a4-3x8'].title}:" not in page


def test_the_usual_address_prints_without_a_warning(admin, client):
    """The default address fits every stock at 0.5 mm or more: no warning."""
    client.set_cookie("lang", "en")
    assert "is long, so QR codes" not in client.get("/labels/").get_data(as_text=True)


def test_command_line_warns_about_small_modules(runner, tmp_path, fleet, long_public_url):
    """`flask labels` on thermal stock with a long address warns on stderr, still prints."""
    out = tmp_path / "labels.pdf"
    result = runner.invoke(args=["labels", "--customer", fleet[0].site.customer.name,
                                 "--template", "thermal-40x30", "-o", str(out)])
    assert result.exit_code == 0 and "warning: QR modules will be 0.46 mm" in result.output
    assert "5 label(s)" in result.output


def test_tag_ranges_count_like_people_do(admin):
    """EQ-9 to EQ-11 means 9, 10 and 11, although "EQ-10" < "EQ-9" as text."""
    site = f.site()
    machines = {n: f.asset(tag=f"EQ-{n}", site=site) for n in (8, 9, 10, 11, 100)}
    assert decoded(batch(admin, tag_from="EQ-9", tag_to="EQ-11").data) == \
        {url(machines[n]) for n in (9, 10, 11)}
    assert decoded(batch(admin, tag_from="EQ-11").data) == {url(machines[n]) for n in (11, 100)}


def test_replacing_a_label_asks_first_and_says_what_happens_to_the_old_one(admin, client,
                                                                          fleet):
    """The asset page links to a confirmation page; opening it changes nothing."""
    client.set_cookie("lang", "en")
    machine = fleet[0]
    old = machine.active_label.code
    asset_page = client.get(f"/labels/assets/{machine.id}").get_data(as_text=True)
    assert f'href="/labels/assets/{machine.id}/reissue"' in asset_page
    page = client.get(f"/labels/assets/{machine.id}/reissue").get_data(as_text=True)
    assert f"(code {old}) stops working at once" in page
    assert "This label was replaced" in page and "stick it on the machine" in page
    assert f'name="replaces" type="hidden" value="{old}"' in page
    db.session.expire_all()
    assert machine.active_label.code == old and len(machine.labels) == 1


def test_a_replacement_sent_twice_replaces_once(admin, client, fleet):
    """The second send of the same confirmation (double tap, back button) changes nothing."""
    client.set_cookie("lang", "en")
    machine = fleet[0]
    old = machine.active_label.code
    url = f"/labels/assets/{machine.id}/reissue"
    first = admin.post(url, {"replaces": old}, page_url=url, follow_redirects=True)
    db.session.expire_all()
    new = machine.active_label.code
    assert f"Label {old} replaced by {new}. Print the new label now" in \
        first.get_data(as_text=True)
    again = admin.post(url, {"replaces": old}, page_url=url, follow_redirects=True)
    assert "already replaced" in again.get_data(as_text=True)
    db.session.expire_all()
    assert machine.active_label.code == new and len(machine.labels) == 2


def test_a_list_with_unknown_tags_comes_back_naming_them(admin, client, fleet):
    """Nothing is printed; the unknown tags are named and the typed list is kept."""
    client.set_cookie("lang", "en")
    fleet[5].is_archived = True
    db.session.commit()
    typed = "EQ-00100\nEQ-0O101\nEQ-09000\nEQ-00102"
    response = batch(admin, tags=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "No machine has these tags, so nothing was printed: EQ-0O101, EQ-09000." in page
    assert typed in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LabelPrint)) == 0


def test_command_line_refuses_unknown_tags_and_empty_batches(runner, tmp_path, fleet):
    """`flask labels --tags` names unknown tags and writes no file, like the page."""
    out = tmp_path / "labels.pdf"
    result = runner.invoke(args=["labels", "--tags", "EQ-00100,EQ-77777", "-o", str(out)])
    assert result.exit_code == 1 and "no machine has these tags" in result.output
    assert "EQ-77777" in result.output and "EQ-00100" not in result.output
    assert not out.exists()
    empty = runner.invoke(args=["labels", "--search", "nothing-like-this", "-o", str(out)])
    assert empty.exit_code == 1 and "no asset with a current label" in empty.output
    assert not out.exists()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LabelPrint)) == 0
