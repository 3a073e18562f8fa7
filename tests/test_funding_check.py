"""The Förder-Check rules at their edges (pure module) and the check page's input handling."""

from decimal import Decimal as D

import pytest

from funding.check import DURATION, PARTNERS, RATE, SAVINGS, START, CheckInput, run_check
from funding.forms import parse_german_decimal


def check(**overrides):
    fields = {
        "partners_nrw": 2,
        "partners_other": 0,
        "eligible_costs": D(1_000_000),
        "duration_years": D(5),
        "applied_before_start": True,
        "savings_percent": D(15),
    }
    fields.update(overrides)
    return run_check(CheckInput(**fields))


# --- partners and the fixed amount ---


def test_two_nrw_partners_get_the_fixed_175000():
    result = check(partners_nrw=2)
    assert result.condition(PARTNERS).passed is True
    assert result.fixed_amount == D(175_000)
    assert result.max_grant == D(175_000)
    assert result.fundable is None  # no requested sum: the rate cannot be judged
    assert any("175.000 EUR" in line for line in result.calculation)


def test_three_partners_add_35000():
    result = check(partners_nrw=3)
    assert result.fixed_amount == D(210_000)
    assert result.max_grant == D(210_000)
    assert "1 × 35.000 EUR" in result.condition(PARTNERS).reason


def test_further_partner_outside_nrw_counts_too():
    assert check(partners_nrw=2, partners_other=1).fixed_amount == D(210_000)
    assert check(partners_nrw=4, partners_other=1).fixed_amount == D(280_000)


def test_cross_border_with_one_nrw_partner_is_75000():
    result = check(partners_nrw=1, partners_other=1)
    assert result.condition(PARTNERS).passed is True
    assert result.kind == "cross-border"
    assert result.max_grant == D(75_000)
    assert "Grenzüberschreitend" in result.condition(PARTNERS).reason
    # still capped by 90 % of the costs
    assert check(partners_nrw=1, partners_other=3, eligible_costs=D(50_000)).max_grant == D(45_000)


@pytest.mark.parametrize("nrw,other", [(1, 0), (0, 0), (0, 3)])
def test_fewer_than_two_partners_or_no_nrw_partner_is_not_fundable(nrw, other):
    result = check(partners_nrw=nrw, partners_other=other)
    assert result.condition(PARTNERS).passed is False
    assert result.max_grant == 0
    assert result.fundable is False


def test_max_grant_is_capped_at_90_percent_of_costs():
    result = check(partners_nrw=2, eligible_costs=D(100_000))
    assert result.rate_cap == D(90_000)
    assert result.max_grant == D(90_000)
    assert result.calculation[-1] == "Höchstförderung: der kleinere Betrag = 90.000 EUR"


# --- the funding share: 89 / 90 / 91 % ---


@pytest.mark.parametrize(
    "requested,passed", [(D(89_000), True), (D(90_000), True), (D(91_000), False)]
)
def test_requested_share_against_the_90_percent_cap(requested, passed):
    result = check(eligible_costs=D(100_000), requested_grant=requested)
    condition = result.condition(RATE)
    assert condition.passed is passed
    assert f"{requested // 1000} %" in condition.reason
    assert result.fundable is passed


def test_share_just_above_90_percent_fails():
    result = check(eligible_costs=D(100_000), requested_grant=D("90000.01"))
    assert result.condition(RATE).passed is False


def test_requested_above_the_fixed_amount_is_noted():
    result = check(eligible_costs=D(1_000_000), requested_grant=D(500_000))
    assert result.condition(RATE).passed is True
    assert "Festbetrag begrenzt" in result.condition(RATE).reason
    assert result.max_grant == D(175_000)


def test_zero_costs_fail_and_give_no_grant():
    result = check(eligible_costs=D(0))
    assert result.condition(RATE).passed is False
    assert result.max_grant == 0
    assert result.fundable is False


# --- duration 4.9 vs 5 years ---


@pytest.mark.parametrize("years,passed", [(D("4.9"), False), (D(5), True), (D("5.1"), True)])
def test_duration_at_least_five_years(years, passed):
    condition = check(duration_years=years).condition(DURATION)
    assert condition.passed is passed
    assert ("4,9 Jahre" in condition.reason) is (years == D("4.9"))


