"""Forms of the meetings editor and of a meeting's register."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.attendance import Mark, MeetingRow
from training.models import Attendance, Meeting


class MeetingForm(forms.Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts_at = forms.TimeField(label=_("starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends_at = forms.TimeField(label=_("ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    hours = forms.DecimalField(label=_("hours"), min_value=0.25, max_digits=4, decimal_places=2)
    place = forms.CharField(label=_("place"), required=False, max_length=200)
    topic = forms.CharField(label=_("topic"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", forms.ValidationError(_("A meeting ends after it starts."), code="order"))
        return data

    def row(self) -> MeetingRow:
        data = self.cleaned_data
        return MeetingRow(
            pk=data.get("meeting"),
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            hours=data["hours"],
            place=data.get("place", ""),
            topic=data.get("topic", ""),
            delete=bool(data.get("DELETE")),
        )


class BaseMeetingFormSet(forms.BaseFormSet):
    def rows(self) -> list[MeetingRow]:
        # The forms shown filled (saved or proposed meetings) and any blank one filled in.
        return [form.row() for i, form in enumerate(self.forms) if i < self.initial_form_count() or form.has_changed()]


MeetingFormSet = forms.formset_factory(MeetingForm, formset=BaseMeetingFormSet, extra=1, can_delete=True)


def meeting_initial(meetings: list[Meeting]) -> list[dict]:
    return [
        {
            "meeting": meeting.pk,
            "date": meeting.date,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "hours": meeting.hours,
            "place": meeting.place,
            "topic": meeting.topic,
        }
        for meeting in meetings
    ]


class MarkForm(forms.Form):
    """One person at one meeting. Late needs the time they arrived, left
    early the time they left, excused a reason (the service says so)."""

    trainee = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("attendance"), required=False, choices=[("", _("Not marked")), *Attendance.Status.choices]
    )
    arrived = forms.TimeField(
        label=_("arrived at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    left = forms.TimeField(
        label=_("left at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(label=_("reason"), required=False, max_length=200)

    def mark(self) -> Mark | None:
        data = self.cleaned_data
        if not data["status"]:
            return None
        return Mark(status=data["status"], arrived=data["arrived"], left=data["left"], reason=data["reason"])


class BaseMarkFormSet(forms.BaseFormSet):
    def marks(self) -> dict[int, Mark]:
        """The marks that were changed on the page, by trainee id."""
        return {
            form.cleaned_data["trainee"]: form.mark()
            for form in self.forms
            if form.has_changed() and form.mark() is not None
        }


MarkFormSet = forms.formset_factory(MarkForm, formset=BaseMarkFormSet, extra=0)


def mark_initial(trainee_id: int, attendance: Attendance | None) -> dict:
    if attendance is None:
        return {"trainee": trainee_id}

    def local(moment):
        return timezone.localtime(moment).time().replace(second=0, microsecond=0) if moment else None

    return {
        "trainee": trainee_id,
        "status": attendance.status,
        "arrived": local(attendance.checked_in_at),
        "left": local(attendance.checked_out_at),
        "reason": attendance.reason,
    }
