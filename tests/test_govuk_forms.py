"""GOV.UK markup for Django forms, the shared templates and the built front-end assets."""

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import models
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from burden.govuk_forms import (
    DateParts,
    GovukDateField,
    GovukDateInput,
    GovukFormRenderer,
    govuk_formfield_callback,
)
from burden.templatetags.govuk import outcome_tag

ROOT = Path(settings.BASE_DIR)


class EverythingForm(forms.Form):
    name = forms.CharField(label="Council name", help_text="As on the register")
    hours = forms.DecimalField(label="Staff hours", required=False)
    people = forms.IntegerField(label="People involved")
    start = GovukDateField(label="Start date", help_text="For example, 27 3 2025")
    kind = forms.ChoiceField(
        label="Kind of visit",
        choices=[("full", "Full"), ("short", "Short")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )
    areas = forms.MultipleChoiceField(
        label="Areas",
        choices=[("care", "Children in care"), ("leavers", "Care leavers")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="The figures are complete", help_text="Tick to confirm")
    region = forms.ChoiceField(label="Region", choices=[("", "Choose a region"), ("nw", "NW")])
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    upload = forms.FileField(label="Spreadsheet", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _form(data=None, **kwargs):
    return EverythingForm(data=data, renderer=GovukFormRenderer(), **kwargs)


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", str(html))


# --- date input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("", "", "", None),
        ("7", "4", "2025", "2025-04-07"),
        (" 07 ", "04", " 2025", "2025-04-07"),
        ("29", "2", "2024", "2024-02-29"),
    ],
)
def test_date_widget_reads_iso_or_empty(day, month, year, expected):
    data = {"d_day": day, "d_month": month, "d_year": year}
    assert GovukDateInput().value_from_datadict(data, {}, "d") == expected


@pytest.mark.parametrize(
    ("parts", "problem"),
    [
        (("31", "2", "2024"), ["day", "month", "year"]),
        (("1", "", "2024"), ["month"]),
        (("", "", "2024"), ["day", "month"]),
        (("1", "2", "24"), ["year"]),
        (("x", "2", "2024"), ["day"]),
    ],
)
def test_date_widget_keeps_what_was_typed_when_not_a_date(parts, problem):
    data = dict(zip(("d_day", "d_month", "d_year"), parts, strict=True))
    value = GovukDateInput().value_from_datadict(data, {}, "d")
    assert isinstance(value, DateParts)
    assert value.parts == parts
    assert value.problem_parts == problem
    assert GovukDateInput().decompress(value) == list(parts)


def test_date_widget_decompresses_dates_and_iso_strings():
    widget = GovukDateInput()
    assert widget.decompress(datetime.date(2025, 4, 7)) == ["7", "4", "2025"]
    assert widget.decompress("2025-04-07") == ["7", "4", "2025"]
    assert widget.decompress(None) == [None, None, None]


class DateForm(forms.Form):
    start = GovukDateField(label="Start date")
    end = GovukDateField(required=False)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2024"), "Start date must be a real date"),
        (("1", "", "2024"), "Start date must include a month"),
        (("", "", "2024"), "Start date must include a day and month"),
        (("1", "2", "24"), "Year must include 4 numbers"),
        (("first", "May", "2024"), "Start date must be a real date"),
    ],
)
def test_date_field_errors_say_what_is_wrong(parts, message):
    data = dict(zip(("start_day", "start_month", "start_year"), parts, strict=True))
    form = DateForm(data=data, renderer=GovukFormRenderer())
    assert not form.is_valid()
    assert form.errors["start"] == [message]


def test_date_field_label_defaults_to_the_field_name():
    form = DateForm(
        data={
            "start_day": "7",
            "start_month": "4",
            "start_year": "2025",
            "end_day": "99",
            "end_month": "1",
            "end_year": "2025",
        }
    )
    assert form.errors["end"] == ["End must be a real date"]


