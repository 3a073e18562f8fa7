"""The Förder-Check for the NRW Förderrichtlinie IKZ (rules of 31.08.2021). No web code.

``run_check(CheckInput(...))`` returns a ``CheckResult``: each condition with passed
(True, False, or None when it cannot be judged from the input) and a plain-German reason,
and the maximum grant with its calculation. Orientation only, not legal advice: what counts
is the Förderrichtlinie and the decision of the Bezirksregierung. The reading of the rules
is documented in docs/funding.md.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kooperationsatlas.numbers import de_number

FIXED_TWO_PARTNERS = Decimal(175_000)
FIXED_PER_FURTHER_PARTNER = Decimal(35_000)
FIXED_CROSS_BORDER = Decimal(75_000)
MAX_RATE_PERCENT = Decimal(90)
MIN_DURATION_YEARS = Decimal(5)
MIN_SAVINGS_PERCENT = Decimal(15)

RULES_DATE = "31.08.2021"
DISCLAIMER = (
    "Orientierung, keine Rechtsauskunft; maßgeblich ist die Förderrichtlinie und die "
    "Bezirksregierung."
)

PARTNERS = "Partner"
RATE = "Förderquote"
DURATION = "Laufzeit"
SAVINGS = "Einsparung oder Leistungsverbesserung"
START = "Antrag vor Projektbeginn"
COSTS = "Förderfähige Kosten"


@dataclass(frozen=True)
class CheckInput:
    partners_nrw: int
    partners_other: int
    eligible_costs: Decimal
    duration_years: Decimal
    applied_before_start: bool
    savings_percent: Decimal | None = None
    service_improvement: bool = False
    service_improvement_reason: str = ""
    requested_grant: Decimal | None = None


@dataclass(frozen=True)
class Condition:
    name: str
    passed: bool | None
    reason: str


@dataclass
class CheckResult:
    conditions: list[Condition]
    fixed_amount: Decimal
    rate_cap: Decimal
    max_grant: Decimal
    calculation: list[str] = field(default_factory=list)
    kind: str = ""

    @property
    def fundable(self):
        """False if any condition fails; None if none fails but one cannot be judged."""
        if any(c.passed is False for c in self.conditions):
            return False
        if any(c.passed is None for c in self.conditions):
            return None
        return True

    def condition(self, name):
        return next(c for c in self.conditions if c.name == name)


def eur(value):
    """German amount: Decimal("175000") -> "175.000 EUR", 1234.5 -> "1.234,50 EUR"."""
    value = Decimal(value)
    return de_number(value, 0 if value == value.to_integral() else 2) + " EUR"


def number(value):
    """German decimal without trailing zeros: Decimal("4.90") -> "4,9"."""
    return de_number(Decimal(value))


def percent(value):
    return f"{number(value)} %"


def _partners(data):
    nrw, other = data.partners_nrw, data.partners_other
    total = nrw + other
    if nrw >= 2:
        further = total - 2
        fixed = FIXED_TWO_PARTNERS + FIXED_PER_FURTHER_PARTNER * further
        reason = f"{nrw} Partner in NRW" + (f" und {other} außerhalb von NRW" if other else "")
        reason += f": Festbetrag {eur(FIXED_TWO_PARTNERS)} für zwei Partner"
        if further:
            reason += (
                f" zuzüglich {further} × {eur(FIXED_PER_FURTHER_PARTNER)} für jeden weiteren "
                f"Partner = {eur(fixed)}."
            )
        else:
            reason += "."
        return Condition(PARTNERS, True, reason), fixed, "ikz"
    if nrw == 1 and other >= 1:
        reason = (
            f"Grenzüberschreitendes Projekt mit einem NRW-Partner und {other} Partner"
            f"{'n' if other > 1 else ''} außerhalb von NRW: Festbetrag "
            f"{eur(FIXED_CROSS_BORDER)}."
        )
        return Condition(PARTNERS, True, reason), FIXED_CROSS_BORDER, "cross-border"
    if nrw == 0:
        reason = (
            "Kein Partner in NRW: Die Förderrichtlinie IKZ NRW fördert nur Kooperationen mit "
            "mindestens einem NRW-Partner."
        )
    else:
        reason = (
            "Nur ein Partner: Gefördert wird die Zusammenarbeit von mindestens zwei NRW-Partnern "
            "oder ein grenzüberschreitendes Projekt eines NRW-Partners mit Partnern außerhalb "
            "von NRW."
        )
    return Condition(PARTNERS, False, reason), Decimal(0), "none"


def _rate(data, max_grant):
    costs = data.eligible_costs
    if costs <= 0:
        return Condition(
            RATE,
            False,
            "Ohne förderfähige Kosten gibt es keine Förderung (höchstens 90 % der "
            "förderfähigen Kosten).",
        )
    if data.requested_grant is None:
        return Condition(
            RATE,
            None,
            f"Keine beantragte Summe angegeben. Höchstens {percent(MAX_RATE_PERCENT)} der "
            f"förderfähigen Kosten von {eur(costs)}; möglich sind hier höchstens "
            f"{eur(max_grant)}.",
        )
    requested = data.requested_grant
    share = requested * 100 / costs
    shown = percent(share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if requested * 100 <= MAX_RATE_PERCENT * costs:
        reason = (
            f"Beantragt {eur(requested)} von {eur(costs)} förderfähigen Kosten = {shown}; "
            f"zulässig sind höchstens {percent(MAX_RATE_PERCENT)}."
        )
        if requested > max_grant:
            reason += f" Der Festbetrag begrenzt die Förderung aber auf {eur(max_grant)}."
        return Condition(RATE, True, reason)
    return Condition(
        RATE,
        False,
        f"Beantragt {eur(requested)} von {eur(costs)} förderfähigen Kosten = {shown}; das ist "
        f"mehr als die zulässigen {percent(MAX_RATE_PERCENT)}.",
    )


def _duration(data):
    years = data.duration_years
    if years >= MIN_DURATION_YEARS:
        return Condition(
            DURATION,
            True,
            f"{number(years)} Jahre; verlangt sind mindestens {number(MIN_DURATION_YEARS)} Jahre.",
        )
    return Condition(
        DURATION,
        False,
        f"{number(years)} Jahre sind weniger als die verlangten mindestens "
        f"{number(MIN_DURATION_YEARS)} Jahre.",
    )


def _savings(data):
    savings = data.savings_percent
    reason_text = data.service_improvement_reason.strip()
    if savings is not None and savings >= MIN_SAVINGS_PERCENT:
        return Condition(
            SAVINGS,
            True,
            f"Erwartete Einsparung {percent(savings)}; verlangt sind mindestens "
            f"{percent(MIN_SAVINGS_PERCENT)}.",
        )
    before = (
        f"Erwartete Einsparung {percent(savings)} liegt unter {percent(MIN_SAVINGS_PERCENT)}"
        if savings is not None
        else "Keine Einsparung angegeben"
    )
    if data.service_improvement and reason_text:
        return Condition(
            SAVINGS,
            True,
            f"{before}, aber eine wesentliche Leistungsverbesserung wird angegeben: "
            f"„{reason_text}“. Ob sie als wesentlich gilt, entscheidet die Bezirksregierung.",
        )
    if data.service_improvement:
        return Condition(
            SAVINGS,
            False,
            f"{before}; die wesentliche Leistungsverbesserung ist angekreuzt, aber nicht "
            "begründet.",
        )
    return Condition(
        SAVINGS,
        False,
        f"{before}, und keine wesentliche Leistungsverbesserung angegeben. Verlangt sind "
        f"mindestens {percent(MIN_SAVINGS_PERCENT)} Einsparung oder eine wesentliche "
        "Leistungsverbesserung.",
    )


def _start(data):
    if data.applied_before_start:
        return Condition(
            START, True, "Der Antrag wird vor Projektbeginn bei der Bezirksregierung gestellt."
        )
    return Condition(
        START,
        False,
        "Der Antrag muss vor Projektbeginn bei der Bezirksregierung gestellt werden; ein "
        "bereits begonnenes Projekt wird nicht gefördert.",
    )


def run_check(data):
    """The Förder-Check result for one CheckInput."""
    partner_condition, fixed, kind = _partners(data)
    costs = max(data.eligible_costs, Decimal(0))
    rate_cap = (costs * MAX_RATE_PERCENT / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    max_grant = min(fixed, rate_cap)
    if max_grant == max_grant.to_integral():
        max_grant = max_grant.quantize(Decimal(1))
    if kind == "none":
        calculation = ["Keine Förderung: die Voraussetzung an die Partner ist nicht erfüllt."]
    else:
        calculation = [
            f"Festbetrag: {eur(fixed)}"
            + (
                f" ({eur(FIXED_TWO_PARTNERS)} + {data.partners_nrw + data.partners_other - 2}"
                f" × {eur(FIXED_PER_FURTHER_PARTNER)})"
                if kind == "ikz" and data.partners_nrw + data.partners_other > 2
                else ""
            ),
            f"{percent(MAX_RATE_PERCENT)} der förderfähigen Kosten: "
            f"{percent(MAX_RATE_PERCENT)} × {eur(costs)} = {eur(rate_cap)}",
            f"Höchstförderung: der kleinere Betrag = {eur(max_grant)}",
        ]
    conditions = [
        partner_condition,
        _rate(data, max_grant),
        _duration(data),
        _savings(data),
        _start(data),
    ]
    return CheckResult(
        conditions=conditions,
        fixed_amount=fixed,
        rate_cap=rate_cap,
        max_grant=max_grant,
        calculation=calculation,
        kind=kind,
    )
