"""Stand-ins for the most used macros of dbt_utils and dbt_date, for a project whose packages are
not installed (no `dbt deps`): each renders the SQL shape the package renders (`star` a column list,
`group_by(n)` `group by 1..n`, `union_relations` a UNION ALL of the relations with their columns),
asking the scan's warehouse (`warehouse.py`) what dbt would ask the real one. An answer the scan
does not have is a warning at the calling line and an explicit `unresolved_<macro>` name in the SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from parsers.dbt.builtins import CROSS_DATABASE, surrogate_key
from parsers.dbt.warehouse import Note, Relation, Warehouse

Macro = Callable[..., object]


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else ([str(value)] if value else [])


class DbtUtils:
    """dbt_utils' macros for one render: `note` warns at the template line being rendered."""

    def __init__(self, warehouse: Warehouse, note: Note) -> None:
        self.warehouse, self.note = warehouse, note

    def members(self) -> dict[str, Macro]:
        own = {name: getattr(self, name) for name in ("star", "get_filtered_columns_in_relation", "union_relations", "get_relations_by_pattern", "get_column_values", "pivot", "unpivot", "date_spine", "generate_series", "deduplicate")}
        simple: dict[str, Macro] = {
            "group_by": lambda n: "group by " + ",".join(str(i) for i in range(1, int(n) + 1)),
            "safe_add": lambda field_list=(), *more: "\n +\n".join(f"coalesce({f}, 0)" for f in _names(field_list) + [str(m) for m in more]),
            "safe_subtract": lambda field_list=(): "\n -\n".join(f"coalesce({f}, 0)" for f in _names(field_list)),
            "safe_divide": lambda numerator, denominator: f"( {numerator} ) / nullif( ( {denominator} ), 0)",
            "slugify": slugify,
            "generate_surrogate_key": surrogate_key,
            "surrogate_key": surrogate_key,
            "pretty_time": lambda format="%H:%M:%S": "00:00:00",
            "get_table_types_sql": lambda: "case table_type when 'BASE TABLE' then 'table' when 'EXTERNAL TABLE' then 'external' when 'MATERIALIZED VIEW' then 'materializedview' else lower(table_type) end as \"table_type\"",
        }
        return {**CROSS_DATABASE, **simple, **own}

    def get_filtered_columns_in_relation(self, from_: object = None, except_: object = (), **kw: object) -> list[str]:
        relation = kw.get("from", from_)
        skip = {c.lower() for c in _names(kw.get("except", except_))}
        return [c.name for c in self.warehouse.known_columns(relation, self.note) or [] if c.name.lower() not in skip]

    def star(self, from_: object = None, relation_alias: object = False, except_: object = (), prefix: str = "", suffix: str = "", quote_identifiers: bool = True, **kw: object) -> str:
        columns = self.get_filtered_columns_in_relation(kw.get("from", from_), kw.get("except", except_))
        if not columns:
            return "*"  # as dbt_utils renders a star over no known column
        alias = f"{relation_alias}." if relation_alias else ""
        return ",\n  ".join(f"{alias}{c}" + (f" as {prefix}{c}{suffix}" if prefix or suffix else "") for c in columns)

    def union_relations(self, relations: object = (), column_override: object = None, include: object = (), exclude: object = (), source_column_name: object = "_dbt_source_relation", where: object = None) -> str:
        found = [r for r in (relations if isinstance(relations, (list, tuple)) else [relations])]
        columns = {str(r): [c.name for c in self.warehouse.known_columns(r, self.note) or []] for r in found}
        keep, drop = {c.lower() for c in _names(include)}, {c.lower() for c in _names(exclude)}
        union: list[str] = []
        for name in (c for cols in columns.values() for c in cols):
            if name.lower() not in {u.lower() for u in union} and (not keep or name.lower() in keep) and name.lower() not in drop:
                union.append(name)
        selects = []
        for relation in found:
            have = {c.lower() for c in columns[str(relation)]}
            # columns unknown (warned): the ones asked for by name, else all of them
            listed = [c if c.lower() in have or not have else f"null as {c}" for c in union or _names(include)] or ["*"]
            head = f"cast('{relation}' as varchar) as {source_column_name}" if source_column_name else ""
            filtered = f"\n    where {where}" if where else ""
            selects.append("(\n    select\n        " + ",\n        ".join(([head] if head else []) + listed) + f"\n    from {relation}{filtered}\n)")
        if not selects:
            self.note("union_relations got no relations: rendered as unresolved_union_relations")
            return "(select null as unresolved_union_relations)"
        return "\n" + "\n\nunion all\n\n".join(selects)  # on a line of its own, as dbt_utils renders it

    def get_relations_by_pattern(self, schema_pattern: object, table_pattern: object, exclude: object = "", database: object = None) -> list[Relation]:
        found = self.warehouse.relations_like(str(schema_pattern), str(table_pattern), str(exclude or ""))
        if not found:
            self.note(f"get_relations_by_pattern('{schema_pattern}', '{table_pattern}'): no relation of the project matches")
        return found

    def get_column_values(self, table: object, column: object, order_by: object = "count(*) desc", max_records: object = None, default: object = None, where: object = None) -> object:
        sql = f"select {column} as value from {table} group by {column} order by {order_by}" + (f" limit {max_records}" if max_records else "")
        answer = self.warehouse.answer(sql) if where is None and self.warehouse.live else None
        rows = answer.columns[0].values() if answer is not None else []
        if rows:
            return rows
        if default:
            return default
        self.note(f"get_column_values({table}, '{column}'): its values are data the scan does not have; the one value 'unresolved_get_column_values' stands for them")
        return ["unresolved_get_column_values"]

    def pivot(self, column: object, values: object = (), alias: bool = True, agg: str = "sum", cmp: str = "=", prefix: str = "", suffix: str = "", then_value: object = 1, else_value: object = 0, quote_identifiers: bool = True, distinct: bool = False) -> str:
        out = []
        for value in _names(values):
            name = f'"{prefix}{value}{suffix}"' if quote_identifiers else slugify(f"{prefix}{value}{suffix}")
            out.append(f"{agg}({'distinct ' if distinct else ''}case when {column} {cmp} '{value}' then {then_value} else {else_value} end)" + (f" as {name}" if alias else ""))
        return ",\n  ".join(out)

    def unpivot(self, relation: object = None, cast_to: str = "varchar", exclude: object = (), remove: object = (), field_name: str = "field_name", value_name: str = "value", **kw: object) -> str:
        keep = _names(exclude)
        columns = [c for c in self.get_filtered_columns_in_relation(relation, [*keep, *_names(remove)])]
        selects = [f"select {', '.join([*keep, f'cast({chr(39)}{c}{chr(39)} as varchar) as {field_name}', f'cast({c} as {cast_to}) as {value_name}'])} from {relation}" for c in columns]
        return "\nunion all\n".join(selects) or f"select null as unresolved_unpivot from {relation}"

    def generate_series(self, upper_bound: object) -> str:
        return f"select row_number() over (order by 1) as generated_number from table(generator(rowcount => {upper_bound}))"

    def date_spine(self, datepart: object, start_date: object, end_date: object) -> str:
        spined = CROSS_DATABASE["dateadd"](datepart, "row_number() over (order by 1) - 1", start_date)
        return (
            f"\nwith rawdata as (\n    select 1 as generated_number\n),\n\nall_periods as (\n    select (\n        {spined}\n    ) as date_{datepart}\n    from rawdata\n),\n\n"
            f"filtered as (\n    select *\n    from all_periods\n    where date_{datepart} <= {end_date}\n)\n\nselect * from filtered\n"
        )

    def deduplicate(self, relation: object, partition_by: object, order_by: object) -> str:
        return f"\nselect *\nfrom {relation}\nqualify row_number() over (partition by {partition_by} order by {order_by}) = 1"


