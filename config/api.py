"""The root of the JSON API (django-ninja), assembled here at the top: each app owns its router
(`unse/<app>/api.py`), and no domain code imports this module (import-linter, pyproject.toml)."""

from ninja import NinjaAPI

from unse.accounts.api import router as accounts_router
from unse.chats.api import router as chats_router
from unse.core.json_api import install_error_handlers
from unse.fortunes.api import router as fortunes_router
from unse.readings.api import gunghap_router, topics_router
from unse.readings.api import router as readings_router
from unse.web.api import router as calendar_router

api = NinjaAPI(
    title="사주 명식 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", readings_router)  # /charts, /readings…
api.add_router("/", accounts_router)  # the personal space: /me…
api.add_router("/", fortunes_router)  # /daily, /fortunes/today
api.add_router("/", topics_router)  # /topics/{topic}
api.add_router("/", chats_router)  # /chats…
api.add_router("/", calendar_router)  # /calendar/{year}/{month}
api.add_router("/", gunghap_router)  # /gunghap, /gunghap/reading
