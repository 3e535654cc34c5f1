"""탈퇴 (account deletion that keeps an anonymized row) and never-verified accounts."""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from unse.accounts.ids import not_found
from unse.accounts.models import GuardianConsent, User

logger = logging.getLogger(__name__)

DELETED_USERNAME_PREFIX = "deleted-"


# Relations to the user kept on deletion: they record what *staff* did, not the user's personal data.
KEPT_RELATIONS = frozenset({("accounts", "adminaccesslog", "staff")})


def _purge_related(user: User) -> dict[str, int]:
    """Delete every row of every app that belongs to the user (profiles, readings, chats, shares, …).

    Walking the model graph instead of listing models means a part added later is purged too.
    """
    counts: dict[str, int] = {}
    for rel in User._meta.related_objects:
        model = rel.related_model
        key = (model._meta.app_label, model._meta.model_name, rel.field.name)
        if key in KEPT_RELATIONS:
            continue
        if rel.many_to_many:
            continue
        manager = model._base_manager.filter(**{rel.field.name: user})
        if rel.on_delete is models.SET_NULL:
            manager.update(**{rel.field.name: None})
            continue
        deleted, per_model = manager.delete()
        for label, n in per_model.items():
            counts[label] = counts.get(label, 0) + n
    return counts


@transaction.atomic
def user_delete(*, user: User) -> dict[str, int]:
    """탈퇴: purge the personal data and keep an anonymized row (its e-mail and social ids are free at once)."""
    locked = User.objects.select_for_update().filter(pk=user.pk, deleted_at__isnull=True).first()
    if locked is None:
        raise not_found()
    counts = _purge_related(locked)
    locked.groups.clear()
    locked.user_permissions.clear()
    locked.username = f"{DELETED_USERNAME_PREFIX}{locked.public_id.hex}"
    locked.email = ""
    locked.first_name = ""
    locked.last_name = ""
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.last_login = None
    locked.last_seen_at = None
    locked.deleted_at = timezone.now()
    locked.set_unusable_password()
    locked.save()
    logger.info("account deleted", extra={"user_public_id": str(locked.public_id)})
    return counts


def unverified_users_delete(*, days: int, dry_run: bool = False) -> int:
    """Remove accounts that never verified an e-mail within `days`, and children's sign-ups whose guardian
    did not consent within GUARDIAN_CONSENT_DAYS (neither ever became a usable account)."""
    now = timezone.now()
    cutoff = now - timedelta(days=days)
    verified = EmailAddress.objects.filter(user=models.OuterRef("pk"), verified=True)
    social = SocialAccount.objects.filter(user=models.OuterRef("pk"))
    # A child's sign-up whose guardian never confirmed is removed as well, after the consent period.
    guardian_expired = GuardianConsent.objects.filter(
        user=models.OuterRef("pk"),
        confirmed_at__isnull=True,
        requested_at__lt=now - timedelta(days=settings.GUARDIAN_CONSENT_DAYS),
    )
    never_verified = ~models.Exists(verified) & ~models.Exists(social) & models.Q(date_joined__lt=cutoff)
    stale = User.objects.filter(deleted_at__isnull=True, is_staff=False, is_superuser=False).filter(
        never_verified | models.Exists(guardian_expired)
    )
    if dry_run:
        return stale.count()
    deleted = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            # Re-check under the lock: the user may have verified since the list was read.
            user = stale.select_for_update().filter(pk=pk).first()
            if user is None:
                continue
            user.delete()
            deleted += 1
    return deleted
