"""Database access from async code: in a worker thread, with the connection released right after.

Every ORM call of the pipeline goes through `db_call`, so no pooled connection is ever held while a
stream is open (seed 000/001: thousands of open streams must not pin thousands of connections), and
no sync ORM call can run on the event loop.

SQLite connections are the exception: they are not a shared server resource (no pool, no server-side
limit), and opening one costs a file open plus the init PRAGMAs, so a worker thread keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import QuerySet

P = ParamSpec("P")
T = TypeVar("T")

# Set (in the request's context, which asgiref copies back from its threads) whenever a connection is
# opened, so that `release_request_connection` only hops to the request thread when there is something
# to release: an anonymous request without a session cookie never opens one there.
_connection_opened: ContextVar[bool] = ContextVar("unse_core_connection_opened", default=False)


def _note_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    _connection_opened.set(True)


connection_created.connect(_note_connection, dispatch_uid="unse.core.db.note_connection")


def _release_thread_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.vendor != "sqlite":
            connection.close()


def _closing(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    opened_before = _connection_opened.get()
    try:
        return fn(*args, **kwargs)
    finally:
        _release_thread_connections()
        # A connection opened (and closed) in this pool thread is not the request thread's to release.
        _connection_opened.set(opened_before)


async def db_call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a sync ORM function in a thread-pool thread and release that thread's connection afterwards."""
    return await sync_to_async(_closing, thread_sensitive=False)(fn, *args, **kwargs)


async def release_request_connection() -> None:
    """Release the connection the request's own thread holds (from `request.auser()`, or from middleware
    that writes in the response phase, e.g. the session save or `last_seen_at`)."""
    if _connection_opened.get():
        _connection_opened.set(False)
        await sync_to_async(connections.close_all, thread_sensitive=True)()


def delete_in_batches(queryset: QuerySet[Any], *, batch_size: int) -> int:
    """Delete the rows of `queryset` by primary-key batches: short transactions, no table-wide lock on a
    big purge (the retention purges of every app). Returns how many rows were selected for deletion."""
    total = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total
        with transaction.atomic():
            deleted, _ = queryset.model._base_manager.filter(pk__in=ids).delete()
        total += len(ids)
        if deleted == 0:
            return total
