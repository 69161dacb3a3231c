from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import Course, CourseSession, TrainingBase


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Course title or code")})
    )
    base = forms.ModelChoiceField(
        label=_("training base"), required=False, queryset=TrainingBase.objects.all(), empty_label=_("All")
    )
    topic = forms.ChoiceField(label=_("topic"), required=False, choices=[("", _("All")), *Course.Topic.choices])

    def filter(self, sessions):
        data = self.cleaned_data
        if data["q"]:
            sessions = sessions.filter(Q(course__title__icontains=data["q"]) | Q(course__code__icontains=data["q"]))
        if data["base"]:
            sessions = sessions.filter(course__base=data["base"])
        if data["topic"]:
            sessions = sessions.filter(course__topic=data["topic"])
        return sessions


class CapacityForm(forms.ModelForm):
    class Meta:
        model = CourseSession
        fields = ["capacity"]


class ResultForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    attended_hours = forms.DecimalField(
        label=_("attended hours"), required=False, min_value=0, max_digits=5, decimal_places=1
    )
    score = forms.DecimalField(label=_("score"), required=False, min_value=0, max_value=100, decimal_places=1)
    note = forms.CharField(label=_("result note"), required=False, max_length=200)


ResultFormSet = forms.formset_factory(ResultForm, extra=0)