def test_date_field_cleans_to_a_date_and_empty_to_none():
    form = DateForm(data={"start_day": "7", "start_month": "4", "start_year": "2025"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"start": datetime.date(2025, 4, 7), "end": None}


def test_date_field_required_when_all_blank():
    form = DateForm(data={"start_day": "", "start_month": "", "start_year": ""})
    assert list(form.errors) == ["start"]


def test_date_input_re_shows_invalid_input_and_highlights_the_problem_part():
    form = DateForm(
        data={"start_day": "12", "start_month": "", "start_year": "2025"},
        renderer=GovukFormRenderer(),
    )
    html = _squash(form["start"].as_field_group())
    assert 'role="group"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Start date' in html
    assert re.search(r'name="start_day" value="12"[^>]*class="[^"]*govuk-input--width-2"', html)
    assert re.search(r'name="start_year" value="2025"', html)
    month = re.search(r"<input[^>]*name=\"start_month\"[^>]*>", html).group(0)
    assert "govuk-input--error" in month
    day = re.search(r"<input[^>]*name=\"start_day\"[^>]*>", html).group(0)
    assert "govuk-input--error" not in day
    assert 'id="id_start_error"' in html
    assert 'aria-describedby="id_start_error"' in html
    assert form["start"].govuk_error_target == "id_start_month"


def test_date_input_shows_an_initial_date():
    form = DateForm(initial={"start": datetime.date(2025, 4, 7)}, renderer=GovukFormRenderer())
    html = _squash(form["start"].as_field_group())
    for name, value in (("day", "7"), ("month", "4"), ("year", "2025")):
        assert f'name="start_{name}" value="{value}"' in html
        assert f'id="id_start_{name}"' in html
        assert f'<label class="govuk-label govuk-date-input__label" for="id_start_{name}">' in html


def test_model_form_callback_gives_govuk_date_fields():
    field = govuk_formfield_callback(models.DateField(verbose_name="published on", blank=True))
    assert isinstance(field, GovukDateField)
    assert isinstance(field.widget, GovukDateInput)
    assert not field.required
    other = govuk_formfield_callback(models.CharField(verbose_name="name", max_length=10))
    assert isinstance(other, forms.CharField)


# --- every field type -------------------------------------------------------------------------


def test_unbound_form_markup():
    html = _squash(_form())
    # text input with hint tied to it
    assert '<label class="govuk-label govuk-label--s" for="id_name">Council name</label>' in html
    assert '<div class="govuk-hint" id="id_name_helptext">As on the register</div>' in html
    name = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'class="govuk-input"' in name
    assert 'aria-describedby="id_name_helptext"' in name
    assert "required" not in name  # the server validates; no browser bubbles
    # numbers are text boxes with a width and, for whole numbers, a numeric keypad
    people = re.search(r'<input[^>]*name="people"[^>]*>', html).group(0)
    assert 'type="text"' in people
    assert 'inputmode="numeric"' in people
    assert "govuk-input--width-5" in people
    hours = re.search(r'<input[^>]*name="hours"[^>]*>', html).group(0)
    assert "govuk-input--width-10" in hours
    assert "inputmode" not in hours
    assert 'step="' not in hours
    # optional questions are marked, required ones are not
    assert "Staff hours (optional)</label>" in html
    assert "Council name (optional)" not in html
    # radios, with the container modifier kept off the inputs
    assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in html
    assert re.search(
        r'<input type="radio" name="kind" value="full" class="govuk-radios__input" id="id_kind_0"',
        html,
    )
    assert '<label class="govuk-label govuk-radios__label" for="id_kind_0">Full</label>' in html
    # checkboxes in a fieldset, without "(optional)"
    assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
    assert "Areas</legend>" in html
    assert re.search(r'name="areas" value="care"[^>]*class="govuk-checkboxes__input"', html)
    # a single checkbox: label after the box, hint inside the item
    assert re.search(
        r'<input type="checkbox" name="agree"[^>]*class="govuk-checkboxes__input"[^>]*> '
        r'<label class="govuk-label govuk-checkboxes__label" for="id_agree">',
        html,
    )
    assert 'class="govuk-hint govuk-checkboxes__hint" id="id_agree_helptext"' in html
    # select, textarea, password with show/hide, file upload
    assert re.search(r'<select name="region"[^>]*class="govuk-select"', html)
    assert re.search(r'<textarea name="notes"[^>]*class="govuk-textarea"', html)
    assert (
        'class="govuk-form-group govuk-password-input" data-module="govuk-password-input"' in html
    )
    assert "govuk-js-password-input-input" in html
    assert 'aria-controls="id_secret" aria-label="Show password" hidden>Show</button>' in html
    assert re.search(r'<input type="file" name="upload" class="govuk-file-upload"', html)
    # hidden fields plainly, and no errors anywhere
    assert '<input type="hidden" name="token" id="id_token">' in html
    assert "govuk-error-message" not in html
    assert "govuk-form-group--error" not in html


def test_bound_form_with_errors_markup():
    form = _form(
        data={
            "name": "",
            "people": "lots",
            "start_day": "31",
            "start_month": "2",
            "start_year": "2025",
        }
    )
    assert not form.is_valid()
    html = _squash(form)
    name_group = re.search(
        r'<div class="govuk-form-group govuk-form-group--error"> '
        r'<label[^>]*for="id_name">.*?</div> </div>'
        r'|<div class="govuk-form-group govuk-form-group--error"> '
        r'<label[^>]*for="id_name">.*?<input[^>]*>',
        html,
    )
    assert name_group, html
    assert (
        '<p class="govuk-error-message" id="id_name_error"><span class="govuk-visually-hidden">'
        "Error:</span> Enter council name</p>"
    ) in html
    name = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert "govuk-input govuk-input--error" in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert 'aria-invalid="true"' in name
    people = re.search(r'<input[^>]*name="people"[^>]*>', html).group(0)
    assert 'value="lots"' in people
    assert "govuk-input--error" in people
    select = re.search(r"<select[^>]*>", html).group(0)
    assert "govuk-select--error" in select
    # radios and checkboxes: the error goes on the fieldset's description
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind_error">' in html
    assert "Start date must be a real date" in html


def test_required_messages_say_what_to_do_unless_the_form_sets_its_own():
    class Event(forms.Form):
        kind = forms.ChoiceField(label="Inspection type", choices=[("a", "A")])
        theme = forms.CharField(label="JTAI theme")
        start = GovukDateField(label="On-site start")
        own = forms.CharField(label="Own", error_messages={"required": "Enter your own words"})

    form = Event(data={})
    assert form.errors == {
        "kind": ["Select inspection type"],
        "theme": ["Enter JTAI theme"],
        "start": ["Enter on-site start"],
        "own": ["Enter your own words"],
    }
    # the class's fields keep Django's default
    assert Event.base_fields["kind"].error_messages["required"] == "This field is required."


def test_optional_marking_is_left_out_when_every_question_is_optional():
    class Filters(forms.Form):
        region = forms.ChoiceField(choices=[("", "Any")], required=False)
        since = GovukDateField(required=False)

    html = _squash(Filters())
    assert "(optional)" not in html

    class Marked(Filters):
        govuk_mark_optional = True

    assert "Region (optional)</label>" in _squash(Marked())


def test_non_field_and_hidden_errors_are_shown_at_the_top():
    class Clashing(forms.Form):
        token = forms.CharField(widget=forms.HiddenInput)
        name = forms.CharField()

        def clean(self):
            raise forms.ValidationError("These dates overlap another inspection")

    form = Clashing(data={"name": "x"}, renderer=GovukFormRenderer(), prefix="event")
    html = _squash(form)
    assert html.index('id="event-non-field-errors"') < html.index('name="event-name"')
    assert "These dates overlap another inspection" in html
    assert "(Hidden field token) This field is required." in html


# --- error summary ----------------------------------------------------------------------------


def _summary(**context):
    return _squash(render_to_string("govuk/error_summary.html", context))


def test_error_summary_is_empty_without_errors():
    assert _summary(form=_form()).strip() == ""
    assert _summary(form=_form(data=_valid_data())).strip() == ""
    assert _summary().strip() == ""


def _valid_data():
    return {
        "name": "Lakeshire",
        "people": "3",
        "start_day": "1",
        "start_month": "2",
        "start_year": "2025",
        "kind": "full",
        "agree": "on",
        "region": "nw",
        "secret": "x",
    }


def test_error_summary_links_each_error_to_its_field():
    class WithClean(EverythingForm):
        def clean(self):
            raise forms.ValidationError("Something about the whole form")

    form = WithClean(data={"start_day": "1", "start_year": "2025"}, renderer=GovukFormRenderer())
    html = _summary(form=form)
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    assert '<div role="alert">' in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    hrefs = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', html)
    assert hrefs == [
        ("non-field-errors", "Something about the whole form"),
        ("id_name", "Enter council name"),
        ("id_people", "Enter people involved"),
        ("id_start_month", "Start date must include a month"),
        ("id_kind_0", "Select kind of visit"),
        ("id_agree", "This field is required."),
        ("id_region", "Select region"),
        ("id_secret", "Enter password"),
    ]


def test_error_summary_for_a_formset():
    class Row(forms.Form):
        hours = forms.DecimalField(label="Hours")

    class BaseRows(forms.BaseFormSet):
        def clean(self):
            raise forms.ValidationError("Add at least one person")

    Rows = forms.formset_factory(Row, formset=BaseRows, extra=0)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-hours": "3",
        "form-1-hours": "x",
    }
    formset = Rows(data=data)  # settings.FORM_RENDERER is the GOV.UK renderer
    html = _summary(formset=formset)
    hrefs = re.findall(r'<a href="#([^"]+)">', html)
    assert hrefs == ["form-non-form-errors", "id_form-1-hours"]
    rendered = _squash(formset)
    assert 'id="form-non-form-errors"' in rendered
    assert 'name="form-TOTAL_FORMS"' in rendered
    assert "govuk-input--error" in rendered


