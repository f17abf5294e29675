from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

from burden.govuk_forms import GovukDateField

from .models import (
    HOURS_RANGE_MESSAGE,
    MAX_PEOPLE,
    InspectionEvent,
    InspectionOutcome,
    InspectionType,
    Phase,
    StaffTime,
    Team,
)
from .services.estimates import OnSiteDatesMissing, on_site_dates_settle

PUBLISHED_FIELD_HINT = (
    "As published by the inspectorate. Only an administrator can change it; the next load of "
    "the published reports would put it back."
)


class OutcomeSelect(forms.Select):
    """The outcomes of every inspection type, grouped by type (``<optgroup>`` labelled with the
    type's name), each option carrying its type's id (``data-inspection-type``).

    Without JavaScript the groups say which outcomes belong to which type and the model's
    validation refuses a mismatch; with it, ``static/inspections/outcome-follows-type.js``
    offers only the chosen type's outcomes (``data-outcome-follows`` names the type select).
    """

    def __init__(self, *args, option_types: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_types = option_types or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        type_id = self.option_types.get(value)
        if type_id is not None:
            option["attrs"] = {**option["attrs"], "data-inspection-type": str(type_id)}
        return option


class EventForm(forms.ModelForm):
    """An inspection event of one council (the council is set by the view, never by the form).

    Give the user's ``access``: on a published event, the published fields are shown but
    disabled unless the user is an administrator (disabled fields ignore what is posted).
    """

    notified_on = GovukDateField(
        label="Date notified",
        required=False,
        help_text="When the council was told of the inspection. For example, 27 3 2025",
    )
    on_site_start = GovukDateField(
        label="On-site start",
        required=False,
        help_text="For example, 7 4 2025. If only the publication date is known, leave both "
        "on-site dates empty: they are estimated from it and shown as estimated",
    )
    on_site_end = GovukDateField(
        label="On-site end",
        required=False,
        help_text="The last day on site. For a one-day visit, the same date",
    )
    published_on = GovukDateField(label="Report published", required=False)
    # The version this editor started from (optimistic locking, see services.event_save).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = InspectionEvent
        fields = [
            "inspection_type",
            "notified_on",
            "on_site_start",
            "on_site_end",
            "published_on",
            "outcome",
            "theme",
            "report_url",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version
        types = InspectionType.objects.filter(is_active=True)
        if self.instance.pk:
            types = InspectionType.objects.filter(is_active=True) | InspectionType.objects.filter(
                pk=self.instance.inspection_type_id
            )
        self.fields["inspection_type"].queryset = types.distinct()
        self.fields["inspection_type"].empty_label = "Choose the inspection type"
        # One list of every type's outcomes, grouped by type; the model checks the pairing.
        outcomes = InspectionOutcome.objects.select_related("inspection_type").order_by(
            "inspection_type__sort_order", "sort_order"
        )
        groups: dict[str, list] = {}
        option_types: dict[int, int] = {}
        for outcome in outcomes:
            groups.setdefault(outcome.inspection_type.name, []).append((outcome.pk, outcome.label))
            option_types[outcome.pk] = outcome.inspection_type_id
        self.fields["outcome"] = forms.TypedChoiceField(
            widget=OutcomeSelect(
                option_types=option_types,
                attrs={"data-outcome-follows": self.auto_id % self.add_prefix("inspection_type")},
            ),
            label="Outcome",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "Not recorded yet")] + list(groups.items()),
            help_text="Choose an outcome of the inspection type above",
            initial=self.instance.outcome_id,
        )
        self.fields["theme"].help_text = "For a JTAI deep dive, for example domestic abuse"
        # A report address typed without a scheme is taken as https (Ofsted serves https only).
        self.fields["report_url"].assume_scheme = "https"
        # Without an access, protect: forgetting to pass it must not open the published record.
        self.published_fields_locked = bool(
            self.instance.pk
            and self.instance.is_published_record
            and not (access is not None and access.is_admin)
        )
        if self.published_fields_locked:
            for name in InspectionEvent.PUBLISHED_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = PUBLISHED_FIELD_HINT

    def start_again_from(self, current: InspectionEvent) -> None:
        """After a conflict: keep the editor's input, and make the next save start from
        ``current`` (the version they have now been shown what changed in)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("base_version")] = str(current.version)

    def clean(self):
        """On-site dates as entered, or estimated from the publication date when both are empty.

        Changing the dates of an estimated event makes them real.
        """
        data = super().clean()
        start, end = data.get("on_site_start"), data.get("on_site_end")
        if "on_site_start" in self.errors or "on_site_end" in self.errors:
            return data
        try:
            data["on_site_start"], data["on_site_end"] = on_site_dates_settle(
                self.instance,
                start=start,
                end=end,
                published_on=data.get("published_on"),
                inspection_type=data.get("inspection_type"),
                was=(self.initial.get("on_site_start"), self.initial.get("on_site_end")),
            )
        except OnSiteDatesMissing as exc:
            self.add_error(exc.field, exc.message)
        return data

    def clean_outcome(self):
        pk = self.cleaned_data.get("outcome")
        return InspectionOutcome.objects.filter(pk=pk).first() if pk else None

    def _get_validation_exclusions(self):
        # The council is set on the instance by the view: check the one-event-per-council rule.
        exclude = super()._get_validation_exclusions()
        exclude.discard("council")
        return exclude


class StaffTimeForm(forms.ModelForm):
    """One staff-time entry: one row of the staff-time table (drawn by
    ``templatetags/staff_time.py``, not by a template per widget)."""

    class Meta:
        model = StaffTime
        fields = ["team", "phase", "people", "hours", "note"]
        labels = {"people": "Number of people", "hours": "Hours"}
        help_texts = {"hours": "Total hours for the team in this phase, for example 37.5"}
        error_messages = {
            "team": {"required": "Choose a team", "invalid_choice": "Choose a team"},
            "phase": {"required": "Choose a phase", "invalid_choice": "Choose a phase"},
            "hours": {
                "required": "Enter the hours, for example 37.5",
                "invalid": "Enter the hours as a number, for example 37.5",
                "max_digits": "Enter the hours as a number, for example 37.5",
                "max_whole_digits": HOURS_RANGE_MESSAGE,
                "max_decimal_places": "Enter the hours with at most 2 decimal places",
            },
            "people": {
                "required": "Enter the number of people, 1 or more",
                "invalid": "Enter the number of people as a whole number, for example 2",
                "min_value": "The number of people must be 1 or more",
                "max_value": f"The number of people must be at most {MAX_PEOPLE:,}",
            },
            "note": {"max_length": "The note must be 500 characters or fewer"},
        }
        widgets = {"note": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK selects say what to choose rather than Django's "---------".
        self.fields["team"].choices = [("", "Choose a team"), *Team.choices]
        self.fields["phase"].choices = [("", "Choose a phase"), *Phase.choices]
        # The database's rule (staff_people_at_least_one), said before saving, and the one bound
        # the API and imports use (MAX_PEOPLE) in place of the column's 32,767.
        people = self.fields["people"]
        people.min_value, people.max_value = 1, MAX_PEOPLE
        people.validators = [
            validator
            for validator in people.validators
            if not isinstance(validator, MinValueValidator | MaxValueValidator)
        ] + [MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)]

    def _get_validation_exclusions(self):
        """Leave hours and people out of the model's field and constraint checks on the form:
        the form's fields check their digits and bounds (people 1 or more) and the model's
        ``clean`` the hours range, all in Python and with a message, where each of the two
        check constraints would cost a database round trip a row. ``services.staff_time_save``
        validates each changed entry in full before saving it."""
        return super()._get_validation_exclusions() | {"hours", "people"}


class _EntryField(forms.ModelChoiceField):
    """A row's entry id, looked up among the entries the formset already read (one query for
    the page instead of one a row). An unknown id (deleted meanwhile, or another event's) is
    an error naming the row, never a server error."""

    def __init__(self, lookup, **kwargs):
        super().__init__(StaffTime.objects.none(), **kwargs)
        self._lookup = lookup

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        entry = self._lookup(int(text)) if text.isascii() and text.isdigit() else None
        if entry is None:
            raise ValidationError(ENTRY_GONE_MESSAGE, code="invalid_choice")
        return entry

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return False


ENTRY_GONE_MESSAGE = (
    "This entry was deleted after you opened this page, so nothing on this page was saved. "
    "Open the page again to see the entries as they are now"
)
# Entries drawn on one page of the form, and rows posted in one save at most (the page's
# entries and new rows): 80 rows of at most 7 fields stay far under Django's limit of 1,000
# fields a request (DATA_UPLOAD_MAX_NUMBER_FIELDS), so an event of any size can be saved.
ENTRIES_PER_PAGE = 50
MAX_ROWS_PER_SAVE = 80
# Spare rows drawn for new entries (more are added with "Add another row").
SPARE_ROWS_EMPTY_EVENT = 3
SPARE_ROWS = 1
# Digits an entry id may have (more cannot be an entry: refused before reaching the database).
_ID_DIGITS = 18


class BaseStaffTimeFormSet(forms.BaseInlineFormSet):
    """One page of an event's staff-time entries, and the new rows typed on it.

    ``page``: the page (a ``django.core.paginator.Page`` of entry ids in id order) that was
    drawn; ``entries_total``: the event's number of entries, to number new rows after them.
    A posted form reads back exactly the entries whose ids it carries, so a page stays the same
    page when others add or delete entries meanwhile. Rows are numbered as the user sees them
    (``row_number``) and every error names its row (``error_summary``).
    """

    default_error_messages = {
        "too_many_forms": "Save at most %(num)d rows at a time: save these rows, then add more.",
    }

    def __init__(self, data=None, *args, instance=None, page=None, entries_total=0, **kwargs):
        self.page = page
        self.entries_total = entries_total
        self.first_row = page.start_index() if page is not None and page.object_list else 1
        if data is not None:
            queryset = instance.staff_time.filter(pk__in=self._posted_ids(data))
        elif page is not None:
            queryset = instance.staff_time.filter(pk__in=list(page.object_list))
        else:
            queryset = instance.staff_time.all()
        kwargs["queryset"] = queryset.order_by("pk")
        super().__init__(data, *args, instance=instance, **kwargs)
        self.extra = SPARE_ROWS if entries_total else SPARE_ROWS_EMPTY_EVENT

    def _posted_ids(self, data) -> list[int]:
        prefix = self.get_default_prefix()
        try:
            initial = int(data.get(f"{prefix}-{INITIAL_FORM_COUNT}", "0"))
        except ValueError:
            initial = 0
        ids = []
        for i in range(min(max(initial, 0), MAX_ROWS_PER_SAVE)):
            value = str(data.get(f"{prefix}-{i}-id", ""))
            if value.isascii() and value.isdigit() and len(value) <= _ID_DIGITS:
                ids.append(int(value))
        return ids

    def add_fields(self, form, index):
        super().add_fields(form, index)
        old = form.fields["id"]
        form.fields["id"] = _EntryField(
            self._known_entry, initial=old.initial, required=False, widget=old.widget
        )

    def _known_entry(self, pk: int):
        if not hasattr(self, "_object_dict"):
            self._object_dict = {o.pk: o for o in self.get_queryset()}
        return self._object_dict.get(pk)

    def row_number(self, index: int) -> int:
        """The number the user sees for the row at ``index``: saved entries by their place
        among the event's entries, new rows after the last entry."""
        initial = self.initial_form_count()
        if index < initial:
            return self.first_row + index
        return self.entries_total + (index - initial) + 1

    def error_summary(self) -> list[tuple[str, str]]:
        """(id of the field to link to, message naming the row) for every error, in page
        order: the formset's own errors first, then each row's."""
        items = [(f"{self.prefix}-non-form-errors", str(e)) for e in self.non_form_errors()]
        for index, form in enumerate(self.forms):
            if not form.errors:
                continue
            row = self.row_number(index)
            for name, errors in form.errors.items():
                target = form[name].auto_id if name in form.fields and name != "id" else None
                target = target or form["team"].auto_id
                for error in errors:
                    items.append((target, f"Row {row}: {error}"))
        return items

    def add_entry_errors(self, entry, error: ValidationError) -> None:
        """Put a service's validation error of one entry onto the row that holds it."""
        for form in self.forms:
            if form.instance is entry:
                by_field = getattr(error, "message_dict", {None: error.messages})
                for name, messages in by_field.items():
                    field = name if name in form.fields else None
                    for message in messages:
                        form.add_error(field, message)
                return
        self._non_form_errors = self.error_class(error.messages, error_class="nonform")

    @classmethod
    def with_another_row(cls, data):
        """The posted data with one more (empty) row, for "Add another row" without JavaScript."""
        data = data.copy()
        key = f"{cls.get_default_prefix()}-{TOTAL_FORM_COUNT}"
        try:
            total = int(data.get(key, "0"))
        except ValueError:
            total = 0
        data[key] = str(min(max(total, 0) + 1, MAX_ROWS_PER_SAVE))
        return data


# Only saved entries can be deleted; a spare row is left empty instead.
StaffTimeFormSet = forms.inlineformset_factory(
    InspectionEvent,
    StaffTime,
    form=StaffTimeForm,
    formset=BaseStaffTimeFormSet,
    extra=SPARE_ROWS_EMPTY_EVENT,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_ROWS_PER_SAVE,
    absolute_max=MAX_ROWS_PER_SAVE,
)