# --- savings 14.9 vs 15 % or a substantial service improvement ---


@pytest.mark.parametrize("savings,passed", [(D("14.9"), False), (D(15), True), (D(40), True)])
def test_savings_at_least_15_percent(savings, passed):
    condition = check(savings_percent=savings).condition(SAVINGS)
    assert condition.passed is passed


def test_service_improvement_replaces_savings_only_with_a_reason():
    with_reason = check(
        savings_percent=D("14.9"),
        service_improvement=True,
        service_improvement_reason="Bürgerbüro an sechs statt zwei Tagen geöffnet",
    ).condition(SAVINGS)
    assert with_reason.passed is True
    assert "Bürgerbüro" in with_reason.reason
    without_reason = check(savings_percent=None, service_improvement=True).condition(SAVINGS)
    assert without_reason.passed is False
    assert check(savings_percent=None).condition(SAVINGS).passed is False


def test_application_must_come_before_the_start():
    assert check(applied_before_start=True).condition(START).passed is True
    result = check(applied_before_start=False)
    assert result.condition(START).passed is False
    assert "Bezirksregierung" in result.condition(START).reason
    assert result.fundable is False


def test_all_conditions_met_is_fundable():
    result = check(partners_nrw=3, eligible_costs=D(300_000), requested_grant=D(210_000))
    assert [c.passed for c in result.conditions] == [True] * 5
    assert result.fundable is True
    assert result.max_grant == D(210_000)


def test_huge_numbers_stay_exact():
    result = check(
        partners_nrw=1000,
        partners_other=1000,
        eligible_costs=D(10) ** 12,
        requested_grant=D(9) * D(10) ** 11,
    )
    assert result.fixed_amount == D(175_000) + D(35_000) * 1998
    assert result.max_grant == result.fixed_amount
    assert result.condition(RATE).passed is True


# --- German number input ---


@pytest.mark.parametrize(
    "text,thousands,expected",
    [
        ("175.000", True, D(175_000)),
        ("1.000.000,50", True, D("1000000.50")),
        ("250000,5", True, D("250000.5")),
        ("250000.5", True, D("250000.5")),
        ("4,9", False, D("4.9")),
        ("4.9", False, D("4.9")),
        ("15 %", False, D(15)),
        ("", False, None),
    ],
)
def test_parse_german_decimal(text, thousands, expected):
    assert parse_german_decimal(text, thousands=thousands) == expected


@pytest.mark.parametrize("text", ["-1", "abc", "1,2,3", "1e9", "NaN", "Infinity"])
def test_parse_german_decimal_rejects(text):
    with pytest.raises(ValueError):
        parse_german_decimal(text, thousands=True)


# --- the page: bad input is a 400 with the reason and what was typed ---

