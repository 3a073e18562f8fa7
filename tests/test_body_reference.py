"""register.models.BodyReference: the one "municipality or Kreis" of accounts, access
requests, Börse entries, partners and reports, and the migrations that introduced it."""

import os

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import AccessRequest, MunicipalAccount
from boerse.models import BoerseEntry
from cooperations.models import CooperationPartner
from register.models import BodyReference, County, Municipality
from reports.models import Report
from tests.test_tasks import postgres_database, run_worker_scenario

pytestmark = pytest.mark.django_db


def test_the_four_models_share_the_reference():
    for model in (MunicipalAccount, AccessRequest, BoerseEntry, CooperationPartner, Report):
        assert issubclass(model, BodyReference), model
        assert {f.name for f in model._meta.get_fields()} >= {"municipality", "county"}
    names = {c.name for c in MunicipalAccount._meta.constraints}
    assert names == {"accounts_municipalaccount_exactly_one_body"}
    assert {c.name for c in Report._meta.constraints} == {"reports_report_exactly_one_body"}


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_body_is_enforced_by_the_database(both, django_user_model):
    erwitte = Municipality.objects.get(ags="05974016")
    soest = County.objects.get(key="05974")
    user = django_user_model.objects.create(username="x")
    account = MunicipalAccount(
        user=user, municipality=erwitte if both else None, county=soest if both else None
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        account.save()


def test_helpers(django_user_model):
    erwitte = Municipality.objects.get(ags="05974016")
    soest = County.objects.get(key="05974")
    town = MunicipalAccount(user=django_user_model(username="a"), municipality=erwitte)
    kreis = AccessRequest(name="B", email="b@example.org", county=soest)
    assert town.body == erwitte and town.body_name == "Erwitte"
    assert kreis.body == soest and kreis.body_name == "Kreis Soest"
    assert town.same_body(BoerseEntry(municipality=erwitte))
    assert not town.same_body(kreis)
    assert town.refers_to(municipality=erwitte) and not town.refers_to(county=soest)
    assert town.body_filter("entry__") == Q(entry__municipality_id=erwitte.pk)
    assert kreis.body_filter() == Q(county_id=soest.pk)
    partner = CooperationPartner(organisation="GPA NRW")
    assert partner.body is None and partner.name == "GPA NRW"


def test_the_migrations_keep_every_row(tmp_path):
    """Rows written with the models before BodyReference survive every migration (SQLite
    file or a fresh PostgreSQL database, as the suite runs)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        admin, name, url = postgres_database(os.environ["DATABASE_URL"])
    else:
        admin, url = None, f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    try:
        seen = run_worker_scenario(url, module="tests.migration_worker")
    finally:
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    assert seen["accounts"] == [["erwitte", "Erwitte"], ["kreis", "Kreis Soest"]]
    assert seen["access_requests"] == ["Kreis Soest"]
    assert seen["entries"] == [["Beihilfe", "Erwitte"]]
    # The report whose body was emptied takes its reporter's account's body.
    assert seen["reports"] == [["Mit Gemeinde", "Erwitte"], ["Ohne Körperschaft", "Kreis Soest"]]
    assert seen["constraint"] is True
