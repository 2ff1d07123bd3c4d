"""An empty list says why: a search or filter that found nothing ("no matches") reads
differently from a list with nothing in it yet ("none yet")."""

from datetime import date

import pytest

import factories as f


@pytest.mark.parametrize(("url", "none_yet", "no_match"), [
    ("/assets/", "No assets yet.", "No assets match this search."),
    ("/customers/", "No customers yet.", "No customers match this search."),
    ("/contracts/", "No contracts yet.", "No contracts match this search."),
])
def test_no_matches_is_not_none_yet(client, admin, url, none_yet, no_match):
    """Empty: "none yet"; once there are records, a search finding none says "no matches"."""
    empty = client.get(url).get_data(as_text=True)
    assert none_yet in empty and no_match not in empty
    f.contract(f.asset(), f.plan(), date(2026, 1, 1), date(2026, 12, 31))
    searched = client.get(f"{url}?q=nothing-like-this").get_data(as_text=True)
    assert no_match in searched and none_yet not in searched


def test_the_two_read_differently_in_chinese(client, admin):
    """In Chinese too: 还没有 for an empty list, 没有符合搜索条件的 for a search."""
    client.set_cookie("lang", "zh")
    assert "还没有客户。" in client.get("/customers/").get_data(as_text=True)
    f.site()
    assert "没有符合搜索条件的客户。" in client.get(
        "/customers/?q=nothing-like-this").get_data(as_text=True)
