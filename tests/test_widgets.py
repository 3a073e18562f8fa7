"""GroupedCheckboxes: the one widget for choosing several task areas or Kreise.

Every multi-choice field of the public forms (Börse, report, saved search) renders grouped
checkboxes, never a Ctrl/Cmd multi-select list; the posted values stay the primary keys.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import MunicipalAccount
from alerts.forms import SavedSearchForm
from boerse.forms import EntryForm
from cooperations.taxonomy import TaskArea
from kooperationsatlas.widgets import GroupedCheckboxes
from register.models import County, Municipality, State
from reports.forms import ReportForm

pytestmark = pytest.mark.django_db


def soup(html):
    return BeautifulSoup(str(html), "html.parser")


def groups_of(html):
    """{group heading: [option labels]} of a rendered GroupedCheckboxes widget."""
    found = {}
    for group in soup(html).select(".multichoice__group"):
        heading = group.find(["legend", "summary"]).get_text(" ", strip=True)
        heading = heading.split(" (")[0]
        found[heading] = [label.get_text(strip=True) for label in group.select("label")]
    return found


def test_task_areas_are_grouped_under_their_top_level_area():
    form = EntryForm()
    groups = groups_of(form["task_areas"])
    roots = list(TaskArea.objects.filter(parent=None).order_by("sort_order", "name"))
    assert list(groups) == [root.name for root in roots]
    assert groups["Bürgerdienste und Ordnung"][0] == "Bürgerdienste und Ordnung (ganzer Bereich)"
    assert "Standesamt" in groups["Bürgerdienste und Ordnung"]
    assert sum(len(labels) for labels in groups.values()) == TaskArea.objects.count()


def test_every_checkbox_has_its_own_label_and_posts_the_primary_key():
    standesamt = TaskArea.objects.get(slug="standesamt")
    html = soup(EntryForm(data={"task_areas": [str(standesamt.pk)]})["task_areas"])
    boxes = html.select("input[type=checkbox]")
    assert len(boxes) == TaskArea.objects.count()
    assert len({box["id"] for box in boxes}) == len(boxes)
    for box in boxes:
        assert box["name"] == "task_areas"
        assert html.find("label", attrs={"for": box["id"]})
    checked = html.select("input[checked]")
    assert [box["value"] for box in checked] == [str(standesamt.pk)]
    assert html.select_one(".multichoice")["id"] == "id_task_areas"


def test_kreise_are_folded_by_land_and_a_land_with_a_choice_is_open():
    soest = County.objects.get(key="05974")
    html = soup(EntryForm(data={"region_counties": [str(soest.pk)]})["region_counties"])
    folded = html.select("details.multichoice__group")
    assert len(folded) == State.objects.count()
    opened = [group for group in folded if group.has_attr("open")]
    assert [group.summary.get_text(" ", strip=True) for group in opened] == [
        "Nordrhein-Westfalen (1 ausgewählt)"
    ]
    # Inside the fold the Land is the group's name for screen readers too.
    assert opened[0].fieldset.legend.get_text(strip=True) == "Nordrhein-Westfalen"
    assert len(html.select("input[type=checkbox]")) == County.objects.count()


@pytest.mark.parametrize(
    "form_class, fields",
    [
        (EntryForm, ["task_areas", "region_counties"]),
        (ReportForm, ["task_areas"]),
        (SavedSearchForm, ["task_areas", "counties"]),
    ],
)
def test_every_multi_choice_field_uses_the_widget(form_class, fields):
    form = form_class()
    multiple = [
        name
        for name, field in form.fields.items()
        if getattr(field.widget, "allow_multiple_selected", False)
    ]
    assert sorted(multiple) == sorted(fields)
    for name in fields:
        assert isinstance(form.fields[name].widget, GroupedCheckboxes)
        assert "js/multichoice.js" in str(form.media)


@pytest.fixture
def municipal_client():
    user = User.objects.create_user("widget", "widget@kommune.example", "pw")
    MunicipalAccount.objects.create(
        user=user,
        municipality=Municipality.objects.get(ags="05974016"),
        function="Organisation",
        verified=True,
    )
    client = Client()
    client.force_login(user)
    return client


FORM_URLS = ["/boerse/neu/", "/konto/meldungen/neu/", "/benachrichtigungen/neu/"]


@pytest.mark.parametrize("url", FORM_URLS)
def test_public_forms_have_no_multi_select_list(municipal_client, url):
    response = municipal_client.get(url)
    assert response.status_code == 200
    html = soup(response.content)
    assert not html.select("select[multiple]")
    assert html.select(".multichoice input[type=checkbox][name]")
    # The filter is JavaScript's; the script is loaded from the site itself.
    assert html.find("script", src="/static/js/multichoice.js")