# --- template helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("outstanding", "govuk-tag--green"),
        ("Good", "govuk-tag--teal"),
        ("requires_improvement", "govuk-tag--yellow"),
        ("Requires improvement to be good", "govuk-tag--yellow"),
        ("inadequate", "govuk-tag--red"),
        ("positive", "govuk-tag--green"),
        ("Typically positive experiences and outcomes", "govuk-tag--green"),
        ("inconsistent", "govuk-tag--yellow"),
        ("systemic_failings", "govuk-tag--red"),
        ("Widespread and/or systemic failings", "govuk-tag--red"),
        ("none", "govuk-tag--grey"),
        ("", "govuk-tag--grey"),
        (None, "govuk-tag--grey"),
        ("letter", "govuk-tag--grey"),
    ],
)
def test_outcome_tag(outcome, expected):
    assert outcome_tag(outcome) == expected


def test_outcome_tag_reads_an_objects_code():
    class Outcome:
        code = "inadequate"
        label = "Inadequate"

    assert outcome_tag(Outcome()) == "govuk-tag--red"


def _pagination(page_number, query="", per_page=10, count=200):
    request = RequestFactory().get(f"/councils/?{query}")
    page = Paginator(range(count), per_page).page(page_number)
    template = Template('{% include "govuk/pagination.html" %}')
    return _squash(template.render(RequestContext(request, {"page_obj": page})))


