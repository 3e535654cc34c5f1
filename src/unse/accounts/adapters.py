"""allauth adapters: mail goes through the transactional outbox, consents are saved with the user,
children under 14 cannot log in before their guardian confirmed, and `next` survives social logins."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from unse.accounts.selectors.consent import guardian_consent_pending
from unse.accounts.services.consent import consent_record_signup
from unse.accounts.services.outbox import outbox_enqueue
from unse.accounts.services.superuser import superuser_email_verify
from unse.core.request import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same trusted-proxy rule as every other limiter: a spoofed X-Forwarded-For is ignored.
        return client_ip(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = self.request
        ctx: dict[str, Any] = {"email": email}
        if request is not None:
            ctx.update({"request": request, "current_site": get_current_site(request)})
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        user = context.get("user")
        outbox_enqueue(message=message, template=template_prefix, user_id=getattr(user, "pk", None))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            consent_record_signup(user=user, request=request, choices=form.consent_choices())
        return user

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        superuser_email_verify(user=user)
        if guardian_consent_pending(user_id=user.pk):
            clear_login(request)
            if kwargs.get("signup"):
                # The child still verifies their own address while the guardian decides.
                address = EmailAddress.objects.filter(user=user, primary=True, verified=False).first()
                if address is not None:
                    send_verification_email_to_address(request, address, signup=True)
                return TemplateResponse(request, "accounts/guardian_pending.html", {"signup": True})
            return TemplateResponse(request, "accounts/guardian_pending.html", {}, status=403)
        response: HttpResponse | None = super().pre_login(request, user, **kwargs)
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request: HttpRequest, provider: Any, client_id: Any = None) -> Any:
        # A provider without keys is switched off: its URLs answer 404 instead of a server error.
        try:
            return super().get_app(request, provider, client_id)
        except SocialApp.DoesNotExist as exc:
            raise Http404("이 로그인 방식은 지금 사용할 수 없습니다.") from exc

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        if form is not None:
            consent_record_signup(user=user, request=request, choices=form.consent_choices())
        return user
