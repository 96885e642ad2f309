{% macro get_column_values(table, column) -%}
    {{ return(adapter.dispatch('get_column_values', 'lineage_pkg')(table, column)) }}
{%- endmacro %}

{% macro default__get_column_values(table, column) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query('select distinct ' ~ column ~ ' from ' ~ table ~ ' order by 1') -%}
    {{ return(result.columns[0].values()) }}
{%- endmacro %}

{% macro pivot(column, values, then) -%}
    {%- for value in values -%}
    sum(case when {{ column }} = '{{ value }}' then {{ then }} else 0 end) as {{ column }}_{{ value | lower }}{{ "," if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{% macro union_like(schema_pattern, table_pattern) -%}
    {%- call statement('tables', fetch_result=True) -%}
        select table_schema, table_name from information_schema.tables
        where table_schema ilike '{{ schema_pattern }}' and table_name ilike '{{ table_pattern }}'
    {%- endcall -%}
    {%- set relations = [] -%}
    {%- for row in load_result('tables')['table'] -%}
        {%- do relations.append(api.Relation.create(database=target.database, schema=row.table_schema, identifier=row.table_name)) -%}
    {%- endfor -%}
    {%- for relation in relations | sort(attribute='identifier') %}
    select '{{ relation.identifier }}' as source_name, {{ lineage_pkg.star(relation) }} from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