def test_pagination_keeps_the_other_query_parameters():
    html = _pagination(5, "region=nw&sort=name&page=5")
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'href="?region=nw&amp;sort=name&amp;page=4" rel="prev"' in html
    assert 'href="?region=nw&amp;sort=name&amp;page=6" rel="next"' in html
    assert 'aria-label="Page 5" aria-current="page">5</a>' in html
    assert 'href="?region=nw&amp;sort=name&amp;page=1" aria-label="Page 1"' in html
    assert 'href="?region=nw&amp;sort=name&amp;page=20" aria-label="Page 20"' in html
    assert "govuk-pagination__item--ellipsis" in html


def test_pagination_first_page_and_single_page():
    html = _pagination(1)
    assert 'rel="prev"' not in html
    assert 'href="?page=2" rel="next"' in html
    assert _pagination(1, count=5).strip() == ""


# --- pages ------------------------------------------------------------------------------------


def _request(path="/", user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


def test_base_layout_for_a_signed_in_user():
    class User:
        is_authenticated = True

        def get_username(self):
            return "editor.a"

    html = _squash(
        render_to_string(
            "base.html",
            {
                "user": User(),
                "nav_items": [
                    {"label": "Home", "url": "/", "current": False},
                    {"label": "Councils", "url": "/councils/", "current": True},
                ],
                "demo_data_present": True,
                "messages": [_Message("Inspection saved", "success"), _Message("Heads up", "info")],
            },
        )
    )
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB" class="govuk-template">' in html
    # the start-up scripts are files, not inline (the content security policy forbids inline)
    assert '<script src="/static/app/js-enabled.js"></script>' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert (
        '<a href="/" class="govuk-generic-header__homepage-link">Inspection Burden Tracker</a>'
        in html
    )
    assert 'href="/councils/" aria-current="page"' in html
    assert 'href="/" aria-current' not in html
    assert "Signed in as <strong>editor.a</strong>" in html
    assert re.search(
        r'<form class="app-account__form" method="post" action="/accounts/logout/">', html
    )
    assert '<strong class="govuk-tag govuk-phase-banner__content__tag">Demo</strong>' in html
    assert "Staff hours are illustrative, not real." in html
    assert 'govuk-notification-banner--success" role="alert"' in html
    assert 'role="region" aria-labelledby="govuk-notification-banner-title-2"' in html
    assert '<a class="govuk-footer__link" href="/about/">Data sources</a>' in html
    assert '<script type="module" src="/static/app/govuk-init.js"></script>' in html
    # not GOV.UK: no crown, no Crown copyright, nothing loaded from elsewhere
    assert "govuk-header__logo" not in html and "crown" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)


