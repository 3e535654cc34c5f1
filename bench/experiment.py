import os
if os.environ.get("EXP_NOTSC"):
    from django.core.handlers.asgi import ASGIHandler
    async def call(self, scope, receive, send):
        await self.handle(scope, receive, send)
    ASGIHandler.__call__ = call
if os.environ.get("EXP_NOSIG"):
    from django.core import signals
    from django.db import close_old_connections, reset_queries
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)
