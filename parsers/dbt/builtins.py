"""dbt's own macros, as dbt-core ships them: the naming macros (`generate_schema_name` and its
kin, with dbt's logic) and the cross-database macros (`dateadd`, `type_string`, ...), rendered so
column references stay visible to lineage. A project's macro of the same name wins, as in dbt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def _items(fields: object, more: tuple[object, ...] = ()) -> list[object]:
    return list(fields) if isinstance(fields, (list, tuple)) else [fields, *more]


def _cast(field: object, type_: object) -> str:
    return f"cast({field} as {type_})"


def _concat(fields: object, *more: object) -> str:
    return "concat(" + ", ".join(str(f) for f in _items(fields, more)) + ")"


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _node_name(node: object) -> str:
    return str(node.get("name") or "") if isinstance(node, Mapping) else str(getattr(node, "name", "") or "")


def naming_macros(target: Mapping[str, object]) -> dict[str, Callable[..., object]]:
    """dbt's default generate_*_name macros for one target (dbt-core's `macros/get_custom_name`)."""
    schema, database = str(target.get("schema") or ""), str(target.get("database") or "")

    def generate_schema_name(custom_schema_name: object = None, node: object = None) -> str:
        return schema if custom_schema_name is None else f"{schema}_{str(custom_schema_name).strip()}"

    def generate_schema_name_for_env(custom_schema_name: object = None, node: object = None) -> str:
        # dbt's: a custom schema as written in the 'prod' target, else the target's schema
        if target.get("name") == "prod" and custom_schema_name is not None:
            return str(custom_schema_name).strip()
        return schema

    def generate_alias_name(custom_alias_name: object = None, node: object = None) -> str:
        if custom_alias_name is not None:
            return str(custom_alias_name).strip()
        version = node.get("version") if isinstance(node, Mapping) else None
        return f"{_node_name(node)}_v{version}" if version is not None else _node_name(node)

    def generate_database_name(custom_database_name: object = None, node: object = None) -> str:
        return database if custom_database_name is None else str(custom_database_name).strip()

    return {
        "generate_schema_name": generate_schema_name,
        "generate_schema_name_for_env": generate_schema_name_for_env,
        "generate_alias_name": generate_alias_name,
        "generate_database_name": generate_database_name,
    }


def surrogate_key(fields: object = (), *more: object) -> str:
    parts = ", ".join(f"coalesce(cast({f} as varchar), '_null_')" for f in _items(fields, more))
    return f"md5(concat({parts}))"


def _listagg(measure: object, delimiter_text: object = "','", order_by_clause: object = None, limit_num: object = None) -> str:
    order = f" within group ({order_by_clause})" if order_by_clause else ""
    return f"listagg({measure}, {delimiter_text}){order}"


_TYPES = {"string": "varchar", "int": "integer", "bigint": "bigint", "float": "float", "numeric": "numeric", "timestamp": "timestamp", "boolean": "boolean"}

# dbt's cross-database macros (dbt-core's `macros/utils`): their default SQL, arguments kept visible
CROSS_DATABASE: dict[str, Callable[..., object]] = {
    "current_timestamp": lambda: "current_timestamp",
    "current_timestamp_backcompat": lambda: "current_timestamp",
    "date_trunc": lambda datepart, date: f"date_trunc('{datepart}', {date})",
    "dateadd": lambda datepart, interval, from_date_or_timestamp: f"dateadd({datepart}, {interval}, {from_date_or_timestamp})",
    "datediff": lambda first_date, second_date, datepart: f"datediff({datepart}, {first_date}, {second_date})",
    "last_day": lambda date, datepart: f"last_day({date}, {datepart})",
    "safe_cast": _cast,
    "cast": _cast,
    "concat": _concat,
    "hash": lambda field: f"md5(cast({field} as varchar))",
    "length": lambda expression: f"length({expression})",
    "position": lambda substring_text, string_text: f"position({substring_text} in {string_text})",
    "replace": lambda field, old_chars, new_chars: f"replace({field}, {old_chars}, {new_chars})",
    "right": lambda string_text, length_expression: f"right({string_text}, {length_expression})",
    "split_part": lambda string_text, delimiter_text, part_number: f"split_part({string_text}, {delimiter_text}, {part_number})",
    "listagg": _listagg,
    "any_value": lambda expression: f"any_value({expression})",
    "bool_or": lambda expression: f"bool_or({expression})",
    "escape_single_quotes": lambda expression: str(expression).replace("'", "''"),
    "string_literal": _literal,
    "except": lambda: "except",
    "intersect": lambda: "intersect",
    "array_construct": lambda inputs=(), data_type=None: "array[" + ", ".join(str(i) for i in _items(inputs)) + "]",
    "array_append": lambda array, new_element: f"array_append({array}, {new_element})",
    "array_concat": lambda array_1, array_2: f"array_cat({array_1}, {array_2})",
    **{f"type_{name}": (lambda sql=sql: sql) for name, sql in _TYPES.items()},
}


_DATEPART_FIRST = frozenset({"snowflake", "redshift", "duckdb", "spark", "databricks", "sqlserver", "fabric"})  # dateadd(part, n, d)


def cross_database(adapter: str) -> dict[str, Callable[..., object]]:
    """The cross-database macros as `adapter`'s dbt package renders them where SQL differs: a
    `dateadd(day, ...)` means a column named `day` to dialects without DATEADD."""
    if adapter in _DATEPART_FIRST:
        return dict(CROSS_DATABASE)
    if adapter == "bigquery":
        dateadd = lambda datepart, interval, from_date_or_timestamp: f"datetime_add(cast({from_date_or_timestamp} as datetime), interval {interval} {datepart})"  # noqa: E731
        datediff = lambda first_date, second_date, datepart: f"datetime_diff(cast({second_date} as datetime), cast({first_date} as datetime), {datepart})"  # noqa: E731
    else:  # dbt-postgres's, which parses in every dialect
        dateadd = lambda datepart, interval, from_date_or_timestamp: f"{from_date_or_timestamp} + ((interval '1 {datepart}') * ({interval}))"  # noqa: E731
        datediff = lambda first_date, second_date, datepart: f"(({second_date})::date - ({first_date})::date)"  # noqa: E731
    return {**CROSS_DATABASE, "dateadd": dateadd, "datediff": datediff}
