from django.dispatch import Signal

# Sent once when a moderator approves an entry (it becomes public): sender=BoerseEntry,
# entry=the entry. Offer/request matching and saved-search alerts listen to it.
entry_approved = Signal()
