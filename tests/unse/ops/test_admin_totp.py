"""/admin/ needs a TOTP token from a confirmed device besides the password (issue 20, finding 7; django-otp).
Before, a staff password alone opened the console."""

from __future__ import annotations

from io import StringIO
from typing import Any

import numpy as np
import pytest
import zxingcpp
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-123"


@pytest.fixture(autouse=True)
def _otp_required(settings: Any) -> None:
    cache.clear()  # the failed-login counters of the admin form
    settings.ADMIN_OTP_REQUIRED = True


def _token(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{(totp.token() + offset) % 10**device.digits:0{device.digits}d}"


def _login(client: Any, **extra: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": "chief", "password": PASSWORD, **extra})


def test_staff_without_a_device_is_refused_even_with_the_right_password(
    client: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    refused = _login(client)
    assert refused.status_code == 200  # the login form again, in Korean
    assert "OTP 번호(인증 앱의 6자리)" in refused.content.decode()
    assert "인증 앱의 6자리 OTP 번호를 입력해 주세요" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # to the login page


def test_a_session_without_a_verified_device_is_sent_back_to_the_login(
    client: Any, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    client.force_login(user)  # password only: what a stolen session cookie of a half-done login gives
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_with_a_valid_token_gets_in_and_a_wrong_token_does_not(
    client: Any, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    wrong = _login(client, otp_device=device.persistent_id, otp_token=_token(device, offset=500_000))
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttle_reset()  # the wrong token started django-otp's back-off

    admitted = _login(client, otp_device=device.persistent_id, otp_token=_token(device))
    assert admitted.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "운영 관리" in page.content.decode()


def test_admin_totp_command_enrols_a_device_whose_token_opens_the_admin(
    client: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    out = StringIO()
    call_command("admin_totp", "chief", stdout=out)
    assert "otpauth://totp/" in out.getvalue() and "비밀 키" in out.getvalue()
    device = TOTPDevice.objects.get(user__username="chief")
    assert device.confirmed
    assert _login(client, otp_device=device.persistent_id, otp_token=_token(device)).status_code == 302
    assert client.get("/admin/").status_code == 200

    with pytest.raises(CommandError, match="이미 OTP 기기가 있습니다"):
        call_command("admin_totp", "chief")
    with pytest.raises(CommandError, match="관리자 계정이 없습니다"):
        call_command("admin_totp", "nobody")


# segno's compact terminal QR: each character is two modules stacked, a space both dark (the terminal's
# background), a full block both light.
_HALF_BLOCKS = {" ": (1, 1), "\u2580": (0, 1), "\u2584": (1, 0), "\u2588": (0, 0)}


def _scan(output: str) -> str:
    """What a phone reads from the QR code in the command's output (zxing-cpp, the reader's own decoder)."""
    lines = [line for line in output.splitlines() if line and set(line) <= set(_HALF_BLOCKS) and line.strip()]
    rows = [[_HALF_BLOCKS[char][half] for char in line] for line in lines for half in (0, 1)]
    assert rows, "no QR code in the output"
    image = np.kron(255 * (1 - np.array(rows, dtype=np.uint8)), np.ones((4, 4), dtype=np.uint8))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, "the QR code does not scan"
    return str(found[0].text)


def test_admin_totp_command_prints_a_qr_code_a_phone_reads_as_the_enrolment_address(
    django_user_model: Any,
) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    out = StringIO()
    call_command("admin_totp", "chief", stdout=out)
    device = TOTPDevice.objects.get(user__username="chief")
    assert _scan(out.getvalue()) == device.config_url
    assert "QR 코드를 찍거나" in out.getvalue()
    assert max(len(line) for line in out.getvalue().splitlines() if set(line) <= set(_HALF_BLOCKS)) <= 80
