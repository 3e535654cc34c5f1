"""factory-boy factories of the accounts part (birth data goes through the engine like in production)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from allauth.account.models import EmailAddress

from unse.accounts.models import Colour, FavouriteDate, Profile, Relation, User
from unse.accounts.services.profiles import birth_normalize

PASSWORD = "saju-테스트-비밀번호-2026"


def signup_form(email: str, **extra: str) -> dict[str, str]:
    """The sign-up form as a person fills it in: the password twice, over 14, the privacy notice agreed."""
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "age_group": "over14",
        "agree_privacy": "on",
        **extra,
    }


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    label = factory.Sequence(lambda n: f"프로필{n}")
    relation = Relation.SELF
    birth = factory.LazyFunction(
        lambda: birth_normalize(
            birth={"datetime": "1990-05-15T14:30", "calendar": "solar", "gender": "female"}
        )
    )
    is_default = False


class FavouriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FavouriteDate

    user = factory.SubFactory(UserFactory)
    day = factory.Sequence(lambda n: dt.date(2026, 12, 1) + dt.timedelta(days=n))
    label = factory.Sequence(lambda n: f"기념일{n}")
    colour = Colour.GREEN
