"""A superuser made with `createsuperuser` can use the site: its e-mail counts as verified (the operator
typed it on the server; there is no mail to click), so the mandatory verification never locks it out.
Applied when the superuser logs in (AccountAdapter.pre_login), before allauth looks for a verified address."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from unse.accounts.models import User


def superuser_email_verify(*, user: User) -> None:
    if not user.is_superuser or not user.email:
        return
    email = user.email.strip()
    updated = EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
    if not updated:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