URL = "/foerderung/check/"
GOOD = {
    "nrw": "2",
    "extern": "0",
    "kosten": "100.000",
    "beantragt": "90.000",
    "laufzeit": "5",
    "einsparung": "15",
    "vor_beginn": "ja",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "param,value,message",
    [
        ("kosten", "-5", "darf nicht negativ sein"),
        ("nrw", "-1", "nicht negativ"),
        ("laufzeit", "-4,9", "darf nicht negativ sein"),
        ("einsparung", "-3", "darf nicht negativ sein"),
        ("kosten", "zehn", "muss eine Zahl sein"),
        ("kosten", "1" + "0" * 13, "zu groß"),
        ("nrw", "9" * 30, "Höchstens 1.000 Partner"),
        ("laufzeit", "1000", "zu groß"),
        ("einsparung", "101", "zu groß"),
        ("vor_beginn", "vielleicht", "„Ja“ oder „Nein“"),
        ("kosten", "", "förderfähigen Kosten in EUR angeben"),
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_the_typed_value(client, param, value, message):
    response = client.get(URL, {**GOOD, param: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    if value and param != "vor_beginn":
        assert f'value="{value}"' in html
    assert "Höchstmögliche Förderung" not in html


@pytest.mark.django_db
def test_improvement_ticked_without_reason_is_a_400(client):
    response = client.get(URL, {**GOOD, "einsparung": "", "verbesserung": "1"})
    assert response.status_code == 400
    assert "Bitte kurz begründen" in response.content.decode()


@pytest.mark.django_db
def test_huge_but_allowed_numbers_compute(client):
    response = client.get(
        URL, {**GOOD, "nrw": "1000", "extern": "1000", "kosten": "999.999.999.999"}
    )
    assert response.status_code == 200
    assert "70.105.000 EUR" in response.content.decode()  # 175.000 + 1.998 × 35.000


# --- partners as names from the register, and the link from a profile ---


@pytest.mark.django_db
def test_partner_names_are_counted_from_the_register(client):
    response = client.get(URL, {**GOOD, "nrw": "Erwitte, Geseke", "extern": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 Partner in NRW: Festbetrag 175.000 EUR" in html
    assert "Gezählt als Partner in NRW (2): Erwitte (Kreis Soest), Geseke (Kreis Soest)" in html
    # Semicolons, "und", keys and a Kreis work too; a name given twice counts once.
    response = client.get(
        URL, {**GOOD, "nrw": "Erwitte; 05974012 und Kreis Soest, erwitte", "extern": "München"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gezählt als Partner in NRW (3)" in html
    assert "Gezählt als Partner außerhalb von NRW (1): München" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "param,value,message",
    [
        ("nrw", "Erwitte, Atlantis", "„Atlantis“ steht nicht im Gemeindeverzeichnis"),
        ("nrw", "München", "„München“ liegt außerhalb von NRW (München (Bayern, AGS 09162000))"),
        ("extern", "Geseke", "„Geseke“ liegt in NRW"),
        ("nrw", "", "Bitte die Zahl der Partner oder ihre Namen angeben"),
    ],
)
def test_unknown_partner_names_are_a_400_that_keeps_the_input(client, param, value, message):
    response = client.get(URL, {**GOOD, param: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{value}"' in html
    assert "Höchstmögliche Förderung" not in html


@pytest.mark.django_db
def test_ambiguous_names_ask_for_the_key(client):
    # Outside NRW the register has several municipalities called "Neuenkirchen".
    response = client.get(URL, {**GOOD, "extern": "Neuenkirchen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "„Neuenkirchen“ gibt es außerhalb von Nordrhein-Westfalen mehrmals" in html
    assert "Gemeindeschlüssel (AGS)" in html


@pytest.mark.django_db
def test_profile_link_fills_in_the_partner_counts(client, make_profile):
    from django.core.management import call_command

    call_command("load_funding_programmes")  # the programme with the check
    profile = make_profile(
        "Gemeinsamer Bauhof",
        partners=[("05974016", "lead"), ("05974012", "member"), ("09162000", "member")],
    )
    page = client.get(profile.url).content.decode()
    assert f'href="/foerderung/check/?steckbrief={profile.pk}"' in page

    response = client.get(URL, {"steckbrief": profile.pk})
    assert response.status_code == 200  # a prefilled form, not a form full of errors
    html = response.content.decode()
    assert 'id="id_nrw" name="nrw" value="2"' in html
    assert 'id="id_extern" name="extern" value="1"' in html
    assert "Aus dem Steckbrief" in html and "Gemeinsamer Bauhof" in html
    assert 'class="error-summary"' not in html
    # Counts come from the profile, never from the URL; unknown ids change nothing.
    for bad in ("999999999", "abc", "-1"):
        other = client.get(URL, {"steckbrief": bad})
        assert other.status_code == 200
        assert "Aus dem Steckbrief" not in other.content.decode()


@pytest.mark.django_db
def test_met_and_unmet_differ_in_text_and_icon_shape(client):
    response = client.get(URL, {**GOOD, "laufzeit": "2"})
    html = response.content.decode()
    met = html.index('check-result--met">')
    unmet = html.index('check-result--unmet">')
    assert "<circle" in html[met : met + 400] and "erfüllt" in html[met : met + 600]
    assert "<rect" in html[unmet : unmet + 400] and "nicht erfüllt" in html[unmet : unmet + 800]
    # Icons are decoration: the text says it.
    assert html.count('class="result-icon') == html.count('aria-hidden="true" focusable="false"')
