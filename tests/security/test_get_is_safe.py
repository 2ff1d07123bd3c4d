"""No state change on GET: every GET address of the app, asked by every role, leaves every row
of every table as it was (a link followed, prefetched or forged on another site cannot act;
the language switch is a POST, its GET address only asks)."""

import pytest
from security import world
from security.world import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_a_row(app, role):
    """Every endpoint that answers GET, with real ids, codes and tokens, as this role (the
    sweep the permission table reads; each request's rows compared before and after)."""
    asked = [a for a in world.sweep(app, role) if a.method == "GET"]
    answering_get = {endpoint for endpoint, rules in world.endpoints(app).items()
                     if any("GET" in rule.methods for rule in rules)}
    assert answering_get <= {a.endpoint for a in asked}, "GET endpoints never asked"
    changed = [f"GET {a.url} ({a.endpoint}, {a.status})" for a in asked if a.changed_rows]
    assert not changed, f"as {role}, these changed the database:\n" + "\n".join(changed)
