"""Group robots never mention everyone because of what a requester or staff member typed:
the text goes out as a plain text message, its @all forms made inert, with no mention
fields."""

import re

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.notifications.models import Channel, Transport
from repairapp.notifications.transports import quiet_mentions
from repairapp.tickets import work
from repairapp.tickets.models import Ticket

#: Every way a user could try to reach a whole group, as they would type it.
FORMS = ["@all", "@ALL", "@everyone", "@here", "@所有人", "@全体成员",
         '<at user_id="all">所有人</at>', "<AT user_id='all'></at>", "< at id=all>"]
#: What must not reach a robot's text, whatever the case.
LIVE = re.compile(r"@(all|everyone|here)(?![a-z0-9_])|@所有人|@全体成员|<\s*/?\s*at\b",
                  re.IGNORECASE)


@pytest.mark.parametrize("form", FORMS)
def test_each_group_mention_form_is_made_inert(form):
    """Each form keeps its look (a full-width ＠ or ＜) but is no longer a mention."""
    quiet = quiet_mentions(f"请看 {form}，谢谢")
    assert not LIVE.search(quiet) and ("＠" in quiet or "＜" in quiet)


def test_ordinary_at_signs_are_left_alone():
    """Email addresses and mentions of one word that merely starts like 'all' stay as typed."""
    text = "联系 zhou@allied.cn 或 @allen，@hereford 工厂"
    assert quiet_mentions(text) == text


@pytest.fixture
def channels(robot):
    for transport in (Transport.WECOM, Transport.DINGTALK, Transport.FEISHU):
        db.session.add(Channel(name=transport.value, transport=transport,
                               target=robot.hook(transport.value)))
    db.session.add(Channel(name="signed", transport=Transport.FEISHU, secret="SEC",
                           target=robot.hook("signed")))
    db.session.commit()
    return robot


def test_requester_and_staff_text_reaches_every_robot_without_mentions(app, runner,
                                                                       channels):
    """A ticket whose description, requester name and technician's name carry every form:
    the real sweep posts plain text messages with no mention fields and no live form."""
    tech = f.user(Role.TECHNICIAN, name="@all 王工 <at user_id=\"all\">")
    desk = f.user(Role.DISPATCHER)
    ticket = f.ticket(description="机器停了 " + " ".join(FORMS) + " 联系 zhou@allied.cn",
                      requester_name="@所有人 周 @everyone")
    assert "@所有人" in db.session.get(Ticket, ticket.id).requester_name  # stored as typed
    work.assign(ticket, tech, by=desk)
    db.session.commit()
    runner.invoke(args=["sla", "sweep"])

    bodies = {name: channels.bodies(name) for name in ("wecom", "dingtalk", "feishu", "signed")}
    assert all(len(sent) == 2 for sent in bodies.values())  # new request, then assigned
    for body in bodies["wecom"] + bodies["dingtalk"]:
        assert body.keys() == {"msgtype", "text"} and body["msgtype"] == "text"
        assert body["text"].keys() == {"content"}  # no mentioned_list, no "at"/isAtAll
    for body in bodies["feishu"]:
        assert body.keys() == {"msg_type", "content"} and body["content"].keys() == {"text"}
    for body in bodies["signed"]:
        assert body.keys() == {"msg_type", "content", "timestamp", "sign"}
    texts = [b["text"]["content"] for b in bodies["wecom"] + bodies["dingtalk"]] + \
        [b["content"]["text"] for b in bodies["feishu"] + bodies["signed"]]
    for text in texts:
        assert not LIVE.search(text), text
        assert "＠所有人 周 ＠everyone" in text and "zhou@allied.cn" in text
    assigned = texts[1]
    assert "＠all 王工 ＜at" in assigned and "＠全体成员" in assigned
