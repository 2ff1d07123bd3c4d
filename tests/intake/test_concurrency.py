"""Two identical submissions racing each other still make one ticket."""

import threading

import sqlalchemy as sa

from intake.conftest import Requester
from repairapp.extensions import db
from repairapp.tickets.models import Ticket


def test_simultaneous_double_submit_makes_one_ticket(app, requester):
    """Same form sent twice at the same instant (double tap on a flaky network): one ticket,
    and both answers lead to it."""
    html = requester.open().get_data(as_text=True)
    session_cookie = requester.client.get_cookie("session")
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        client.set_cookie("session", session_cookie.value)
    twins = [Requester(client, requester.url) for client in clients]
    start = threading.Barrier(2)
    answers = []

    def send(twin):
        start.wait()
        answers.append(twin.submit(html))

    threads = [threading.Thread(target=send, args=(twin,)) for twin in twins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1
