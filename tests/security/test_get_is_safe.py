"""No state change on GET: every GET address of the app, asked by every role, leaves every row
of every table as it was (a link followed, prefetched or forged on another site cannot act;
the language switch is a POST, its GET address only asks)."""

import pytest
from security import world
from security.world import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_a_row(app, role):
    """Every endpoint that answers GET, with real ids, codes and tokens, as this role."""
    client = app.test_client()
    w = world.build()
    world.act_as(client, w, role)
    urls = world.urls(app, w, role)
    changed, asked = [], 0
    for endpoint, rules in world.endpoints(app).items():
        if not any("GET" in rule.methods for rule in rules):
            continue
        assert endpoint in urls, f"no address for {endpoint} in security/world.py"
        for url in urls[endpoint]:
            rule = world.matched_rule(app, url, "GET")
            if rule is None or rule.endpoint != endpoint:
                continue
            before = world.fingerprint()
            status = client.get(url).status_code
            asked += 1
            if world.fingerprint() != before:
                changed.append(f"GET {url} ({endpoint}, {status}) changed the database")
    assert asked >= 40, f"only {asked} GET addresses asked"
    assert not changed, f"as {role}:\n" + "\n".join(changed)