def slugify(string: object) -> str:
    """dbt_utils.slugify: lower case, spaces and dashes to underscores, other symbols dropped."""
    text = re.sub(r"[^a-z0-9_]+", "", re.sub(r"[ -]+", "_", str(string).lower()))
    return f"_{text}" if text[:1].isdigit() else text


def dbt_date(note: Note) -> dict[str, Macro]:
    """dbt_date's most used macros, as its default implementations render them."""
    dateadd = CROSS_DATABASE["dateadd"]
    return {
        "now": lambda tz=None: "current_timestamp",
        "today": lambda tz=None: "current_date",
        "date_part": lambda datepart, date: f"date_part('{datepart}', {date})",
        "day_of_week": lambda date, isoweek=True: f"dayofweekiso({date})" if isoweek else f"dayofweek({date})",
        "day_name": lambda date, short=True: f"dayname({date})",
        "month_name": lambda date, short=True: f"monthname({date})",
        "convert_timezone": lambda column, target_tz=None, source_tz=None: f"convert_timezone('{source_tz or 'UTC'}', '{target_tz or 'UTC'}', {column})",
        "n_days_ago": lambda n, date=None, tz=None: f"cast({dateadd('day', f'-1 * {n}', date or 'current_date')} as date)",
        "n_days_away": lambda n, date=None, tz=None: f"cast({dateadd('day', n, date or 'current_date')} as date)",
        "from_unixtimestamp": lambda epochs, format="seconds": f"to_timestamp({epochs})",
        "to_unixtimestamp": lambda timestamp: f"extract(epoch from {timestamp})",
        "periods_since": lambda date_col, period_name="day", tz=None: CROSS_DATABASE["datediff"](date_col, "current_timestamp", period_name),
        # a spine of generated dates (MetricFlow's time spine): one column `date_<datepart>`, read from no table
        "get_base_dates": lambda start_date=None, end_date=None, n_dateparts=None, datepart="day": f"select cast(current_date as date) as date_{datepart}",
    }
