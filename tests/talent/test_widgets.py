"""PlainSelect writes the same HTML as Django's Select, only faster."""

import pytest
from django import forms
from django.test.html import parse_html

from talent.models import Organization
from talent.widgets import PlainSelect
from tests.factories import OrganizationFactory

CHOICES = [
    ("", "全部"),
    ("a", 'Tom & "Jerry" <b>'),
    ("b", "社会工作者"),
    ("Groups", [("g1", "第一组"), ("g2", "第二组")]),
]


def both(field_of, value, attrs=None):
    plain = field_of(PlainSelect).widget.render("choice", value, attrs)
    django = field_of(forms.Select).widget.render("choice", value, attrs)
    return parse_html(plain), parse_html(django)


@pytest.mark.parametrize("value", [None, "", "a", "g2", "missing"])
def test_the_html_is_djangos(value):
    plain, django = both(
        lambda widget: forms.ChoiceField(choices=CHOICES, widget=widget), value, {"id": "id_choice", "class": "x"}
    )
    assert plain == django
    assert "&lt;b&gt;" in str(plain) and "<b>" not in str(plain)


@pytest.mark.django_db
def test_the_html_is_djangos_for_model_choices():
    organizations = [OrganizationFactory(name=name) for name in ("红旗社工服务中心", "<script>")]
    for value in (None, organizations[1].pk):
        plain, django = both(
            lambda widget: forms.ModelChoiceField(
                queryset=Organization.objects.all(), empty_label="全部", required=False, widget=widget
            ),
            value,
        )
        assert plain == django
