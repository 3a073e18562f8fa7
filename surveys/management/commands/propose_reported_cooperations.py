from django.core.management.base import BaseCommand, CommandError

from surveys.drafts import propose_all
from surveys.results import result_campaigns


class Command(BaseCommand):
    help = (
        "Propose every cooperation reported by two or more of its partners (same task area, "
        "each naming the other) as a draft profile in the moderation workflow. Safe to run "
        "again: a cooperation is proposed once per campaign."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="only this campaign (id)")

    def handle(self, *args, **options):
        campaigns = result_campaigns()
        if options["campaign"] is not None:
            campaigns = campaigns.filter(pk=options["campaign"])
            if not campaigns:
                raise CommandError(
                    f"--campaign {options['campaign']}: keine begonnene Erhebung mit dieser Id."
                )
        for campaign in campaigns:
            pages, before = propose_all(campaign)
            self.stdout.write(
                f"{campaign.title}: {len(pages)} neue Entwürfe, {before} schon früher vorgeschlagen"
            )
            for page in pages:
                self.stdout.write(f"  {page.title} (Seite {page.pk})")