class _Message:
    def __init__(self, text, level_tag):
        self.text, self.level_tag = text, level_tag

    def __str__(self):
        return self.text


def test_base_layout_when_signed_out():
    html = _squash(render_to_string("base.html", {"user": AnonymousUser()}))
    assert 'href="/accounts/login/">Sign in</a>' in html
    assert "Signed in as" not in html
    assert "govuk-phase-banner" not in html
    assert "govuk-service-navigation__list" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("404.html", "Page not found"),
        ("403.html", "You do not have access to this page"),
        ("registration/login.html", "Sign in"),
        ("registration/logged_out.html", "You have signed out"),
        ("registration/password_change_done.html", "Your password has been changed"),
    ],
)
def test_pages_render(template, heading):
    from django.contrib.auth.forms import AuthenticationForm

    request = _request("/somewhere/")
    html = _squash(
        render_to_string(template, {"form": AuthenticationForm(request)}, request=request)
    )
    assert f">{heading}</h1>" in html
    assert f"<title>{heading} – Inspection Burden Tracker</title>" in html


@pytest.mark.django_db
def test_login_page_shows_errors_in_govuk_style(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    html = _squash(response.content.decode())
    assert "<title>Error: Sign in – Inspection Burden Tracker</title>" in html
    assert "There is a problem" in html
    assert '<a href="#non-field-errors">Please enter a correct username' in html
    assert 'id="non-field-errors"' in html
    assert 'data-module="govuk-password-input"' in html
    assert "novalidate" in html


def test_server_error_page_needs_no_request_or_context():
    html = _squash(Template((ROOT / "templates" / "500.html").read_text()).render(Context()))
    assert "<title>Sorry, there is a problem with the service – Inspection Burden Tracker" in html
    assert ">Sorry, there is a problem with the service</h1>" in html
    assert 'href="/static/govuk/govuk-frontend.min.css"' in html


# --- built assets -----------------------------------------------------------------------------


def test_built_assets_are_committed_and_self_contained():
    govuk = ROOT / "static" / "govuk"
    css = (govuk / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "font-family:arial,sans-serif" in css
    assert ".app-chart" in css and ".govuk-generic-header" in css
    assert not re.search(r"url\([\"']?(https?:)?//", css)
    js = (govuk / "govuk-frontend.min.js").read_text()
    assert "initAll" in js and "sourceMappingURL" not in js
    for name in ("favicon.svg", "favicon.png", "apple-touch-icon.png"):
        assert (govuk / "app" / name).is_file()
    version = (govuk / "VERSION.md").read_text()
    assert "`govuk-frontend`" in version and "MIT" in version
    assert (ROOT / "tests" / "browser" / "vendor" / "axe.min.js").is_file()
    assert "MPL-2.0" in (ROOT / "tests" / "browser" / "vendor" / "VERSION.md").read_text()
