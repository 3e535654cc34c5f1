"""Settings owned by the web part of the service; star-imported at the end of base.py."""

from config.env import env_str as _w_env_str

# Kakao Talk sharing: off unless a Kakao JavaScript key is configured. The SDK is then loaded on the
# pages with share buttons from KAKAO_SDK_ORIGIN, which those responses add to the CSP script-src (and
# only those). Register the site's domain in the Kakao developers console for the key to work.
KAKAO_JS_KEY = _w_env_str("KAKAO_JS_KEY")
KAKAO_SDK_ORIGIN = _w_env_str("KAKAO_SDK_ORIGIN", "https://t1.kakaocdn.net")
KAKAO_SDK_URL = _w_env_str("KAKAO_SDK_URL", f"{KAKAO_SDK_ORIGIN}/kakao_js_sdk/2.7.4/kakao.min.js")
# Subresource integrity of KAKAO_SDK_URL (sha384-…, published with each SDK version); empty = none.
KAKAO_SDK_INTEGRITY = _w_env_str("KAKAO_SDK_INTEGRITY")
