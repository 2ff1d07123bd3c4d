"""The forms of a rendered page, read as a browser reads them (standard library only): what
each one would send, and what kind of input each field is."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class Input:
    name: str
    kind: str            #: text, number, date, hidden, checkbox, radio, file, select, textarea…
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)   #: a select's option values


@dataclass
class Form:
    action: str
    method: str
    inputs: list[Input] = field(default_factory=list)

    def data(self) -> dict[str, str | list[str]]:
        """What a browser sends untouched: text as shown, ticked boxes, the selected option."""
        sent: dict[str, list[str]] = {}
        for i in self.inputs:
            if i.kind in ("checkbox", "radio") and not i.checked or i.kind in ("file", "submit",
                                                                               "button"):
                continue
            sent.setdefault(i.name, []).append(i.value)
        return {name: values[0] if len(values) == 1 else values for name, values in sent.items()}

    def kind_of(self, name: str) -> str:
        return next(i.kind for i in self.inputs if i.name == name)

    def is_group(self, name: str) -> bool:
        """Several boxes under one name: a list of choices, sent as many values."""
        return sum(i.name == name and i.kind == "checkbox" for i in self.inputs) > 1

    def names(self) -> list[str]:
        return list(dict.fromkeys(i.name for i in self.inputs if i.kind not in ("submit",
                                                                                "button")))


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Input | None = None
        self._textarea: Input | None = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "name" not in a and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            self._form.inputs.append(Input(a["name"], kind, a.get("value", "on" if kind in (
                "checkbox", "radio") else ""), "checked" in a))
        elif tag == "button":
            self._form.inputs.append(Input(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            self._select = Input(a["name"], "select")
            self._form.inputs.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a or len(self._select.options) == 1:
                self._select.value = value
        elif tag == "textarea":
            self._textarea = Input(a["name"], "textarea")
            self._form.inputs.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data.removeprefix("\n") if not self._textarea.value else data


def forms_of(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def form_for(html: str, action: str, page_url: str, having: str = "") -> Form | None:
    """The page's POST form that sends to `action` (a form without an action sends to its
    own page), the first with a field named `having` if given."""
    target = urlsplit(action).path.lower()  # /r/<code> and /R/<CODE> are one address
    for form in forms_of(html):
        sends_to = urlsplit(form.action or page_url).path.lower()
        if form.method == "post" and sends_to == target and (
                not having or having in form.names()):
            return form
    return None
