"""A form that comes back with mistakes lists them at the top, each linking to its field, and
the first wrong field carries autofocus (the focus lands there without JavaScript)."""

import re

import factories as f
from intake.conftest import Requester, scan_url


def _summary(page: str) -> str:
    match = re.search(r'<section class="error-summary".*?</section>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_summary_lists_each_problem_with_a_link_to_its_field(client):
    """No name and a short mobile: two linked problems, focus on the name (first wrong)."""
    requester = Requester(client, scan_url(f.asset()))
    page = requester.submit(name="", phone="139 0000").get_data(as_text=True)
    summary = _summary(page)
    assert "Please correct these 2 things:" in summary
    assert re.search(r'<a href="#name">Your name: Tell us your name\.</a>', summary)
    assert re.search(r'<a href="#phone">Your phone: Check the mobile number', summary)
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*autofocus[^>]*id="name"', page)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="phone"', page)


def test_a_missing_choice_focuses_its_first_tile(client):
    """A radio group without an answer is linked and focused through its first choice."""
    requester = Requester(client, scan_url(f.asset()))
    requester.client.set_cookie("lang", "zh")
    page = requester.submit(category=None).get_data(as_text=True)
    summary = _summary(page)
    assert "请修改以下 1 处：" in summary
    assert '<a href="#category-0">故障类型：请选择故障类型。</a>' in summary
    assert page.count("autofocus") == 1
    assert re.search(r'<input[^>]*autofocus[^>]*id="category-0"', page)


def test_a_page_without_mistakes_has_no_summary(client):
    """A fresh form: no summary, nothing focused."""
    page = client.get(scan_url(f.asset())).get_data(as_text=True)
    assert "error-summary" not in page and "autofocus" not in page


def test_a_staff_form_gets_the_summary_too(client, admin):
    """The same summary on an admin form rendered by the shared field macro."""
    page = admin.post("/assets/new", {"tag": "", "name": ""}).get_data(as_text=True)
    summary = _summary(page)
    assert '<a href="#tag">' in summary and '<a href="#name">' in summary
    assert re.search(r'<input[^>]*autofocus[^>]*id="tag"', page)
