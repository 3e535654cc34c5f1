"""/admin/ needs a TOTP token from a confirmed device besides the password (issue 20, finding 7; django-otp).
Before, a staff password alone opened the console."""

from __future__ import annotations

from io import BytesIO, StringIO, TextIOWrapper
from typing import Any, TextIO

import pytest
import zxingcpp
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

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
_PIXELS = 4  # per module


def _scan(output: str) -> str:
    """What a phone reads from the QR code in the command's output (zxing-cpp, an independent decoder; dark
    on light only, as some phone scanners)."""
    lines = [line for line in output.splitlines() if line and set(line) <= set(_HALF_BLOCKS) and line.strip()]
    rows = [[_HALF_BLOCKS[char][half] for char in line] for line in lines for half in (0, 1)]
    assert rows, "no QR code in the output"
    modules = Image.frombytes(
        "L", (len(rows[0]), len(rows)), bytes(0 if dark else 255 for row in rows for dark in row)
    )
    image = modules.resize((modules.width * _PIXELS, modules.height * _PIXELS), Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(image, try_invert=False)
    assert len(found) == 1, "the QR code does not scan"
    return str(found[0].text)


def _enrol(username: str, stdout: TextIO) -> TOTPDevice:
    call_command("admin_totp", username, stdout=stdout)
    return TOTPDevice.objects.get(user__username=username)


def test_admin_totp_command_prints_a_qr_code_a_phone_reads_as_the_enrolment_address(
    django_user_model: Any,
) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    out = StringIO()
    device = _enrol("chief", out)
    assert _scan(out.getvalue()) == device.config_url
    assert "QR 코드를 찍으세요" in out.getvalue()
    assert "\x1b[" not in out.getvalue()  # colours only on a terminal
    assert max(len(line) for line in out.getvalue().splitlines() if set(line) <= set(_HALF_BLOCKS)) <= 80


def test_a_terminal_that_cannot_draw_the_qr_code_still_gets_the_secret(django_user_model: Any) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    raw = BytesIO()
    cp949 = TextIOWrapper(raw, encoding="cp949")  # Korean encodes, block characters do not
    device = _enrol("chief", cp949)
    cp949.flush()
    printed = raw.getvalue().decode("cp949")
    assert f"비밀 키: {device.config_url.split('secret=')[1].split('&')[0]}" in printed
    assert "이 터미널은 QR 코드를 그릴 수 없습니다" in printed


def test_an_address_too_wide_for_the_terminal_gets_no_qr_code(django_user_model: Any) -> None:
    long_name = "운영" * 20  # each Korean letter is 9 characters in the address
    django_user_model.objects.create_superuser(long_name, "long@example.com", PASSWORD)
    out = StringIO()
    _enrol(long_name, out)
    assert "QR 코드가 80칸보다 넓어서 보여 드릴 수 없습니다" in out.getvalue()
    assert "비밀 키: " in out.getvalue()
    assert not any(set(line) <= set(_HALF_BLOCKS) and line.strip() for line in out.getvalue().splitlines())


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_qr_code_is_white_on_black_whatever_the_theme(django_user_model: Any) -> None:
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    out = _Terminal()
    device = _enrol("chief", out)
    coloured = [line for line in out.getvalue().splitlines() if line.startswith("\x1b[97;40m")]
    assert coloured and all(line.endswith("\x1b[0m") for line in coloured)
    plain = out.getvalue().replace("\x1b[97;40m", "").replace("\x1b[0m", "")
    assert _scan(plain) == device.config_url
