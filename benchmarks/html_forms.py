"""The fields a browser would post back from a page's form (for the load benchmark)."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """The fields of each POST form on a page: what a browser would send back."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":  # inert markup (a row a script copies): never sent
            self._in_template += 1
        if self._in_template:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.fields = []
            self.forms.append(self.fields)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button"}:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._select_value is None:
                self._select_value = a.get("value") or ""
                if "selected" in a:
                    self._select_value = "!" + self._select_value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        if not self._in_form or self._in_template:
            return
        if tag == "select" and self._select is not None:
            value = self._select_value or ""
            self.fields.append((self._select, value.removeprefix("!")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_fields(html: str) -> list[tuple[str, str]]:
    """The fields of the page's main POST form: the one with the most fields (the header's
    sign-out form has one)."""
    parser = _FormFields()
    parser.feed(html)
    return max(parser.forms, key=len, default=[])
