"""Hot reads of a few fields of one model, as one hand-written statement built from the model's `_meta`.

The two hottest queries of the service (a cached reading's lookup, the logged-in `/today`'s default
profile) cost ≈ 0.4–0.6 ms each through the ORM's query building against ≈ 0.07–0.1 ms as one prepared
statement (BENCHMARKS.md "Cached path"). `FieldsReader` keeps that speed without a second definition of
the model: the column list, the table and the names come from `_meta`, the values go through the same
converters the ORM applies (each field's `from_db_value`, the backend's own, e.g. SQLite's booleans), and
the rows become model instances with `Model.from_db` (any other field loads on access, like `.only()`).
tests/unse/core/test_fastread.py holds it to the ORM's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


class FieldsReader(Generic[M]):
    """`SELECT <fields> FROM <table> WHERE …` of `model`, answered as (deferred) model instances."""

    def __init__(self, model: type[M], fields: Collection[str]) -> None:
        wanted = set(fields)
        meta = model._meta
        # In the model's field order: `Model.from_db` maps a partial row by that order.
        self.model = model
        self.fields: tuple[Field[Any, Any], ...] = tuple(
            f for f in meta.concrete_fields if f.attname in wanted
        )
        self.attnames = [f.attname for f in self.fields]
        unknown = wanted - set(self.attnames)
        if unknown:
            raise ValueError(f"{meta.label} has no concrete fields {sorted(unknown)}")
        self._columns = {f.attname: str(f.column) for f in meta.concrete_fields}
        self._sql: dict[tuple[str, tuple[str, ...], int], str] = {}
        self._converters: dict[str, list[tuple[Any, list[Converter]]]] = {}

    def _statement(self, kind: str, names: tuple[str, ...], count: int) -> str:
        key = (kind, names, count)
        sql = self._sql.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(self._columns[name]) for name in self.attnames)
            table = quote(self.model._meta.db_table)
            if kind == "in":
                where = f"{quote(self._columns[names[0]])} IN ({', '.join(['%s'] * count)})"
            else:
                where = " AND ".join(f"{quote(self._columns[name])} = %s" for name in names)
            sql = self._sql[key] = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608 - names from _meta
        return sql

    def _converters_now(self) -> list[tuple[Any, list[Converter]]]:
        # What the ORM's compiler applies to each selected column: the backend's, then the field's own.
        converters = self._converters.get(connection.vendor)
        if converters is None:
            table = self.model._meta.db_table
            converters = []
            for field in self.fields:
                column = field.get_col(table)
                backend = connection.ops.get_db_converters(column)
                converters.append((column, [*backend, *field.get_db_converters(connection)]))
            self._converters[connection.vendor] = converters
        return converters

    def _rows(self, sql: str, params: Sequence[Any]) -> list[M]:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            rows = cursor.fetchall()
        converters = self._converters_now()
        found = []
        for row in rows:
            values = list(row)
            for index, (column, field_converters) in enumerate(converters):
                for convert in field_converters:
                    values[index] = convert(values[index], column, connection)
            found.append(self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values))
        return found

    def filter_equal(self, **values: Any) -> list[M]:
        """Rows whose fields equal the given values (attribute names, e.g. `user_id`)."""
        names = tuple(values)
        return self._rows(self._statement("equal", names, len(names)), list(values.values()))

    def filter_in(self, name: str, values: Sequence[Any]) -> list[M]:
        """Rows whose field `name` is one of `values` (none for an empty sequence)."""
        if not values:
            return []
        return self._rows(self._statement("in", (name,), len(values)), values)
