"""A permission policy for records the admin shows but never creates or edits.

Access follows the editorial groups (kooperationsatlas.editorial) instead of extra Django
permissions, so the groups' permission sets stay as the editorial migration made them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from kooperationsatlas.editorial import EDITORS_GROUP, MODERATORS_GROUP

READ_ONLY_DENIED = {"add", "change", "copy", "publish", "lock", "unlock"}


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View for the given groups, delete for the moderation; never add or change.

    Superusers and users with the model's own Django permissions keep them (except add
    and change): the records come only from the public forms.
    """

    def __init__(self, model, view_groups=(EDITORS_GROUP, MODERATORS_GROUP)):
        super().__init__(model)
        self.groups_for = {"view": set(view_groups), "delete": {MODERATORS_GROUP}}

    def user_has_permission(self, user, action):
        if action in READ_ONLY_DENIED or not (user and user.is_active):
            return False
        if super().user_has_permission(user, action):
            return True
        groups = self.groups_for.get(action)
        return bool(groups) and user.groups.filter(name__in=groups).exists()

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in READ_ONLY_DENIED]
        users = get_user_model().objects.filter(is_active=True)
        if not actions:
            return users.none()
        groups = set().union(*(self.groups_for.get(action, set()) for action in actions))
        by_permission = super().users_with_any_permission(actions).values("pk")
        return users.filter(Q(pk__in=by_permission) | Q(groups__name__in=groups)).distinct()
