from django import forms

from burden.govuk_forms import GovukDateField

from .models import InspectionEvent, InspectionOutcome, InspectionType, Phase, StaffTime, Team
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
    class Meta:
        model = StaffTime
        fields = ["team", "phase", "hours", "people", "note"]
        labels = {"people": "Number of people", "hours": "Hours"}
        help_texts = {"hours": "Total hours for the team in this phase, for example 37.5"}
        widgets = {"note": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK selects say what to choose rather than Django's "---------".
        self.fields["team"].choices = [("", "Choose a team"), *Team.choices]
        self.fields["phase"].choices = [("", "Choose a phase"), *Phase.choices]


# Only saved entries can be deleted; a spare row is left empty instead.
StaffTimeFormSet = forms.inlineformset_factory(
    InspectionEvent, StaffTime, form=StaffTimeForm, extra=3, can_delete=True, can_delete_extra=False
)
