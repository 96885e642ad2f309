{% macro star(from, except=[]) -%}
    {{ return(adapter.dispatch('star', 'lineage_pkg')(from, except)) }}
{%- endmacro %}

{% macro default__star(from, except=[]) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set skip = except | map('lower') | list -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(from) -%}
        {%- if column.name | lower not in skip -%}
            {%- do names.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ names | join(',\n    ') }}
{%- endmacro %}

{% macro cents_to_units(column) -%}
    {{ return(adapter.dispatch('cents_to_units', 'lineage_pkg')(column)) }}
{%- endmacro %}

{% macro duckdb__cents_to_units(column) -%}
    cast({{ column }} as double) / 1000
{%- endmacro %}

{% macro default__cents_to_units(column) -%}
    {{ column }}
{%- endmacro %}

{% macro duckdb__half(column) -%}
    ({{ column }} / 2)
{%- endmacro %}

{% macro half(column) -%}
    {{ return(adapter.dispatch('half', 'lineage_pkg')(column)) }}
{%- endmacro %}
