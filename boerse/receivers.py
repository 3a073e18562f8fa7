from django.dispatch import receiver

from .signals import entry_approved


@receiver(entry_approved, dispatch_uid="boerse.match_on_approval")
def match_on_approval(sender, entry, **kwargs):
    from .services import match_entry

    match_entry(entry)
