"""Forms: the sign-up consent block (age gate + privacy policy), profiles, favourites and the API key."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.utils.safestring import mark_safe

from unse.accounts.models import Colour, Relation
from unse.accounts.services.consent import ConsentChoices
from unse.core.birth_form import BirthForm
from unse.core.places import PLACES_BY_KEY

AGE_OVER_14 = "over14"
AGE_UNDER_14 = "under14"
AGE_CHOICES = (
    (AGE_OVER_14, "만 14세 이상입니다"),
    (AGE_UNDER_14, "만 14세 미만입니다 (법정대리인 동의 필요)"),
)


class ConsentFieldsMixin(forms.Form):
    age_group = forms.ChoiceField(
        label="나이 확인",
        choices=AGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "나이 확인 항목을 선택해 주세요."},
    )
    guardian_name = forms.CharField(label="법정대리인 이름", max_length=40, required=False)
    guardian_email = forms.EmailField(label="법정대리인 이메일", required=False)
    agree_privacy = forms.BooleanField(
        label=mark_safe(
            '<a href="/privacy/" target="_blank" rel="noopener">개인정보처리방침</a>을 읽었으며 '
            "개인정보 수집·이용에 동의합니다 (필수)"
        ),
        required=True,
        error_messages={"required": "개인정보 수집·이용에 동의해야 가입할 수 있습니다."},
    )
    agree_overseas_ai = forms.BooleanField(
        label="AI 풀이를 위해 생년월일을 뺀 명식 정보가 국외 AI 사업자에게 전달되는 것에 동의합니다 (선택)",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("age_group") == AGE_UNDER_14:
            if settings.ACCOUNTS_UNDER_14_POLICY != "guardian":
                raise forms.ValidationError("죄송합니다. 만 14세 미만은 가입할 수 없습니다.", code="under_14")
            if not cleaned.get("guardian_name"):
                self.add_error("guardian_name", "만 14세 미만은 법정대리인 이름이 필요합니다.")
            if not cleaned.get("guardian_email"):
                self.add_error("guardian_email", "만 14세 미만은 법정대리인 이메일이 필요합니다.")
            elif (cleaned.get("guardian_email") or "").lower() == (cleaned.get("email") or "").lower():
                self.add_error("guardian_email", "법정대리인 이메일은 본인 이메일과 달라야 합니다.")
        return cleaned

    def consent_choices(self) -> ConsentChoices:
        data = self.cleaned_data
        under = data.get("age_group") == AGE_UNDER_14
        return ConsentChoices(
            under_14=under,
            guardian_name=(data.get("guardian_name") or "") if under else "",
            guardian_email=(data.get("guardian_email") or "") if under else "",
            overseas_ai=bool(data.get("agree_overseas_ai")),
        )


class SignupForm(ConsentFieldsMixin, AllauthSignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # Korean labels take no colon
        super().__init__(*args, **kwargs)


class LoginForm(AllauthLoginForm):
    """allauth's login with natural Korean: '로그인 상태 유지' (it keeps the session, it saves no id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "로그인 상태 유지"


class SocialSignupForm(ConsentFieldsMixin, AllauthSocialSignupForm):
    pass


class ProfileForm(BirthForm):
    """The saved-profile form: the one birth-form component (city list with time zone and longitude,
    selects that hold lunar dates, 윤달, time unknown, gender required) plus who the profile is."""

    label = forms.CharField(label="이름(별칭)", max_length=40)
    relation = forms.ChoiceField(label="관계", choices=Relation.choices)
    is_default = forms.BooleanField(label="기본 프로필로 사용", required=False)
    daily_fortune = forms.BooleanField(label="이 프로필로 오늘의 운세 받기", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page-only name and the reading's tone belong to the home form, not to a stored profile.
        del self.fields["name"]
        del self.fields["mode"]

    def birthplace(self) -> str:
        """The chosen city's name, stored next to the birth so the pages say 서울, not a zone id."""
        return PLACES_BY_KEY[self.cleaned_data["place"]].name


class FavouriteForm(forms.Form):
    day = forms.DateField(label="날짜", widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label="이름", max_length=60)
    memo = forms.CharField(
        label="메모", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    colour = forms.ChoiceField(label="색", choices=Colour.choices)


class ApiKeyForm(forms.Form):
    key = forms.CharField(label="API 키", min_length=8, max_length=300, widget=forms.PasswordInput)
    base_url = forms.URLField(label="API 주소(선택, OpenAI 호환)", required=False, assume_scheme="https")
    model = forms.CharField(label="모델(선택)", max_length=100, required=False)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label="확인 문구", max_length=20)

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != "탈퇴":
            raise forms.ValidationError("확인 문구로 '탈퇴'를 정확히 입력해 주세요.")
        return value
