"""The JSON API (django-ninja): one NinjaAPI instance; each domain adds its router here."""

from ninja import NinjaAPI

from unse.api.errors import install_error_handlers
from unse.api.readings import router as readings_router

api = NinjaAPI(
    title="사주 명식 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", readings_router)

# --- accounts: the personal space (/api/v1/me/…) -------------------------------------------------------
from unse.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/", accounts_router)

# --- daily fortunes (/api/v1/daily, /api/v1/fortunes/today; src/unse/fortunes/api.py) ---------------------
from unse.fortunes.api import router as fortunes_router  # noqa: E402

api.add_router("/", fortunes_router)

# --- topic readings (/api/v1/topics/{topic}; src/unse/api/topics.py) --------------------------------------
from unse.api.topics import router as topics_router  # noqa: E402

api.add_router("/", topics_router)

# --- 상담 chats (/api/v1/chats…; src/unse/chats/api.py) ----------------------------------------------------
from unse.chats.api import router as chats_router  # noqa: E402

api.add_router("/", chats_router)
